"""The guard's booth console (门岗工作台), under /booth/.

Thin views: ``state_with`` for the site and the role, the booth's gate and direction from the
session, a form, one service call, a fragment. Every page answers htmx with a fragment and a plain
request with a whole page, so the booth still works if the script does not load. Objects of
another site are 404. A rule or an input the services refuse comes back as the same fragment with
the Chinese message and HTTP 422; nothing is written then.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gatehouse.access import forms, selectors
from gatehouse.access.models import EventSource
from gatehouse.access.services import notice_acknowledge
from gatehouse.accounts.models import Role
from gatehouse.campus import selectors as campus_selectors
from gatehouse.console.context import SiteState, state_with
from gatehouse.console.http import render_partial
from gatehouse.console.pages import found_or_404
from gatehouse.core.access import Decision, Duty, Entrant, Outcome, Pending, Register
from gatehouse.core.errors import DomainError
from gatehouse.core.masking import mask_name
from gatehouse.devices import selectors as device_selectors
from gatehouse.people.models import Person, PersonKind
from gatehouse.people.selectors import search_people
from gatehouse.registers.selectors import ON_SITE_FIELDS, inside_visits, overdue_reason
from gatehouse.sites.models import Gate, Lane, Site, SiteKind, SiteMode
from gatehouse.visitors import invitations, services
from gatehouse.visitors import mail as mail_services
from gatehouse.visitors.forms import AnswerForm
from gatehouse.visitors.models import AnsweredVia, GateRequest, Pass

BOOTH_ROLES = frozenset({Role.GUARD, Role.SECURITY_MANAGER})
SESSION_KEY = "booth"
ALERT_HOURS = 12
RECENT_EXPIRED_MINUTES = 10
STAFF_KINDS = (PersonKind.EMPLOYEE, PersonKind.PROPERTY_STAFF, PersonKind.GUARD)
RESIDENT_KINDS = (PersonKind.OWNER, PersonKind.FAMILY, PersonKind.TENANT)
ID_NUMBER_SHAPE = re.compile(r"^\d{17}[\dXx]$")
ON_SITE_PATH = "/registers/on-site/"

OUTCOME_WORDS = {
    Outcome.ALLOW: gettext_lazy("放行"),
    Outcome.REFUSE: gettext_lazy("拒绝"),
    Outcome.PENDING: gettext_lazy("待确认"),
}
REGISTER_TEXT = {
    Register.VISITOR: gettext_lazy("已写入《来客进出登记表》"),
    Register.STAFF_MIDSHIFT: gettext_lazy("已写入《上班中途进出员工登记表》"),
    Register.MAIL: gettext_lazy("已写入《外来信件报刊登记表》"),
    Register.FORGOTTEN_CARD: gettext_lazy("已记录忘带卡登记"),
    Register.VEHICLE: gettext_lazy("已写入《外来车辆进出登记表》"),
    Register.OWN_VEHICLE: gettext_lazy("已写入《车辆出入登记表》（含车内人员）"),
}
DUTY_TEXT = {
    Duty.CLOSE_REGISTER: gettext_lazy("已在登记表记录离开/返回时间"),
    Duty.NOTIFY_MONITORING: gettext_lazy("已通知监控中心"),
    Duty.NOTIFY_PATROL: gettext_lazy("已通知巡逻岗"),
    Duty.NOTIFY_HOST: gettext_lazy("已通知被访人"),
    Duty.NOTIFY_DESK: gettext_lazy("已通知服务中心确认"),
    Duty.NOTIFY_DEPARTMENT: gettext_lazy("已通知接待部门"),
    Duty.ESCORT: gettext_lazy("安排护送"),
    Duty.WAIT_AT_OFFICE: gettext_lazy("请在值班室等候"),
    Duty.ISSUE_PASS: gettext_lazy("带到服务中心办理出入证"),
    Duty.CHECK_IDENTITY: gettext_lazy("核对证件与预约人一致"),
    Duty.INSPECT_ON_EXIT: gettext_lazy("出门时检查携带物品"),
    Duty.REMIND: gettext_lazy("提醒住户带卡"),
    Duty.COUNT_FORGOTTEN: gettext_lazy("忘带卡次数已加一"),
    Duty.PAY_AT_EXIT: gettext_lazy("收取停车费后开闸"),
    Duty.GUIDE_OUTSIDE: gettext_lazy("引导车辆停放到小区外"),
    Duty.DWELL_ALERT: gettext_lazy("超时未离开将提醒巡逻岗"),
}


# -- the guided flows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    slug: str
    title: Any
    rule: str
    entrant: Entrant | None = None  # None: not a visitor-register flow (see ``flow``)
    fields: tuple[str, ...] = ()
    purpose: str = ""  # the usual purpose, pre-filled
    pick: str = ""  # "staff" / "resident": the flow picks a registered person


_ID = ("name", "id_number", "phone")
FLOWS: dict[str, Flow] = {
    f.slug: f
    for f in (
        Flow("forgotten", gettext_lazy("忘带卡"), "P-04"),
        Flow(
            "relative",
            gettext_lazy("亲友来访"),
            "P-05",
            Entrant.RELATIVE,
            (*_ID, "purpose", "house_number", "companions", "companion_names"),
            "探亲访友",
        ),
        Flow(
            "visitor",
            gettext_lazy("来客登记"),
            "VI-01",
            Entrant.VISITOR,
            (*_ID, "company", "purpose", "house_number", "host_text", "companions"),
        ),
        Flow(
            "sales",
            gettext_lazy("推销人员"),
            "P-08",
            Entrant.SALESPERSON,
            (*_ID, "company", "purpose", "house_number", "host_text", "destination_verified"),
            "推销",
        ),
        Flow(
            "tour",
            gettext_lazy("参观来访"),
            "P-06",
            Entrant.TOUR,
            (*_ID, "company", "purpose", "host_text", "pass_number", "companions"),
            "参观",
        ),
        Flow(
            "decoration",
            gettext_lazy("装修工人"),
            "P-09",
            Entrant.DECORATION_WORKER,
            (*_ID, "company", "purpose", "house_number", "pass_number"),
            "装修施工",
        ),
        Flow(
            "one-time",
            gettext_lazy("临时工人"),
            "P-09",
            Entrant.ONE_TIME_WORKER,
            (*_ID, "company", "purpose", "house_number"),
            "安装/送货",
        ),
        Flow(
            "elderly",
            gettext_lazy("来访老人"),
            "P-07",
            Entrant.ELDERLY,
            (*_ID, "purpose", "house_number", "host_text", "host_home"),
            "探亲访友",
        ),
        Flow(
            "elderly-resident",
            gettext_lazy("本小区老人"),
            "P-07",
            Entrant.ELDERLY,
            purpose="回家",
            pick="resident",
        ),
        Flow("staff-badge", gettext_lazy("员工未带工牌"), "P-10", pick="staff"),
        Flow(
            "parent",
            gettext_lazy("家长来校"),
            "T3-02",
            Entrant.PARENT,
            (*_ID, "purpose", "host_text"),
            "接孩子",
        ),
    )
}


#: Flows of a campus gate only (T3).
CAMPUS_FLOWS = frozenset({"parent"})


# -- the booth's place: site, gate, direction ----------------------------------------------------


@dataclass
class Booth:
    state: SiteState
    site: Site
    gates: list[Gate]
    gate: Gate | None
    direction: str

    @property
    def epidemic(self) -> bool:
        return self.site.mode == SiteMode.EPIDEMIC

    @property
    def campus(self) -> bool:
        return self.site.kind == SiteKind.CAMPUS

    def lane(self, direction: str | None = None) -> Lane:
        if self.gate is None:
            raise DomainError("booth.no_gate", "本场所没有人行出入口，请先在后台配置")
        return services.lane_of(self.site, self.gate.code, direction or self.direction)


def _booth(request: HttpRequest) -> Booth:
    state = state_with(request, BOOTH_ROLES)
    site = state.site
    gates = selectors.walking_gates(site)
    saved = request.session.get(SESSION_KEY) or {}
    if saved.get("site") != site.pk:
        saved = {}
    gate = next((g for g in gates if g.code == saved.get("gate")), gates[0] if gates else None)
    direction = "out" if saved.get("direction") == "out" else "in"
    return Booth(state, site, gates, gate, direction)


def _render(
    request: HttpRequest,
    fragment: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    title: Any = "",
) -> HttpResponse:
    """The fragment for htmx, the fragment inside the booth's page for a plain request."""
    return render_partial(
        request,
        "access/booth/page.html",
        fragment,
        context,
        status,
        page_context=lambda: {"fragment": fragment, "page_title": title or _("门岗工作台")},
    )


