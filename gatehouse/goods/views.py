"""The service centre's goods pages (URLs under /goods/): release slips (apply on behalf of an
enterprise or tenant, issue, decline, revoke, print), goods held at the gate and goods anomalies,
the hand-off of the shift's slips, decoration follow-ups and the site's goods settings.

Thin: ``state_with`` for the site and the role, a form, one service call, render. Records of
another site are 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.actor import actor_name
from gatehouse.accounts.models import Role
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import render_partial, run_form
from gatehouse.console.pages import Action, RecordPage, failed_at, item_of
from gatehouse.core.errors import DomainError
from gatehouse.core.goods import HandoffStage
from gatehouse.goods import forms, selectors, services
from gatehouse.goods.models import (
    GoodsAnomaly,
    HoldState,
    ReleaseSlip,
    SlipState,
)
from gatehouse.people.models import Enterprise
from gatehouse.registers.paper import document_response
from gatehouse.sites.models import Site

DESK_ROLES = frozenset({Role.FRONT_DESK, Role.SECURITY_MANAGER})
HANDOFF_ROLES = frozenset({Role.GUARD, Role.FRONT_DESK, Role.SECURITY_MANAGER})
FOLLOW_UP_ROLES = frozenset({Role.PATROL, Role.FRONT_DESK, Role.SECURITY_MANAGER})
MANAGER_ROLES = frozenset({Role.SECURITY_MANAGER})
PER_PAGE = 30
SLIP_SIGNOFFS = (_lazy("服务中心（签章）"), _lazy("门岗核验（签字）"), _lazy("日期"))


def qr_svg(payload: str, title: str) -> str:
    svg = segno.make(payload, error="m").svg_inline(scale=4, border=2, title=title)
    return mark_safe(svg)  # noqa: S308 -- segno renders our own signed payload


# -- slips ---------------------------------------------------------------------------------------


@login_required
@require_GET
def slip_list(request: HttpRequest) -> HttpResponse:
    state = state_with(request, DESK_ROLES)
    status = request.GET.get("status", "")
    if status not in SlipState.values:
        status = ""
    q = request.GET.get("q", "")
    found = selectors.search_slips(state.site, status=status, q=q)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "q": " ".join(q.split()),
        "statuses": SlipState.choices,
        "waiting": list(selectors.waiting_slips(state.site)[:50]),
        "held_count": selectors.held_goods(state.site).count(),
        "is_manager": Role.SECURITY_MANAGER in state.roles,
    }
    return render_partial(request, "goods/slips/list.html", "goods/slips/_results.html", context)


def _enterprises(state: SiteState) -> list[tuple[int, str]]:
    return list(
        Enterprise.objects.filter(site=state.site, is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


@login_required
@require_http_methods(["GET", "POST"])
def slip_new(request: HttpRequest) -> HttpResponse:
    """The desk fills a slip in for an enterprise, a tenant or an owner, and issues it."""
    state = state_with(request, DESK_ROLES)
    now = timezone.now()
    enterprises = _enterprises(state)
    if request.method == "POST":
        form = forms.DeskSlipForm(request.POST, enterprises=enterprises)

        def apply(data: dict[str, Any]) -> Any:
            enterprise = None
            if data["enterprise"]:
                enterprise = Enterprise.objects.filter(
                    site=state.site, pk=data["enterprise"]
                ).first()
            return services.slip_apply(
                site=state.site,
                actor=request.user,
                now=now,
                applicant_kind=data["applicant_kind"],
                applicant_name=data["applicant_name"],
                items=data["items"],
                valid_on=data["valid_on"],
                house_number=data["house_number"],
                enterprise=enterprise,
                plate=data["plate"],
                reason=data["reason"],
                issue=True,
                form=data["form"],
            )

        slip = run_form(form, apply)
        if slip is not None:
            messages.success(
                request,
                _("%(form)s %(number)s 已开具")
                % {"form": slip.get_form_display(), "number": slip.number},
            )
            return redirect("goods:slip", pk=slip.pk)
        context = {"form": form, "rows": form.item_rows()}
        return render(request, "goods/slips/new.html", context, status=422)
    form = forms.DeskSlipForm(
        initial={"valid_on": timezone.localdate(now), "applicant_kind": "enterprise"},
        enterprises=enterprises,
    )
    return render(request, "goods/slips/new.html", {"form": form, "rows": form.item_rows()})


def _slip_here(request: HttpRequest, pk: int) -> tuple[SiteState, ReleaseSlip]:
    state = state_with(request, DESK_ROLES)
    slip = selectors.slip_at(state.site, pk)
    if slip is None:
        raise Http404
    return state, slip


def _detail_context(slip: ReleaseSlip, **extra: Any) -> dict[str, Any]:
    return {
        "slip": slip,
        "place": services.slip_place(slip),
        "items": list(slip.items.order_by("position")),
        "checks": list(slip.checks.select_related("guard", "gate").order_by("-at", "-pk")),
        "handoffs": list(slip.handoffs.order_by("at", "pk")),
        "reason_form": extra.pop("reason_form", None) or forms.ReasonForm(),
        **extra,
    }


@login_required
@require_GET
def slip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _state, slip = _slip_here(request, pk)
    return render(request, "goods/slips/detail.html", _detail_context(slip))


@login_required
@require_POST
def slip_issue(request: HttpRequest, pk: int) -> HttpResponse:
    _state, slip = _slip_here(request, pk)
    try:
        services.slip_issue(slip=slip, actor=request.user, now=timezone.now())
    except DomainError as exc:
        slip.refresh_from_db()
        context = _detail_context(slip, error=exc.message)
        return render(request, "goods/slips/detail.html", context, status=422)
    messages.success(request, _("放行条 %(number)s 已开具") % {"number": slip.number})
    return redirect("goods:slip", pk=slip.pk)


def _close(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _state, slip = _slip_here(request, pk)
    form = forms.ReasonForm(request.POST)
    service = services.slip_decline if action == "decline" else services.slip_revoke
    result = run_form(
        form,
        lambda data: service(
            slip=slip,
            actor=request.user,
            reason=data["reason"],
            now=timezone.now(),
        ),
    )
    if result is not None:
        done = _("已退回申请") if action == "decline" else _("放行条已作废")
        messages.success(request, f"{slip.number}：{done}")
        return redirect("goods:slip", pk=slip.pk)
    slip.refresh_from_db()
    context = _detail_context(slip, reason_form=form)
    return render(request, "goods/slips/detail.html", context, status=422)


@login_required
@require_POST
def slip_decline(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, "decline")


@login_required
@require_POST
def slip_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _close(request, pk, "revoke")


@login_required
@require_GET
def slip_print(request: HttpRequest, pk: int) -> HttpResponse:
    if request.GET.get("print") == "pdf":
        return slip_pdf(request, pk)
    _site, _slip, context = _printable(request, pk)
    response = render(request, "goods/slips/print.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def slip_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The slip — a 《大件物品出入单》 or a 物品放行条 — as an A4 PDF; the same paper as the print
    page's 打印 (``?print=pdf``), with its signed QR for the gate to scan."""
    site, slip, context = _printable(request, pk)
    return _slip_paper(site, slip, context)


