"""The guard's goods page (URLs under /goods/gate/): scan a release slip and check the goods off
item by item (G-01), goods without a slip after the service centre's hours (G-02), dangerous
goods (G-03) and decoration materials (G-04) brought in.

Works with a QR scanner acting as a keyboard (the scan box submits on Enter and clears itself)
and by touch (big buttons, htmx fragments). Every page answers htmx with a fragment and a plain
request with a whole page. A refused input comes back as the same fragment with the Chinese
message and HTTP 422; nothing is written then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.accounts.models import Role
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import render_partial
from gatehouse.core.access import Decision, Duty, Outcome, Register
from gatehouse.core.errors import DomainError
from gatehouse.goods import forms, services
from gatehouse.goods.models import GoodsEntry, GoodsRelease, HoldState, ReleaseSlip
from gatehouse.sites.models import Gate

GATE_ROLES = frozenset({Role.GUARD, Role.SECURITY_MANAGER})
SESSION_KEY = "goods_gate"
RECENT = 8

OUTCOME_WORDS = {
    Outcome.ALLOW: gettext_lazy("放行"),
    Outcome.REFUSE: gettext_lazy("拒绝"),
    Outcome.PENDING: gettext_lazy("待确认"),
}
HELD_WORD = gettext_lazy("暂扣")
DUTY_TEXT = {
    Duty.HOLD_GOODS: gettext_lazy("物品暂扣门岗，等待物业管理处判断处置"),
    Duty.COLLECT_SLIP: gettext_lazy("收回放行条，下班前交中队长"),
    Duty.ESCALATE: gettext_lazy("已上报安保主管并通知监控中心"),
    Duty.CHECK_IDENTITY: gettext_lazy("核对业主卡和有效证件并登记"),
    Duty.VERIFY_AT_HOME: gettext_lazy("或派人到业主家核实"),
    Duty.REMIND: gettext_lazy("善意提醒住户不要带入"),
    Duty.NOTIFY_DESK: gettext_lazy("用对讲机向前台核实装修手续"),
    Duty.NOTIFY_DECORATION_PATROL: gettext_lazy("已通知装修巡查组跟进核实安装"),
}
REGISTER_TEXT = {
    Register.GOODS_RELEASE: gettext_lazy("已写入《物品放行登记》"),
    Register.ANOMALY: gettext_lazy("已记录异常情况"),
}


def _render(
    request: HttpRequest, fragment: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The fragment for htmx, the fragment inside the goods page for a plain request."""
    return render_partial(
        request,
        "goods/gate/index.html",
        fragment,
        context,
        status,
        page_context=lambda: {**_page_context(request), "fragment": fragment},
    )


def _state(request: HttpRequest) -> SiteState:
    return state_with(request, GATE_ROLES)


def _gates(state: SiteState) -> list[Gate]:
    return list(Gate.objects.filter(site=state.site).order_by("code"))


def _gate(request: HttpRequest, state: SiteState) -> Gate | None:
    saved = request.session.get(SESSION_KEY) or {}
    gates = _gates(state)
    if saved.get("site") == state.site.pk:
        for g in gates:
            if g.pk == saved.get("gate"):
                return g
    return gates[0] if gates else None


def _page_context(request: HttpRequest) -> dict[str, Any]:
    state = _state(request)
    site = state.site
    now = timezone.now()
    today = timezone.localdate(now)
    return {
        "gates": _gates(state),
        "gate": _gate(request, state),
        "scan_form": forms.ScanForm(),
        "open_now": services.service_hours(site).is_open(now),
        "recent": list(
            GoodsRelease.objects.filter(site=site, created_on=today)
            .select_related("gate")
            .order_by("-at", "-pk")[:RECENT]
        ),
        "held": list(
            GoodsRelease.objects.filter(site=site, hold_state=HoldState.HELD).order_by("at", "pk")
        ),
    }


def duty_lines(decision: Decision) -> list[str]:
    lines = []
    for ob in decision.obligations:
        if ob.duty is Duty.REGISTER and ob.register in REGISTER_TEXT:
            lines.append(str(REGISTER_TEXT[ob.register]))
        elif ob.duty in DUTY_TEXT:
            lines.append(str(DUTY_TEXT[ob.duty]))
    return lines


def decision_context(decision: Decision, **extra: Any) -> dict[str, Any]:
    held = decision.has(Duty.HOLD_GOODS)
    return {
        "decision": decision,
        "outcome": decision.outcome.value,
        "word": HELD_WORD if held else OUTCOME_WORDS[decision.outcome],
        "held": held,
        "duties": duty_lines(decision),
        **extra,
    }