def duty_lines(decision: Decision) -> list[str]:
    """What to do next, in Chinese, for the guard."""
    lines: list[str] = []
    for ob in decision.obligations:
        if ob.duty is Duty.REGISTER:
            if ob.register in REGISTER_TEXT:
                lines.append(str(REGISTER_TEXT[ob.register]))
        elif ob.duty is Duty.TIME_LIMIT:
            if ob.minutes:
                lines.append(_("限时 %(minutes)d 分钟") % {"minutes": ob.minutes})
        elif ob.duty in DUTY_TEXT:
            text = str(DUTY_TEXT[ob.duty])
            lines.append(ob.note if ob.duty is Duty.REMIND and ob.note else text)
    return lines


#: Refusals of a card whose holder is known: the booth shows who the card belongs to.
HOLDER_REASONS = frozenset({"credential.lost", "credential.revoked", "credential.expired"})


def _decision_context(
    decision: Decision, event: Any, *, request: GateRequest | None = None
) -> dict[str, Any]:
    person = getattr(event, "person", None)
    forgotten = None
    if event is not None and event.entrant == Entrant.FORGOTTEN_CARD and person is not None:
        forgotten = {"name": mask_name(person.name), "count": person.forgotten_card_count}
    holder = None
    if decision.reason in HOLDER_REASONS and person is not None:
        # a lost or revoked card: what the guard checks the person at the gate against
        holder = {
            "name": mask_name(person.name),
            "kind": person.get_kind_display(),
            "houses": [link.house.number for link in person.house_links.select_related("house")],
        }
    return {
        "decision": decision,
        "outcome": decision.outcome.value,
        "word": OUTCOME_WORDS[decision.outcome],
        "event": event,
        "subject": getattr(event, "subject", ""),
        "duties": duty_lines(decision),
        "gate_request": request,
        "forgotten": forgotten,
        "holder": holder,
    }


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _render(request, "access/booth/_error.html", {"error": exc}, status=422)