def _printable(request: HttpRequest, pk: int) -> tuple[Site, ReleaseSlip, dict[str, Any]]:
    """The desk's slip of this site once it is approved (an application or a declined slip is
    not paper), with what its paper shows."""
    state, slip = _slip_here(request, pk)
    if slip.status in (SlipState.APPLIED, SlipState.DECLINED):
        raise Http404
    return state.site, slip, _slip_paper_context(state.site, slip)


def _slip_paper_context(site: Site, slip: ReleaseSlip) -> dict[str, Any]:
    return {
        "slip": slip,
        "site": site,
        "place": services.slip_place(slip),
        "items": list(slip.items.order_by("position")),
        "qr_svg": qr_svg(services.slip_qr(slip), slip.number),
    }


def _slip_paper(site: Site, slip: ReleaseSlip, context: dict[str, Any]) -> HttpResponse:
    return document_response(
        "goods/slips/paper.html",
        {**context, "signoffs": SLIP_SIGNOFFS, "approver": actor_name(slip.issued_by, "")},
        title=slip.get_form_display(),
        site=site,
        now=timezone.now(),
        name=slip.number,
    )


# -- held goods and anomalies --------------------------------------------------------------------


def _desk_site(request: HttpRequest) -> Site:
    return state_with(request, DESK_ROLES).site


def _holds_context(site: Site, **bound: Any) -> dict[str, Any]:
    return {
        "held": list(selectors.held_goods(site)),
        "anomalies": [a for a in selectors.open_anomalies(site) if not _held(a)],
        "resolve_form": bound.get("resolve_form") or forms.ResolveForm(),
        "close_form": bound.get("close_form") or forms.CloseForm(),
    }


def _held(anomaly: GoodsAnomaly) -> bool:
    return anomaly.release is not None and anomaly.release.hold_state == HoldState.HELD


HOLDS = RecordPage(
    template="goods/holds.html",
    url_name="goods:holds",
    context=_holds_context,
    load=_desk_site,
    url_kwargs=lambda site: {},
    actions={
        "resolve": Action(
            forms.ResolveForm,
            "resolve_form",
            lambda s: services.hold_resolve(
                release=s.item,
                actor=s.actor,
                release_goods=s.data["decision"] == "release",
                resolution=s.data["resolution"],
                now=s.now,
            ),
            _lazy("暂扣物品已处置"),
            item=item_of(_desk_site, selectors.release_at),
            failed=failed_at("form_for"),
        ),
        "close": Action(
            forms.CloseForm,
            "close_form",
            lambda s: s.into(services.anomaly_close, anomaly=s.item),
            _lazy("异常情况已处理完毕"),
            item=item_of(_desk_site, selectors.anomaly_at),
            failed=failed_at("close_for"),
        ),
    },
)
holds = HOLDS.page()
holds_action = HOLDS.view()


# -- decoration follow-ups (G-04) ----------------------------------------------------------------