def _decided(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """A decision fragment; the side panel (today's checks, held goods) refreshes on it."""
    response = _render(request, "goods/gate/_decision.html", context)
    response["HX-Trigger"] = "goods-checked"
    return response


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _render(request, "goods/gate/_error.html", {"error": exc}, status=422)


# -- the page, the gate --------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _state(request)
    return render(request, "goods/gate/index.html", _page_context(request))


@login_required
@require_GET
def side(request: HttpRequest) -> HttpResponse:
    """Today's checks and the goods held, refreshed after each decision."""
    _state(request)
    return render(request, "goods/gate/_side.html", _page_context(request))


@login_required
@require_POST
def set_gate(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    wanted = request.POST.get("gate", "")
    gate = next((g for g in _gates(state) if str(g.pk) == wanted), None)
    if gate is not None:
        request.session[SESSION_KEY] = {"site": state.site.pk, "gate": gate.pk}
    return redirect("goods:gate")


# -- slips: scan, check item by item (G-01) ------------------------------------------------------


def _slip_here(request: HttpRequest, pk: int) -> tuple[SiteState, ReleaseSlip]:
    state = _state(request)
    slip = ReleaseSlip.objects.filter(site=state.site, pk=pk).select_related("house").first()
    if slip is None:
        raise Http404
    return state, slip


def _check_context(slip: ReleaseSlip, form: forms.SlipCheckForm, **extra: Any) -> dict[str, Any]:
    return {
        "slip": slip,
        "place": services.slip_place(slip),
        "form": form,
        "lines": form.line_rows(),
        "extra_rows": form.item_rows(minimum=2),
        **extra,
    }


@login_required
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    form = forms.ScanForm(request.POST)
    if not form.is_valid():
        error = DomainError("slip.code_empty", _("请扫描放行条二维码或输入放行条号"))
        return _error(request, error)
    try:
        slip = services.find_slip(state.site, form.cleaned_data["code"], now=timezone.now())
    except DomainError as exc:
        return _error(request, exc)
    check = forms.SlipCheckForm(lines=list(services.slip_items(slip)))
    return _render(request, "goods/gate/_check.html", _check_context(slip, check))


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, pk: int) -> HttpResponse:
    state, slip = _slip_here(request, pk)
    lines = list(services.slip_items(slip))
    if request.method == "GET":
        form = forms.SlipCheckForm(lines=lines)
        return _render(request, "goods/gate/_check.html", _check_context(slip, form))
    form = forms.SlipCheckForm(request.POST, lines=lines)
    if not form.is_valid():
        context = _check_context(slip, form)
        return _render(request, "goods/gate/_check.html", context, status=422)
    try:
        result = services.goods_out_check(
            site=state.site,
            guard=request.user,
            now=timezone.now(),
            goods=form.cleaned_data["goods"],
            slip=slip,
            gate=_gate(request, state),
            plate=form.cleaned_data["plate"],
        )
    except DomainError as exc:
        context = _check_context(slip, form, error=exc)
        return _render(request, "goods/gate/_check.html", context, status=422)
    context = decision_context(
        result.decision, release=result.release, items=result.release.items, slip=slip
    )
    return _decided(request, context)


# -- without a slip (G-02) -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def no_slip(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    now = timezone.now()
    posted = request.method == "POST"
    form = forms.NoSlipForm(request.POST if posted else None)
    context: dict[str, Any] = {
        "form": form,
        "rows": form.item_rows(minimum=3),
        "open_now": services.service_hours(state.site).is_open(now),
    }
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.goods_out_check(
                site=state.site,
                guard=request.user,
                now=now,
                goods=data["goods"],
                gate=_gate(request, state),
                plate=data["plate"],
                bearer_kind=data["bearer_kind"],
                bearer_name=data["bearer_name"],
                house_number=data["house_number"],
                show_id=data["show_id"],
                id_number=data["id_number"],
                home_verified=data["home_verified"],
                verifier=data["verifier"],
            )
        except DomainError as exc:
            context["error"] = exc
        else:
            decided = decision_context(result.decision, release=result.release, items=[])
            return _decided(request, decided)
    status = 422 if posted else 200
    return _render(request, "goods/gate/_no_slip.html", context, status=status)


# -- goods brought in (G-03, G-04) ---------------------------------------------------------------


def _entry_decision(request: HttpRequest, entry: GoodsEntry) -> HttpResponse:
    context = decision_context(services.decision_of(entry), entry=entry, items=[])
    return _decided(request, context)


def _items_check(
    request: HttpRequest,
    form_class: Any,
    template: str,
    check: Callable[[SiteState, dict[str, Any], Any], Any],
    **extra: Any,
) -> HttpResponse:
    """A check of goods carried in item by item (the hazard check, decoration materials): the
    form, then the service's entry decision; a refusal shown on the form (422)."""
    state = _state(request)
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None)
    context: dict[str, Any] = {
        "form": form,
        "rows": form.item_rows(),
        "hazards": forms.HAZARD_OPTIONS,
        **extra,
    }
    if posted and form.is_valid():
        try:
            entry = check(state, form.cleaned_data, _gate(request, state))
        except DomainError as exc:
            context["error"] = exc
        else:
            return _entry_decision(request, entry)
    status = 422 if posted else 200
    return _render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def hazard(request: HttpRequest) -> HttpResponse:
    def check(state: SiteState, data: dict[str, Any], gate: Any) -> Any:
        return services.goods_in_check(
            site=state.site,
            guard=request.user,
            now=timezone.now(),
            carrier=data["carrier"],
            items=data["items"],
            insists=data["insists"],
            carrier_name=data["carrier_name"],
            house_number=data["house_number"],
            gate=gate,
        )

    return _items_check(request, forms.HazardForm, "goods/gate/_hazard.html", check)


@login_required
@require_http_methods(["GET", "POST"])
def decoration(request: HttpRequest) -> HttpResponse:
    def check(state: SiteState, data: dict[str, Any], gate: Any) -> Any:
        return services.decoration_check(
            site=state.site,
            guard=request.user,
            now=timezone.now(),
            house_number=data["house_number"],
            items=data["items"],
            carrier=data["carrier"],
            carrier_name=data["carrier_name"],
            gate=gate,
        )

    policy = services.decoration_policy(_state(request).site)
    return _items_check(
        request, forms.DecorationForm, "goods/gate/_decoration.html", check, policy=policy
    )


@login_required
@require_GET
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A past check at this site, as the guard saw it."""
    state = _state(request)
    release = get_object_or_404(GoodsRelease, site=state.site, pk=pk)
    context = decision_context(
        services.decision_of(release), release=release, items=release.items, slip=release.slip
    )
    return _render(request, "goods/gate/_decision.html", context)