# -- home, gate, scan ----------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    booth = _booth(request)
    gate_form = forms.GateForm(
        initial={"gate": booth.gate.code if booth.gate else "", "direction": booth.direction},
        gates=[(g.code, g.name) for g in booth.gates],
    )
    context = {
        "booth": booth,
        "openable": device_selectors.openable_lanes(booth.site, booth.gate) if booth.gate else [],
        "gate_form": gate_form,
        "scan_form": forms.ScanForm(epidemic=booth.epidemic),
        "flows": [f for f in FLOWS.values() if f.slug not in CAMPUS_FLOWS or booth.campus],
        **_alerts_now(booth),
    }
    return render(request, "access/booth/index.html", context)


@login_required
@require_POST
def set_gate(request: HttpRequest) -> HttpResponse:
    booth = _booth(request)
    form = forms.GateForm(request.POST, gates=[(g.code, g.name) for g in booth.gates])
    if form.is_valid():
        request.session[SESSION_KEY] = {"site": booth.site.pk, **form.cleaned_data}
    return redirect("booth:index")


def scan_kind(value: str) -> str:
    """What the scan box read: a signed QR, an ID number (card reader) or a card number."""
    text = value.strip()
    if text.startswith("GH1."):
        return "qr"
    if ID_NUMBER_SHAPE.match(text):
        return "id_card"
    return "card"


@login_required
@require_POST
def scan(request: HttpRequest) -> HttpResponse:
    booth = _booth(request)
    form = forms.ScanForm(request.POST, epidemic=booth.epidemic)
    if not form.is_valid():
        return _render(request, "access/booth/_form_errors.html", {"form": form}, status=422)
    from gatehouse.gate.decide import gate_read

    value = form.cleaned_data["value"].strip()
    try:
        health_kwargs = form.health_kwargs()
        health = None
        if health_kwargs and (
            health_kwargs["temperature"] or health_kwargs["code"] or health_kwargs["travel"]
        ):
            health = services.health_facts(**health_kwargs)
        result = gate_read(
            lane=booth.lane(),
            kind=scan_kind(value),
            value=value,
            now=timezone.now(),
            guard=request.user,
            source=EventSource.CONSOLE,
            health=health,
        )
    except DomainError as exc:
        return _error(request, exc)
    context = _decision_context(result.decision, result.event)
    return _render(request, "access/booth/_decision.html", context)


