"""The guard's vehicle booth (车辆岗), under /vehicles/: a plate or card at a lane, the guided
cases a camera cannot know (a delivery, an emergency vehicle, a visitor, a taxi), the fee at the
exit and the cars inside now (the register of outside vehicles is declared in
``vehicles/registers.py`` and served by the register engine).

Above the fold (issue 16 §2): the lane's current decision (the guard's, or the camera's when a
plate camera decided the newest pass) beside the camera's snapshot of that pass, refreshed when
a newer pass is decided at the lane. The snapshot is served only by :func:`capture_picture`, to
the site's guards and security managers, never as a public static or media URL.

Thin views: ``state_with`` for the site and the role, a form, one service call, a fragment.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from gatehouse.access.views import BOOTH_ROLES, OUTCOME_WORDS, duty_lines
from gatehouse.console.context import state_with
from gatehouse.console.http import is_partial, render_partial
from gatehouse.core import access as core_access
from gatehouse.core import vehicle as core
from gatehouse.core.errors import DomainError
from gatehouse.sites.models import Lane, LaneKind
from gatehouse.vehicles import selectors, services
from gatehouse.vehicles.forms import (
    ERRAND_CHOICES,
    SERVICE_CHOICES,
    PayForm,
    VehicleForm,
    tristate,
)
from gatehouse.vehicles.models import ParkingSession

#: The booth's result area asks this often whether a newer pass was decided at its lane.
LANE_REFRESH_SECONDS = 3


def _lanes(site: Any) -> list[Lane]:
    return list(
        Lane.objects.filter(gate__site=site, kind__in=[LaneKind.MOTOR, LaneKind.GARAGE])
        .select_related("gate", "garage", "gate__site")
        .order_by("gate__code", "code")
    )


def _page(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    _lane_now(context)
    return render_partial(request, "vehicles/index.html", "vehicles/_result.html", context, status)


def _lane_now(context: dict[str, Any]) -> None:
    """What the result area shows beside the decision: the lane it watches, the pass shown
    (the guard's decision, else the lane's newest) with the camera's snapshot of it, and the
    ``shown`` token the refresh sends back (``lane:event``) to learn whether a newer pass came."""
    if "watch_lane" in context:
        return
    result = context.get("result")
    lane = context.get("pay_lane") or _chosen(context)
    event = result.event if result is not None else None
    if event is None and lane is not None:
        event = selectors.lane_latest(context["site"], lane)
        if not context.get("error"):
            context["lane_event"] = event
    context["watch_lane"] = lane
    context["shown"] = f"{lane.pk if lane else ''}:{event.pk if event else ''}"
    if event is not None and not context.get("error"):
        context["snapshot"] = selectors.snapshot_of(context["site"], event)


def _chosen(context: dict[str, Any]) -> Lane | None:
    """The lane the guard has chosen: the one sent (also with a refused input, so the refusal
    stays up until a newer pass comes), else the one remembered."""
    form = context["form"]
    picked = form.data.get("lane") if form.is_bound else form.initial.get("lane")
    return next((ln for ln in context["lanes"] if str(ln.pk) == str(picked)), None)


def _context(request: HttpRequest, roles: frozenset[Any]) -> dict[str, Any]:
    state = state_with(request, roles)
    site = state.site
    assert site is not None
    lanes = _lanes(site)
    return {
        "state": state,
        "site": site,
        "lanes": lanes,
        "occupancy": services.occupancy(site),
        "inside": selectors.cars_inside(site),
        "anomalies": selectors.session_anomalies(site),
        "dwelling": selectors.dwell_alerts(site),
        "form": VehicleForm(initial={"lane": _last_lane(request, lanes)}),
        "errands": [c for c in ERRAND_CHOICES if c[0]],
        "services": [c for c in SERVICE_CHOICES if c[0]],
        "refresh_seconds": LANE_REFRESH_SECONDS,
    }


#: The lane a guard last decided at stays chosen (a booth serves one lane a shift).
LANE_KEY = "vehicle_booth_lane"


def _last_lane(request: HttpRequest, lanes: list[Lane]) -> int | None:
    remembered = request.session.get(LANE_KEY)
    if any(ln.pk == remembered for ln in lanes):
        return int(remembered)
    return lanes[0].pk if lanes else None


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    context = _context(request, BOOTH_ROLES)
    _lane_now(context)
    return render(request, "vehicles/index.html", context)


@login_required
@require_GET
def lane_refresh(request: HttpRequest) -> HttpResponse:
    """The result area refreshed: the lane's newest decision and its snapshot, or 204 (htmx
    swaps nothing) while the pass shown (``shown``, ``lane:event``) is still the newest, so a
    decision the guard is answering or a fee being taken stays on the screen."""
    context = _context(request, BOOTH_ROLES)
    lanes = context["lanes"]
    wanted = request.GET.get("lane", "")
    lane = next((ln for ln in lanes if str(ln.pk) == wanted), None)
    if lane is None:
        lane = next((ln for ln in lanes if ln.pk == context["form"].initial.get("lane")), None)
    event = selectors.lane_latest(context["site"], lane) if lane is not None else None
    shown = f"{lane.pk if lane else ''}:{event.pk if event else ''}"
    if request.GET.get("shown") == shown and is_partial(request):
        return HttpResponse(status=204)
    context.update(
        watch_lane=lane,
        shown=shown,
        lane_event=event,
        snapshot=selectors.snapshot_of(context["site"], event) if event is not None else None,
    )
    return _page(request, context)


#: The snapshot's content type from its first bytes (the cameras send JPEG).
_PICTURE_TYPES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def picture_type(raw: bytes) -> str:
    """The picture's content type, empty for bytes that are none of these pictures."""
    return next((kind for magic, kind in _PICTURE_TYPES if raw.startswith(magic)), "")