def _follow_up_site(request: HttpRequest) -> Site:
    return state_with(request, FOLLOW_UP_ROLES).site


def _follow_ups_context(site: Site, **bound: Any) -> dict[str, Any]:
    return {
        "follow_ups": list(selectors.open_follow_ups(site)),
        "form": bound.get("form") or forms.CloseForm(),
    }


FOLLOW_UPS = RecordPage(
    template="goods/follow_ups.html",
    url_name="goods:follow_ups",
    context=_follow_ups_context,
    load=_follow_up_site,
    url_kwargs=lambda site: {},
    actions={
        "close": Action(
            forms.CloseForm,
            "form",
            lambda s: services.follow_up_close(
                follow_up=s.item, actor=s.actor, result=s.data["resolution"], now=s.now
            ),
            _lazy("装修巡查已核实"),
            item=item_of(_follow_up_site, selectors.follow_up_at),
            failed=failed_at("form_for"),
        ),
    },
)
follow_ups = FOLLOW_UPS.page()
follow_ups_action = FOLLOW_UPS.view()


# -- the shift's slips (G-05) --------------------------------------------------------------------


def _collection_context(state: SiteState, **bound: Any) -> dict[str, Any]:
    now = timezone.now()
    reports = services.collection_report(state.site, now=now)
    to_leader, to_service = [], []
    for report in reports:
        for slip in report.slips:
            stages = {h.stage for h in slip.handoffs.all()}
            if HandoffStage.TO_SQUAD_LEADER not in stages:
                to_leader.append(slip)
            elif HandoffStage.TO_SERVICE not in stages:
                to_service.append(slip)
    conf = services.settings_for(state.site)
    return {
        "reports": reports,
        "to_leader": to_leader,
        "to_service": to_service,
        "squad_leader": conf.squad_leader,
        "can_receive": state.has_any(DESK_ROLES),
        "now": now,
        "failed_form": bound.get("failed_form"),
    }


def _hand_form(
    form: type[forms.HandToLeaderForm | forms.HandToServiceForm], waiting: str
) -> Callable[[HttpRequest, SiteState], Any]:
    """The form of a hand-off, its choices the slips ``waiting`` for it."""

    def bind(request: HttpRequest, state: SiteState) -> Any:
        slips = _collection_context(state)[waiting]
        return form(request.POST, choices=[(s.pk, s.number) for s in slips])

    return bind


def _as(roles: frozenset[str]) -> Callable[[HttpRequest], tuple[SiteState, SiteState]]:
    """An action's ``item`` sent by a user of ``roles`` only (else 403)."""

    def item(request: HttpRequest) -> tuple[SiteState, SiteState]:
        state = state_with(request, roles)
        return state, state

    return item


COLLECTION = RecordPage(
    template="goods/collection.html",
    url_name="goods:collection",
    context=_collection_context,
    load=lambda request: state_with(request, HANDOFF_ROLES),
    url_kwargs=lambda state: {},
    actions={
        "to_leader": Action(
            _hand_form(forms.HandToLeaderForm, "to_leader"),
            "failed_form",
            lambda s: services.slips_hand_to_leader(
                site=s.record.site,
                actor=s.actor,
                slips=selectors.slips_at(s.record.site, s.data["slips"]),
                squad_leader=s.data["squad_leader"],
                now=s.now,
            ),
            lambda made: _("已登记 %(n)d 张放行条交中队长") % {"n": len(made)},
        ),
        "to_service": Action(
            _hand_form(forms.HandToServiceForm, "to_service"),
            "failed_form",
            lambda s: services.slips_hand_to_service(
                site=s.record.site,
                actor=s.actor,
                slips=selectors.slips_at(s.record.site, s.data["slips"]),
                now=s.now,
            ),
            lambda made: _("客服已接收 %(n)d 张放行条") % {"n": len(made)},
            item=_as(DESK_ROLES),
        ),
    },
)
collection = COLLECTION.page()
collection_action = COLLECTION.view()


# -- settings (security manager) -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    state = state_with(request, MANAGER_ROLES)
    conf = services.settings_for(state.site)
    if request.method == "POST":
        form = forms.SettingsForm(request.POST)
        result = run_form(
            form,
            lambda data: services.settings_update(
                site=state.site, actor=request.user, now=timezone.now(), **data
            ),
        )
        if result is not None:
            messages.success(request, _("物品出入设置已保存"))
            return redirect("goods:settings")
        return render(request, "goods/settings.html", {"form": form}, status=422)
    form = forms.SettingsForm(
        initial={
            "service_opens": conf.service_opens,
            "service_closes": conf.service_closes,
            "service_weekdays": [int(c) for c in conf.service_weekdays],
            "closed_dates": "\n".join(conf.closed_dates),
            "shift_changes": ", ".join(conf.shift_changes),
            "squad_leader": conf.squad_leader,
            "hand_on_hours": conf.hand_on_hours,
            "decoration_refused": "、".join(conf.decoration_refused),
            "decoration_follow_up": "、".join(conf.decoration_follow_up),
        }
    )
    return render(request, "goods/settings.html", {"form": form})