def _panel(
    request: HttpRequest,
    form_class: type[Any],
    call: Callable[[dict[str, Any]], Any],
    shown: Callable[[Any], dict[str, Any]],
) -> tuple[Any, dict[str, Any], int]:
    """A booth panel's form (mid-shift exits, mail): shown empty on GET; on POST, a form error
    or the service's refusal stays on the panel with status 422 (``error`` in the context),
    and a success shows what was done (``shown(result)``) above an empty form."""
    if request.method != "POST":
        return form_class(), {}, 200
    form = form_class(request.POST)
    if not form.is_valid():
        return form, {}, 422
    try:
        result = call(form.cleaned_data)
    except DomainError as exc:
        return form, {"error": exc}, 422
    return form_class(), shown(result), 200


# -- guided flows --------------------------------------------------------------------------------


def _flow_form(flow: Flow, booth: Booth, data: Any = None) -> Any:
    if flow.slug == "forgotten":
        return forms.ForgottenCardForm(data)
    if flow.pick:
        form = forms.PersonPickForm(data)
        if flow.pick == "resident":
            form.add_health(booth.epidemic, necessity=False)
        return form
    return forms.VisitForm(
        data,
        fields=flow.fields,
        epidemic=booth.epidemic,
        initial={"purpose": flow.purpose, "companions": 0},
    )


def _picked(booth: Booth, flow_pick: str, pk: int) -> Person:
    kinds = STAFF_KINDS if flow_pick == "staff" else RESIDENT_KINDS
    person = selectors.person_at(booth.site, pk)
    if person is None:
        raise Http404
    if person.kind not in kinds or not person.is_active:
        raise DomainError("booth.wrong_person", "所选人员不符合此登记类别，请重新选择")
    return person


def _pass_of(site: Site, number: str) -> Pass | None:
    number = number.strip()
    if not number:
        return None
    found = selectors.pass_numbered(site, number)
    if found is None:
        raise DomainError("pass.unknown", "本场所没有这个证号的出入证/介绍信，请核对")
    return found


def _run_flow(flow: Flow, booth: Booth, form: Any, request: HttpRequest) -> Any:
    """The one service call of a flow, with the form's values."""
    data = form.cleaned_data
    now = timezone.now()
    lane = booth.lane("in")
    if flow.slug == "forgotten":
        return services.forgotten_card_check(
            lane=lane,
            actor=request.user,
            house_number=data["house_number"],
            id_last4=data["id_last4"],
            now=now,
        )
    health_kwargs = form.health_kwargs()
    health = services.health_facts(**health_kwargs) if health_kwargs else None
    if flow.pick == "staff":
        person = _picked(booth, "staff", data["person"])
        return services.staff_without_badge(lane=lane, actor=request.user, person=person, now=now)
    if flow.pick == "resident":
        person = _picked(booth, "resident", data["person"])
        return services.visit_register(
            lane=lane,
            actor=request.user,
            kind=Entrant.ELDERLY,
            name=person.name,
            purpose=flow.purpose,
            resident=person,
            health=health,
            now=now,
        )
    assert flow.entrant is not None
    return services.visit_register(
        lane=lane,
        actor=request.user,
        kind=flow.entrant,
        name=data["name"],
        purpose=data["purpose"],
        id_number=data.get("id_number", ""),
        phone=data.get("phone", ""),
        company=data.get("company", ""),
        house_number=data.get("house_number", ""),
        host_text=data.get("host_text", ""),
        companions=data.get("companions") or 0,
        companion_names=data.get("companion_names", ""),
        pass_=_pass_of(booth.site, data.get("pass_number", "")),
        destination_verified=forms.yes_no(data.get("destination_verified")),
        host_home=forms.yes_no(data.get("host_home")),
        health=health,
        now=now,
    )