@login_required
@require_GET
def capture_picture(request: HttpRequest, pk: int) -> HttpResponse:
    """The camera's snapshot of one pass, to a guard or security manager of its site: 404 for
    another site's capture, a purged or absent picture, or bytes that are not a picture.
    Private to the browser and never stored by it (a booth PC is shared)."""
    site = state_with(request, BOOTH_ROLES).site
    raw = selectors.capture_picture(site, pk)
    kind = picture_type(raw) if raw else ""
    if raw is None or not kind:
        raise Http404
    response = HttpResponse(raw, content_type=kind)
    response["Cache-Control"] = "private, no-store"
    return response


def _input(form: VehicleForm, lane: Lane) -> services.VehicleInput:
    data = form.cleaned_data
    return services.VehicleInput(
        lane=lane,
        plate=data["plate"],
        card_number=data["card"],
        kind=core.VehicleKind(data["kind"]) if data["kind"] else None,
        errand=core.Errand(data["errand"]) if data["errand"] else None,
        service=core.PublicService(data["service"]) if data["service"] else None,
        body=core.Body(data["body"] or core.Body.CAR),
        verified=tristate(data["verified"]),
        host_consent=tristate(data["host_consent"]),
        approval=tristate(data["approval"]),
        card_forgotten=data["card_forgotten"],
        hazardous_cargo=data["hazardous_cargo"],
        faulty=data["faulty"],
        leaking=data["leaking"],
        large_items=data["large_items"],
        exit_slip_ok=tristate(data["exit_slip"]),
        large_item_form=data["large_item_form"],
        register={k: data[k] for k in ("driver", "company", "purpose", "destination", "occupants")},
        no_plate=data["no_plate"],
        description=data["description"],
    )


