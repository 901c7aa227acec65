"""Pages of guard duties (SPEC S-07 the gatehouse cleaning rota, S-10 weekly spot checks and the
ledger of notices and fines, S-11 hazard inspections, S-12 the 24-hour hotline).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from gatehouse.accounts.models import Role
from gatehouse.console.context import state_with
from gatehouse.console.http import render_vary
from gatehouse.console.pages import Action, Submitted
from gatehouse.core import guard as core
from gatehouse.core.ledger import format_fen
from gatehouse.guard.duties import forms, selectors, services
from gatehouse.guard.models import FindingStatus
from gatehouse.guard.web import (
    CLEANING,
    HOTLINE,
    MANAGER,
    Confirm,
    Desk,
    desk_page,
    managers,
    pick_user,
    row,
    user_choices,
)
from gatehouse.registers.downloads import source_download, wanted

# == S-07 the cleaning rota =====================================================================


def _rota_form(request: HttpRequest | None, at: Desk) -> forms.RotaForm:
    guards = user_choices(at.site, (Role.GUARD,))
    return forms.RotaForm(request.POST if request else None, choices={"guards": guards})


#: Days of the rota on one page of the screen (the xlsx and the PDF have every day asked).
CLEANING_PER_PAGE = 31


def _cleaning_context(at: Desk, **bound: Any) -> dict[str, Any]:
    """S-07: 门卫日常卫生轮流表 (the manager sets the turn; the guard on duty marks it done),
    for the days asked (none: a week back, two weeks ahead), a month to a page."""
    rota, members = selectors.rota_guards(at.site)
    today = timezone.localtime(at.now).date()
    filters = forms.CleaningRangeForm(at.request.GET or None, today=today)
    days: list[dict[str, Any]] = []
    if rota and (not filters.is_bound or filters.is_valid()):
        start, count = (
            filters.cleaned_data["span"] if filters.is_bound else core.cleaning_span(today=today)
        )
        days = selectors.cleaning_days(at.site, rota, members, today, start=start, days=count)
    page = Paginator(days, CLEANING_PER_PAGE).get_page(at.request.GET.get("page"))
    return {
        "form": bound.get("form") or _rota_form(None, at),
        "row_form": bound.get("row_form"),
        "filters": filters,
        "days": list(page.object_list),
        "page": page,
        "manager": at.manager,
        "rota": rota,
    }


CLEANING_PAGE = desk_page(
    "cleaning",
    CLEANING,
    _cleaning_context,
    actions={
        "rota": Action(
            _rota_form,
            "form",
            lambda s: services.rota_set(
                site=s.record.site,
                actor=s.actor,
                guards=[pick_user(s.record.site, pk, "guards") for pk in s.data["guards"]],
                first_day=s.data["first_day"],
                now=s.now,
            ),
            _lazy("已保存卫生轮流表。"),
            item=managers(CLEANING),
        ),
        "done": Action(
            Confirm,
            "row_form",
            lambda s: services.cleaning_done(
                site=s.record.site,
                actor=s.actor,
                day=timezone.localtime(s.now).date(),
                now=s.now,
            ),
            _lazy("今日保洁已登记完成。"),
        ),
    },
)
_cleaning_page = CLEANING_PAGE.page("rota")


@login_required
@require_http_methods(["GET", "POST"])
def cleaning(request: HttpRequest) -> HttpResponse:
    """The rota's page, or (``?export=xlsx``, ``?print=pdf``) its days in the range asked as a
    spreadsheet or as the A4 paper form — too many to make while the page waits: in the
    background (issue 16 §1)."""
    if request.method == "GET" and wanted(request):
        at = CLEANING_PAGE.load(request)
        out = source_download(request, at.site, "guard:cleaning", at.now)
        if out is not None:
            return out
    return _cleaning_page(request)


cleaning_action = CLEANING_PAGE.view()

# == S-11 hazard inspections ====================================================================


def _hazard_form(request: HttpRequest | None, at: Desk) -> forms.HazardForm:
    places = [(str(k.pk), k.name) for k in selectors.key_locations(at.site)]
    return forms.HazardForm(request.POST if request else None, choices={"key_location": places})


def _hazards_context(at: Desk, **bound: Any) -> dict[str, Any]:
    """S-11: hazard inspections of key places: findings, owners, deadlines, overdue ones."""
    return {
        "form": bound.get("form") or _hazard_form(None, at),
        "row_form": bound.get("row_form"),
        "rows": selectors.hazard_rows(at.site, timezone.localtime(at.now).date()),
    }


def _hazard_record(s: Submitted) -> Any:
    d, site = s.data, s.record.site
    place = selectors.key_location_of(site, d["key_location"]) if d["key_location"] else None
    return services.hazard_record(
        site=site,
        actor=s.actor,
        place=d["place"],
        description=d["description"],
        owner=d["owner"],
        found_on=d["found_on"],
        deadline=d["deadline"],
        key_location=place,
        now=s.now,
    )


HAZARDS = desk_page(
    "hazards",
    MANAGER,
    _hazards_context,
    actions={
        "record": Action(_hazard_form, "form", _hazard_record, _lazy("已登记隐患。")),
        "fix": Action(
            forms.HazardFixForm,
            "row_form",
            lambda s: s.into(services.hazard_fix, finding=s.item),
            _lazy("已登记整改完成。"),
            item=row(MANAGER, lambda at, pk: selectors.hazard_of(at.site, pk)),
        ),
    },
)
hazards = HAZARDS.page("record")
hazards_action = HAZARDS.view()

# == S-12 the hotline ===========================================================================


def _hotline_context(at: Desk, **bound: Any) -> dict[str, Any]:
    """S-12: the 24-hour hotline: tickets answered, followed up, closed and visited back; the
    caller's type, the escalation to the education bureau and its reply, filterable (T3·16)."""
    filters = forms.TicketFilterForm(at.request.GET or None)
    chosen = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    initial = {"caller_type": core.default_caller_type(at.site.kind)}
    return {
        "form": bound.get("form") or forms.TicketForm(initial=initial),
        "row_form": bound.get("row_form"),
        "filters": filters,
        "rows": selectors.ticket_rows(
            at.site,
            at.now,
            caller_type=chosen.get("caller_type", ""),
            escalated=chosen.get("escalated", ""),
        ),
    }