@login_required
@require_http_methods(["GET", "POST"])
def flow(request: HttpRequest, slug: str) -> HttpResponse:
    booth = _booth(request)
    chosen = FLOWS.get(slug)
    if chosen is None:
        raise Http404
    posted = request.method == "POST"
    form = _flow_form(chosen, booth, request.POST if posted else None)
    context: dict[str, Any] = {"booth": booth, "flow": chosen, "form": form}
    if posted and form.is_valid():
        try:
            result = _run_flow(chosen, booth, form, request)
        except DomainError as exc:
            context["error"] = exc
        else:
            decided = _decision_context(result.decision, result.event, request=result.request)
            return _render(request, "access/booth/_decision.html", decided, title=chosen.title)
    status = 422 if posted else 200
    return _render(request, "access/booth/_flow.html", context, status=status, title=chosen.title)


@login_required
@require_GET
def pick_person(request: HttpRequest) -> HttpResponse:
    """Search results to pick a person from: staff (P-10, P-12) or residents (P-07)."""
    booth = _booth(request)
    q = request.GET.get("q", "").strip()
    kinds = STAFF_KINDS if request.GET.get("pick") == "staff" else RESIDENT_KINDS
    found: list[Person] = []
    if q:
        today = timezone.localdate()
        if len(q) == 4 and q[:3].isdigit():  # the last four of the ID number
            people = search_people(booth.site, today=today, id_last4=q)
        else:  # part of a name, a house number, a whole mobile or ID number
            people = search_people(booth.site, today=today, q=q)
        found = list(people.filter(kind__in=kinds, is_active=True)[:10])
    rows = [{"pk": p.pk, "name": mask_name(p.name), "person": p} for p in found]
    return _render(request, "access/booth/_pick_results.html", {"rows": rows, "q": q})


# -- the pending panel ---------------------------------------------------------------------------


def _countdown(deadline: datetime, now: datetime) -> str:
    left = max(0, int((deadline - now).total_seconds()))
    hours, rest = divmod(left, 3600)
    clock = f"{rest // 60:02d}:{rest % 60:02d}"
    return f"{hours}:{clock}" if hours else clock


@login_required
@require_GET
def pending(request: HttpRequest) -> HttpResponse:
    return _pending_panel(request, _booth(request))


def _pending_panel(
    request: HttpRequest, booth: Booth, *, status: int = 200, **extra: Any
) -> HttpResponse:
    now = timezone.now()
    services.requests_expire(site=booth.site, now=now)
    open_ = selectors.open_requests(booth.site, booth.gate)
    since = now - timedelta(minutes=RECENT_EXPIRED_MINUTES)
    expired = selectors.recently_expired(booth.site, booth.gate, since)
    closed = selectors.recently_closed(booth.site, booth.gate, since)
    doors = device_selectors.commands_for_requests([r.pk for r in (*open_, *closed)])
    opened = [{"req": r, "commands": doors[r.pk]} for r in closed if doors.get(r.pk)]
    rows = [
        {
            "req": r,
            "countdown": _countdown(r.deadline, now),
            "forgotten": r.person.forgotten_card_count
            if r.entrant == Entrant.FORGOTTEN_CARD and r.person
            else None,
            "commands": doors.get(r.pk, []),
            "phoned": r.kind == Pending.HOST_CONSENT,  # the guard may answer after phoning
        }
        for r in open_
    ]
    context = {"rows": rows, "expired": expired, "opened": opened, "booth": booth, **extra}
    return _render(request, "access/booth/_pending.html", context, title=_("待确认"), status=status)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """门岗致电确认 (VI-01): the guard phoned the host, who agreed or not. Where the lane's door
    opens by itself, the answer admits the visitor and opens it; elsewhere the guard then lets
    them through with 放行."""
    booth = _booth(request)
    req = found_or_404(selectors.request_at(booth.site, pk))
    form = AnswerForm(request.POST)  # the desk's: the same answer from the booth
    if not form.is_valid():
        return _pending_panel(request, booth, status=422, error=_("请选择被访人同意或不同意"))
    try:
        services.request_answer(
            request=req,
            actor=request.user,
            granted=form.granted,
            via=AnsweredVia.BOOTH,
            now=timezone.now(),
            note=form.cleaned_data["note"],
            host_home=form.host_home if req.entrant == Entrant.ELDERLY else None,
        )
    except DomainError as exc:
        return _pending_panel(request, booth, status=422, error=exc.message)
    return _pending_panel(request, booth)


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    booth = _booth(request)
    req = found_or_404(selectors.request_at(booth.site, pk))
    try:
        result = services.request_resolve(request=req, actor=request.user, now=timezone.now())
    except DomainError as exc:
        return _error(request, exc)
    context = _decision_context(result.decision, result.event, request=result.request)
    return _render(request, "access/booth/_decision.html", context)


