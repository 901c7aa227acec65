"""The rectification notices' pages (限期整改通知书, GV-04; issue 17 §3), under
/governance/notices/: issue one (to a property company, a house or an enterprise of the site,
from an inspection's finding or on its own), its page with the delivery and the check, and its
A4 paper. The register of notices (filters, xlsx, A4) is the register engine's
(``governance/registers.py``).

Thin: ``state_with`` for the site and the role, a form, one service call, render; a refused
write shows the form again with status 422 and nothing written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from gatehouse.accounts.models import Role
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import run_form
from gatehouse.console.pages import Action, RecordPage, found_or_404
from gatehouse.core import rectification
from gatehouse.governance import notice_selectors, notices, selectors
from gatehouse.governance.notice_forms import STAGE_LABELS, CloseForm, DeliverForm, NoticeForm
from gatehouse.people.models import Enterprise
from gatehouse.registers.paper import document_response

#: Who issues notices: the association (to property companies), the property's security
#: manager (to houses) and the park committee (to enterprises).
NOTICE_ROLES = frozenset(
    str(r) for r in (Role.INDUSTRY_ASSOCIATION, Role.SECURITY_MANAGER, Role.PARK_COMMITTEE)
)
#: The lines the paper has: under the notice the issuer's seal and the day; on the receipt
#: below the cut, who signed for it, who delivered it, and the day.
NOTICE_SIGNOFFS = (_lazy("发出单位（盖章）"), _lazy("日期"))
RECEIPT_SIGNOFFS = (_lazy("签收人（签字）"), _lazy("送达人（签字）"), _lazy("日期"))
ISSUERS = {
    str(Role.INDUSTRY_ASSOCIATION): _lazy("区物业行业协会"),
    str(Role.PARK_COMMITTEE): _lazy("园区管委会"),
}


def _state(request: HttpRequest) -> SiteState:
    return state_with(request, NOTICE_ROLES)


def _issuer(state: SiteState) -> str:
    for role, name in ISSUERS.items():
        if state.has_any({role}):
            return str(name)
    return _t("%(site)s物业服务中心") % {"site": state.site.name}


def _form(state: SiteState, data: Any = None, **kwargs: Any) -> NoticeForm:
    return NoticeForm(
        data,
        companies=selectors.companies_at(state.site),
        enterprises=Enterprise.objects.filter(site=state.site, is_active=True).order_by("name"),
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    """Issue a notice; ``?item=<pk>`` issues it for an inspection's finding (the item's
    company, finding and deadline filled in)."""
    state = _state(request)
    raw = request.GET.get("item") or request.POST.get("item") or ""
    item = None
    if raw:  # an inspection's finding: the association's (its campaign pages are)
        mine = raw.isdigit() and state.has_any({str(Role.INDUSTRY_ASSOCIATION)})
        item = found_or_404(selectors.item_at(state.site, int(raw)) if mine else None)
    if request.method == "POST":
        form = _form(state, request.POST)
        made = run_form(
            form,
            lambda d: notices.notice_issue(
                site=state.site,
                actor=request.user,
                now=timezone.now(),
                item=item,
                **form.service_args(),
            ),
        )
        if made is not None:
            messages.success(
                request,
                _t("限期整改通知书 %(number)s 已下达，请打印送达。") % {"number": made.number},
            )
            return redirect("governance:notice", pk=made.pk)
        status = 422
    else:
        initial: dict[str, Any] = {"issuer": _issuer(state)}
        if item is not None:
            initial |= {
                "kind": rectification.Recipient.COMPANY.value,
                "company": str(item.inspection.project.company_id),
                "finding": item.finding,
                "deadline": item.deadline if item.deadline > timezone.localdate() else None,
            }
        form = _form(state, initial=initial)
        status = 200
    return render(
        request, "governance/notices/new.html", {"form": form, "item": item}, status=status
    )


def _notice_context(notice: Any, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    stage = notice_selectors.stage(notice, today)
    return {
        "notice": notice,
        "stage": stage,
        "stage_label": STAGE_LABELS[str(stage)],
        "overdue": rectification.overdue(notice_selectors.facts(notice), today),
        "deliver_form": extra.get("deliver_form")
        or DeliverForm(
            initial={"delivered_at": timezone.localtime().replace(second=0, microsecond=0)}
        ),
        "close_form": extra.get("close_form") or CloseForm(initial={"checked_on": today}),
        "today": today,
    }


def _notice_of(request: HttpRequest, pk: int) -> Any:
    return found_or_404(notice_selectors.notice_at(_state(request).site, pk))


NOTICE = RecordPage(
    template="governance/notices/detail.html",
    url_name="governance:notice",
    context=_notice_context,
    load=_notice_of,
    actions={
        "deliver": Action(
            DeliverForm,
            "deliver_form",
            lambda s: notices.notice_deliver(
                notice=s.record,
                actor=s.actor,
                now=s.now,
                delivered_at=s.data["delivered_at"],
                receiver=s.data["receiver"],
                method=s.data["method"],
            ),
            _lazy("已登记送达。"),
        ),
        "close": Action(
            CloseForm,
            "close_form",
            lambda s: notices.notice_close(
                notice=s.record,
                actor=s.actor,
                now=s.now,
                checked_on=s.data["checked_on"],
                result=s.data["result"],
                note=s.data["note"],
            ),
            _lazy("复查结果已登记，通知书结案。"),
        ),
    },
)
notice_action = NOTICE.view()
_notice_page = NOTICE.page()


@login_required
@require_http_methods(["GET"])
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The notice's page; ``?print=pdf``: the notice on A4 with its signature lines."""
    if request.GET.get("print") != "pdf":
        return _notice_page(request, pk=pk)
    found = _notice_of(request, pk)
    return document_response(
        "governance/notices/paper.html",
        {"notice": found, "signoffs": NOTICE_SIGNOFFS, "receipt_signoffs": RECEIPT_SIGNOFFS},
        title=_t("限期整改通知书"),
        site=found.site,
        now=timezone.now(),
        name=found.number,
    )