HOTLINE_PAGE = desk_page(
    "hotline",
    HOTLINE,
    _hotline_context,
    actions={
        "open": Action(
            forms.TicketForm,
            "form",
            lambda s: s.into(services.ticket_open, site=s.record.site),
            _lazy("已登记工单。"),
        ),
        "step": Action(
            forms.TicketStepForm,
            "row_form",
            lambda s: s.into(services.ticket_step, ticket=s.item),
            _lazy("已记录。"),
            item=row(HOTLINE, lambda at, pk: selectors.ticket_of(at.site, pk)),
        ),
        "escalate": Action(
            forms.TicketEscalateForm,
            "row_form",
            lambda s: s.into(services.ticket_escalate, ticket=s.item),
            _lazy("已记录上报教育局。"),
            item=row(HOTLINE, lambda at, pk: selectors.ticket_of(at.site, pk)),
        ),
        "bureau_reply": Action(
            forms.TicketReplyForm,
            "row_form",
            lambda s: s.into(services.ticket_bureau_reply, ticket=s.item),
            _lazy("已记录教育局答复。"),
            item=row(HOTLINE, lambda at, pk: selectors.ticket_of(at.site, pk)),
        ),
    },
)
hotline = HOTLINE_PAGE.page("open")
hotline_action = HOTLINE_PAGE.view()

# == S-10 spot checks and the ledger ============================================================


def _spot_checks_context(at: Desk, **bound: Any) -> dict[str, Any]:
    """S-10: the findings of the weekly spot checks, confirmed or dismissed one by one."""
    show = at.request.GET.get("status") or FindingStatus.OPEN
    return {
        "rows": selectors.findings(at.site, show),
        "row_form": bound.get("row_form"),
        "show": show,
        "statuses": FindingStatus.choices,
        "goods_ready": selectors.goods_app_ready(),
    }


def _decide(s: Submitted) -> str:
    """The finding dismissed, or confirmed (a notice or a fine): what was decided, to say so."""
    if s.data["action"] == "dismiss":
        services.finding_dismiss(finding=s.item, actor=s.actor, now=s.now)
        return _t("已不予认定。")
    return services.finding_confirm(finding=s.item, actor=s.actor, now=s.now).message


SPOT_CHECKS = desk_page(
    "spot_checks",
    MANAGER,
    _spot_checks_context,
    actions={
        "run": Action(
            Confirm,
            "row_form",
            lambda s: services.spot_check_run(site=s.record.site, as_of=s.now),
            lambda result: _t("抽查完成，新发现 %(n)d 项。") % {"n": result[1]},
        ),
        "decide": Action(
            forms.DecideForm,
            "row_form",
            _decide,
            lambda said: said,
            item=row(MANAGER, lambda at, pk: selectors.finding_of(at.site, pk)),
        ),
    },
)
spot_checks = SPOT_CHECKS.page("run")
spot_checks_action = SPOT_CHECKS.view()


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger of notices and fines per guard (fines in yuan)."""
    site = state_with(request, MANAGER).site
    context = {
        "rows": selectors.ledger(site),
        "total": format_fen(selectors.ledger_total_fen(site)),
    }
    return render_vary(request, "guard/ledger.html", context)