# -- today's appointments (VI-02; a campus's confirmed pick-ups and visits, T3-02) ---------------


def _appointments_context(booth: Booth, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    rows = invitations.with_status(
        list(campus_selectors.appointments_on(booth.site, timezone.localdate(now))), now
    )
    return {"booth": booth, "rows": rows, **extra}


@login_required
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    booth = _booth(request)
    return _render(
        request,
        "access/booth/_appointments.html",
        _appointments_context(booth),
        title=_("今日预约"),
    )


@login_required
@require_POST
def appointment_admit(request: HttpRequest, pk: int) -> HttpResponse:
    """The guard admits a booked visitor (a parent picking up a child) after checking their
    identity: the gate judges the appointment as it judges its QR (VI-02, T3-02)."""
    from gatehouse.gate.decide import gate_decide
    from gatehouse.gate.facts import code_input

    booth = _booth(request)
    inv = found_or_404(
        campus_selectors.appointments_on(booth.site, timezone.localdate()).filter(pk=pk).first()
    )
    try:
        result = gate_decide(
            code_input(booth.lane("in"), inv, "manual", mask_name(inv.visitor_name)),
            now=timezone.now(),
            guard=request.user,
            source=EventSource.CONSOLE,
        )
    except DomainError as exc:
        return _render(
            request,
            "access/booth/_appointments.html",
            _appointments_context(booth, error=exc),
            status=422,
        )
    decided = _decision_context(result.decision, result.event)
    status = 200 if result.decision.allowed else 422
    return _render(
        request,
        "access/booth/_appointments.html",
        _appointments_context(booth, result=decided),
        status=status,
        title=_("今日预约"),
    )


# -- leaving (离开登记) --------------------------------------------------------------------------


def _inside_context(booth: Booth, **extra: Any) -> dict[str, Any]:
    visits = selectors.visitors_inside(booth.site)
    rows = [
        {
            "visit": v,
            "name": mask_name(v.name),
            "host": v.house.number if v.house else (v.host_text or "—"),
        }
        for v in visits
    ]
    return {"booth": booth, "rows": rows, **extra}


@login_required
@require_GET
def inside(request: HttpRequest) -> HttpResponse:
    booth = _booth(request)
    return _render(
        request, "access/booth/_inside.html", _inside_context(booth), title=_("离开登记")
    )


@login_required
@require_POST
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    booth = _booth(request)
    visit = found_or_404(selectors.visit_at(booth.site, pk))
    try:
        result = services.visit_leave(
            visit=visit, lane=booth.lane("out"), actor=request.user, now=timezone.now()
        )
    except DomainError as exc:
        return _render(
            request, "access/booth/_inside.html", _inside_context(booth, error=exc), status=422
        )
    decided = _decision_context(result.decision, result.event)
    return _render(request, "access/booth/_inside.html", _inside_context(booth, result=decided))


# -- staff leaving mid-shift (P-12) --------------------------------------------------------------


def _staff_context(booth: Booth, form: Any, **extra: Any) -> dict[str, Any]:
    out = selectors.staff_out_now(booth.site)
    rows = [{"exit": e, "name": mask_name(e.person.name)} for e in out]
    return {"booth": booth, "form": form, "rows": rows, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def staff_out(request: HttpRequest) -> HttpResponse:
    booth = _booth(request)
    form, extra, status = _panel(
        request,
        forms.StaffExitForm,
        lambda d: services.staff_exit_register(
            lane=booth.lane("out"),
            actor=request.user,
            person=_picked(booth, "staff", d["person"]),
            reason=d["reason"],
            approver=d["approver"],
            now=timezone.now(),
        ),
        lambda result: {"result": _decision_context(result.decision, result.event)},
    )
    context = _staff_context(booth, form, **extra)
    return _render(
        request, "access/booth/_staff.html", context, status=status, title=_("员工中途外出")
    )


@login_required
@require_POST
def staff_return(request: HttpRequest, pk: int) -> HttpResponse:
    booth = _booth(request)
    exit_ = found_or_404(selectors.staff_exit_at(booth.site, pk))
    status = 200
    extra: dict[str, Any] = {}
    try:
        result = services.staff_exit_return(
            lane=booth.lane("in"), actor=request.user, person=exit_.person, now=timezone.now()
        )
    except DomainError as exc:
        extra["error"], status = exc, 422
    else:
        extra["result"] = _decision_context(result.decision, result.event)
    context = _staff_context(booth, forms.StaffExitForm(), **extra)
    return _render(request, "access/booth/_staff.html", context, status=status)


# -- mail (VI-04) --------------------------------------------------------------------------------


def _mail_context(booth: Booth, form: Any, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    rows = [
        {"item": m, "name": mask_name(m.recipient_name)}
        for m in selectors.mail_of_the_day(booth.site, today)
    ]
    return {"booth": booth, "form": form, "rows": rows, **extra}


@login_required
@require_http_methods(["GET", "POST"])
def mail(request: HttpRequest) -> HttpResponse:
    booth = _booth(request)
    form, extra, status = _panel(
        request,
        forms.MailForm,
        lambda d: mail_services.mail_log(
            site=booth.site, actor=request.user, now=timezone.now(), **d
        ),
        lambda item: {"logged": item, "logged_name": mask_name(item.recipient_name)},
    )
    context = _mail_context(booth, form, **extra)
    return _render(request, "access/booth/_mail.html", context, status=status, title=_("信件报刊"))


@login_required
@require_POST
def mail_hand_out(request: HttpRequest, pk: int) -> HttpResponse:
    booth = _booth(request)
    item = found_or_404(selectors.mail_item_at(booth.site, pk))
    form = forms.HandOutForm(request.POST)
    extra: dict[str, Any] = {}
    status = 422
    if not form.is_valid():
        extra["error"] = DomainError("mail.handed_to", _("请填写领取人姓名"))
    else:
        try:
            mail_services.mail_hand_out(
                item=item,
                actor=request.user,
                handed_to=form.cleaned_data["handed_to"],
                now=timezone.now(),
            )
        except DomainError as exc:
            extra["error"] = exc
        else:
            status = 200
            extra["handed"] = item
    context = _mail_context(booth, forms.MailForm(), **extra)
    return _render(request, "access/booth/_mail.html", context, status=status)


# -- alerts --------------------------------------------------------------------------------------


@login_required
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    return _alerts(request, _booth(request))


def _alerts(request: HttpRequest, booth: Booth) -> HttpResponse:
    return _render(request, "access/booth/_alerts.html", _alerts_now(booth))


def _alerts_now(booth: Booth) -> dict[str, Any]:
    """The alert strip's notices and overdue visitors now (the page renders it with the rest,
    so it does not arrive after the buttons and move them; htmx refreshes it)."""
    now = timezone.now()
    notices = selectors.open_alerts(booth.site, now, ALERT_HOURS)
    overdue = [
        {"name": mask_name(v.name), "time_in": v.time_in}
        for v in inside_visits(booth.site).only(*ON_SITE_FIELDS)[:200]
        if overdue_reason(v, booth.site, now)
    ][:20]
    return _alerts_context(booth, notices, overdue)


def _alerts_context(booth: Booth, notices: list[Any], overdue: list[Any]) -> dict[str, Any]:
    return {
        "notices": notices,
        "overdue": overdue,
        "overdue_count": 1 if overdue else 0,
        "closing": booth.site.visitor_closing_time,
        "on_site_url": ON_SITE_PATH,
    }


@login_required
@require_POST
def alert_ack(request: HttpRequest, pk: int) -> HttpResponse:
    """知道了: the guard acknowledges a notice meant for the gate (audited); the monitoring
    centre's own alerts stay for the monitoring centre to handle."""
    booth = _booth(request)
    now = timezone.now()
    notice = selectors.guard_notice(booth.site, pk)
    if notice is None:
        raise Http404
    try:
        notice_acknowledge(notice=notice, actor=request.user, now=now, repeat_ok=True)
    except DomainError as exc:
        return _error(request, exc)
    return _alerts(request, booth)