@login_required
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    context = _context(request, BOOTH_ROLES)
    form = VehicleForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        described = form.errors.get("description")
        context["error"] = described[0] if described else _("请检查输入")
        return _page(request, context, status=422)
    lane = next((ln for ln in context["lanes"] if ln.pk == form.cleaned_data["lane"]), None)
    if lane is None:
        context["error"] = _("本场所没有这个车道")
        return _page(request, context, status=404)
    request.session[LANE_KEY] = lane.pk
    try:
        result = services.vehicle_decide(_input(form, lane), now=timezone.now(), guard=request.user)
    except DomainError as exc:
        context["error"] = exc.message
        return _page(request, context, status=422)
    context.update(_result(result, lane))
    context["answers"] = _answers(result.decision, form)
    return _page(request, context)


#: What a pending vehicle decision waits for, and the form field the guard's answer sets.
_ANSWER_FIELDS = {
    core_access.Pending.VERIFY: ("verified", _lazy("已核实，放行"), _lazy("核实不符，不放行")),
    core_access.Pending.HOST_CONSENT: (
        "host_consent",
        _lazy("被访人同意，放行"),
        _lazy("被访人不同意"),
    ),
    core_access.Pending.APPROVAL: ("approval", _lazy("物业已核准，放行"), _lazy("未获核准")),
}


#: A pending decision answered by another field than its kind's (V-12: the guard's check of
#: the load against the large-item exit form).
_REASON_ANSWERS = {
    "vehicle.goods_form_check": ("exit_slip", _lazy("物品相符，放行"), _lazy("物品不符")),
}


def _answers(decision: Any, form: VehicleForm) -> dict[str, Any] | None:
    """The guard's one-touch answer to a pending decision: the same input sent again with the
    awaited confirmation set (yes or no), so a guided case ends in one more touch."""
    found = _REASON_ANSWERS.get(decision.reason) or (
        _ANSWER_FIELDS.get(decision.pending) if decision.pending else None
    )
    if found is None:
        return None
    field, yes, no = found
    kept = {
        name: value
        for name, value in form.data.items()
        if name in form.fields and name not in (field, "case", "csrfmiddlewaretoken")
    }
    kept["kind"] = form.cleaned_data.get("kind") or ""
    for extra in ("errand", "service"):
        kept[extra] = form.cleaned_data.get(extra) or ""
    return {"field": field, "yes": yes, "no": no, "kept": kept}


def _result(result: services.VehicleResult, lane: Lane) -> dict[str, Any]:
    decision = result.decision
    fee = result.fee
    return {
        "result": result,
        "decision": decision,
        "outcome": decision.outcome.value,
        "word": OUTCOME_WORDS[decision.outcome],
        "duties": duty_lines(decision),
        "fee": fee,
        "fee_text": services.fee_text(fee.amount) if fee else "",
        "charge_lines": fee.charge.lines if fee and fee.charge else (),
        "pay_session": result.session if fee else None,
        "pay_lane": lane,
    }


@login_required
@require_POST
def pay(request: HttpRequest) -> HttpResponse:
    context = _context(request, BOOTH_ROLES)
    form = PayForm(request.POST)
    if not form.is_valid():
        context["error"] = _("请选择收费方式")
        return _page(request, context, status=422)
    site = context["site"]
    session = get_object_or_404(ParkingSession, site=site, pk=form.cleaned_data["session"])
    lane = next((ln for ln in context["lanes"] if ln.pk == form.cleaned_data["lane"]), None)
    if lane is None:
        context["error"] = _("本场所没有这个车道")
        return _page(request, context, status=404)
    now = timezone.now()
    try:
        paid = services.session_pay(
            session=session,
            lane=lane,
            method=form.cleaned_data["method"],
            guard=request.user,
            now=now,
        )
        # The fee is settled: decide the exit again, which now opens the barrier.
        result = services.vehicle_decide(
            services.VehicleInput(lane=lane, plate=session.plate),
            now=now,
            guard=request.user,
        )
    except DomainError as exc:
        context["error"] = exc.message
        return _page(request, context, status=422)
    context.update(_result(result, lane))
    context["paid_text"] = services.fee_text(paid)
    return _page(request, context)
