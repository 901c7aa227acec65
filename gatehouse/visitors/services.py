"""The guard's and the desk's flows for people without a card (P-04…P-10, P-12, VI-01, M-02).

A flow registers what the guard typed, asks the core through ``gate_decide`` (which writes the
event and the register rows), and, when the decision is pending, opens a ``GateRequest`` for the
front desk, the host or a manager. When the request is answered, the guard resolves it: the
decision is taken again with the answer, and the visitor is admitted or refused. A request not
answered by its deadline is refused and recorded (``requests_expire``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from gatehouse.access.models import EventSource
from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.access import (
    Decision,
    Direction,
    Entrant,
    HealthCode,
    HealthFacts,
    Outcome,
    Pending,
    TravelCode,
)
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_id_number, parse_mobile
from gatehouse.core.masking import mask_id_number, mask_name, mask_phone
from gatehouse.core.text import clean_text
from gatehouse.devices.commands import open_for_request
from gatehouse.devices.selectors import lane_opens_itself
from gatehouse.gate.decide import gate_decide
from gatehouse.gate.facts import GateInput, GateResult
from gatehouse.notify import messages as notify_messages
from gatehouse.people.models import HouseMembership, HouseRelation, Person
from gatehouse.people.services import clean_name
from gatehouse.privacy import seal
from gatehouse.sites.models import Direction as LaneDirection
from gatehouse.sites.models import House, Lane, LaneKind, Site
from gatehouse.visitors.models import (
    AnsweredVia,
    GateRequest,
    Pass,
    RequestStatus,
    Visit,
    VisitStatus,
)

# Entrants the guard registers as a row of 来客进出登记表 before deciding.
VISIT_KINDS = frozenset(
    {
        Entrant.RELATIVE,
        Entrant.VISITOR,
        Entrant.TOUR,
        Entrant.ELDERLY,
        Entrant.SALESPERSON,
        Entrant.DECORATION_WORKER,
        Entrant.ONE_TIME_WORKER,
        Entrant.PARENT,
    }
)


@dataclass(frozen=True)
class FlowResult:
    decision: Decision
    event: Any
    visit: Visit | None = None
    request: GateRequest | None = None


# -- input --------------------------------------------------------------------------------------


def parse_temperature(raw: Any) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace("℃", "")).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(
            "temperature.invalid", "体温格式不正确，例如 36.5", {"field": "temperature"}
        ) from exc
    if not Decimal("30.0") <= value <= Decimal("45.0"):
        raise InvalidInput(
            "temperature.out_of_range", "体温应在 30.0 至 45.0 ℃ 之间", {"field": "temperature"}
        )
    return value


def health_facts(
    *,
    necessary: bool = False,
    real_name: bool = False,
    temperature: Any = None,
    code: str = "",
    travel: str = "",
) -> HealthFacts:
    try:
        color = HealthCode(code) if code else None
    except ValueError as exc:
        raise InvalidInput(
            "health_code.invalid", "健康码只能是绿码、黄码或红码", {"field": "health_code"}
        ) from exc
    try:
        trip = TravelCode(travel) if travel else None
    except ValueError as exc:
        raise InvalidInput(
            "travel_code.invalid",
            "行程卡只能是绿色、带星号、黄色或红色",
            {"field": "travel_code"},
        ) from exc
    return HealthFacts(
        necessary=necessary,
        real_name=real_name,
        temperature=parse_temperature(temperature),
        code=color,
        travel=trip,
    )


def find_house(site: Site, number: str) -> House:
    text = "".join((number or "").split())
    house = House.objects.filter(site=site, number=text).select_related("unit__building").first()
    if house is None:
        raise InvalidInput(
            "house.unknown", "本小区没有这个房号，请核对（例如 3-2-1201）", {"field": "house"}
        )
    return house


def house_owner(house: House) -> Person | None:
    """The person asked for consent for a visitor to ``house``: an owner, else a tenant."""
    links = HouseMembership.objects.filter(house=house, person__is_active=True).select_related(
        "person"
    )
    ranked = sorted(
        links,
        key=lambda link: (
            [HouseRelation.OWNER, HouseRelation.TENANT, HouseRelation.FAMILY].index(link.relation)
            if link.relation in (HouseRelation.OWNER, HouseRelation.TENANT, HouseRelation.FAMILY)
            else 9,
            link.pk,
        ),
    )
    return ranked[0].person if ranked else None


def lane_of(site: Site, gate_code: str, direction: str) -> Lane:
    """The pedestrian lane of ``gate_code`` in ``direction`` (the guard's booth)."""
    lane = (
        Lane.objects.filter(
            gate__site=site, gate__code=gate_code, kind=LaneKind.NON_MOTOR, direction=direction
        )
        .select_related("gate__site")
        .first()
    )
    if lane is None:
        raise InvalidInput("lane.unknown", "该出入口没有这个方向的人行通道", {"field": "gate"})
    return lane


def _deadline(site: Site, now: datetime) -> datetime:
    return now + timedelta(minutes=site.request_timeout_minutes)


# -- registering a visitor (VI-01, P-05 … P-09) --------------------------------------------------


@transaction.atomic
def visit_register(
    *,
    lane: Lane,
    actor: Actor,
    kind: Entrant,
    name: str,
    purpose: str,
    now: datetime,
    id_number: str = "",
    phone: str = "",
    company: str = "",
    house_number: str = "",
    host: Person | None = None,
    host_text: str = "",
    companions: int = 0,
    companion_names: str = "",
    pass_: Pass | None = None,
    destination_verified: bool | None = None,
    host_home: bool | None = None,
    health: HealthFacts | None = None,
    resident: Person | None = None,
    note: str = "",
) -> FlowResult:
    """Register a visitor at the gate and decide; a pending decision opens a request."""
    if kind not in VISIT_KINDS:
        raise InvalidInput("visit.kind", "来访类别不正确", {"field": "kind"})
    site = lane.gate.site
    if resident is not None:
        # A resident (an elderly owner, P-07) is no visitor: no row of 来客进出登记表.
        _same_site(lane, resident)
        result = gate_decide(
            GateInput(
                lane=lane,
                entrant=kind,
                person=resident,
                presented_kind="manual",
                health=health,
                note=note,
            ),
            now=now,
            guard=actor,
        )
        return FlowResult(result.decision, result.event, None, None)
    name = clean_name(name)
    purpose = clean_text(purpose)
    if not purpose:
        raise InvalidInput("visit.purpose_empty", "请填写来访事由", {"field": "purpose"})
    canonical_id = parse_id_number(id_number, today=timezone.localdate(now)) if id_number else ""
    canonical_phone = parse_mobile(phone) if phone else ""
    if kind in (Entrant.VISITOR, Entrant.SALESPERSON) and not canonical_id:
        raise InvalidInput(
            "visit.id_required", "来客须登记身份证号（VI-01）", {"field": "id_number"}
        )
    if companions < 0 or companions > 50:
        raise InvalidInput("visit.companions", "随行人数应在 0 至 50 之间", {"field": "companions"})
    house = find_house(site, house_number) if house_number else None
    if host is None and house is not None:
        host = house_owner(house)
    if host is not None and host.site_id != site.pk:
        raise InvalidInput("visit.host_unknown", "被访人不属于本场所", {"field": "host"})
    if kind is Entrant.VISITOR and host is None and not host_text:
        raise InvalidInput(
            "visit.host_required", "请填写被访人（房号或部门/姓名）", {"field": "house"}
        )
    visit = Visit(
        site=site,
        kind=kind.value,
        name=name,
        purpose=purpose[:200],
        company=company[:100],
        host=host,
        house=house,
        host_text=host_text[:100],
        companions=companions,
        companion_names=clean_text(companion_names, 200),
        pass_ref=pass_,
        temperature=health.temperature if health else None,
        health_code=health.code.value if health and health.code else "",
        travel_code=health.travel.value if health and health.travel else "",
        registered_at=now,
        registered_by=actor_or_none(actor),
        note=note[:200],
    )
    if canonical_id:
        sealed = seal("id", canonical_id)
        visit.id_number_cipher, visit.id_number_hash = sealed.cipher, sealed.digest
        visit.id_number_masked = mask_id_number(canonical_id)
    if canonical_phone:
        sealed = seal("phone", canonical_phone)
        visit.phone_cipher, visit.phone_hash = sealed.cipher, sealed.digest
        visit.phone_last4, visit.phone_masked = sealed.last4, mask_phone(canonical_phone)
    visit.save()
    if health is not None and canonical_id:
        from dataclasses import replace

        health = replace(health, real_name=True)
    result = gate_decide(
        GateInput(
            lane=lane,
            entrant=kind,
            visit=visit,
            pass_=pass_,
            destination_verified=destination_verified,
            host_home=host_home,
            health=health,
            note=note,
        ),
        now=now,
        guard=actor,
    )
    request = None
    if result.decision.outcome is Outcome.PENDING and result.decision.pending is not None:
        request = GateRequest.objects.create(
            site=site,
            kind=result.decision.pending.value,
            entrant=kind.value,
            reason=result.decision.reason,
            message=result.decision.message,
            lane=lane,
            direction=result.event.direction,
            visit=visit,
            host=host,
            summary=_summary(kind, visit),
            details={"house": house.number if house else "", "host_text": host_text},
            created_at=now,
            created_by=actor_or_none(actor),
            deadline=_deadline(site, now),
            host_home=host_home,
        )
        if request.kind == Pending.HOST_CONSENT.value:
            notify_messages.visitor_waiting(request=request, now=now)  # to the host (VI-01)
    audit_record(action="visit.register", obj=visit, actor=actor, after=snapshot(visit), at=now)
    return FlowResult(result.decision, result.event, visit, request)


def _summary(kind: Entrant, visit: Visit) -> str:
    label = dict(Visit._meta.get_field("kind").choices or []).get(kind.value, kind.value)
    target = visit.house.number if visit.house else visit.host_text
    return f"{label}：{mask_name(visit.name)} → {target or '—'}（{visit.purpose}）"[:200]


# -- forgotten card (P-04) -----------------------------------------------------------------------


@transaction.atomic
def forgotten_card_check(
    *,
    lane: Lane,
    actor: Actor,
    house_number: str,
    id_last4: str,
    now: datetime,
    health: HealthFacts | None = None,
) -> FlowResult:
    """House number + last 4 of the ID number: a match opens a request to the front desk;
    a mismatch is refused. Either way the attempt is recorded."""
    site = lane.gate.site
    last4 = (id_last4 or "").strip().upper()
    if len(last4) != 4 or not (last4[:3].isdigit() and (last4[3].isdigit() or last4[3] == "X")):
        raise InvalidInput(
            "id_last4.invalid", "请输入身份证号后四位（数字，末位可为X）", {"field": "id_last4"}
        )
    house = find_house(site, house_number)
    match = (
        Person.objects.filter(
            house_links__house=house, id_number_last4=last4, is_active=True, site=site
        )
        .order_by("pk")
        .first()
    )
    result = gate_decide(
        GateInput(
            lane=lane,
            entrant=Entrant.FORGOTTEN_CARD,
            person=match,
            presented_kind="manual",
            presented_masked=f"{house.number} / ****{last4}",
            identity_matched=match is not None,
            health=health,
            note=f"房号 {house.number}",
        ),
        now=now,
        guard=actor,
    )
    request = None
    if result.decision.outcome is Outcome.PENDING and match is not None:
        request = GateRequest.objects.create(
            site=site,
            kind=result.decision.pending.value if result.decision.pending else "verify",
            entrant=Entrant.FORGOTTEN_CARD.value,
            reason=result.decision.reason,
            message=result.decision.message,
            lane=lane,
            direction=result.event.direction,
            person=match,
            summary=(
                f"忘带卡：{mask_name(match.name)}（{house.number}，"
                f"第{match.forgotten_card_count + 1}次）"
            ),
            details={
                "house": house.number,
                "forgotten_before": match.forgotten_card_count,
                **_health_details(health),
            },
            created_at=now,
            created_by=actor_or_none(actor),
            deadline=_deadline(site, now),
        )
        audit_record(
            action="request.open", obj=request, actor=actor, after=snapshot(request), at=now
        )
    return FlowResult(result.decision, result.event, None, request)


# -- staff (P-10, P-12) --------------------------------------------------------------------------


@transaction.atomic
def staff_without_badge(
    *,
    lane: Lane,
    actor: Actor,
    person: Person,
    now: datetime,
    health: HealthFacts | None = None,
) -> FlowResult:
    """P-10: staff without their badge wait for a manager's approval."""
    _same_site(lane, person)
    result = gate_decide(
        GateInput(
            lane=lane,
            entrant=Entrant.STAFF_NO_BADGE,
            person=person,
            presented_kind="manual",
            health=health,
        ),
        now=now,
        guard=actor,
    )
    request = None
    if result.decision.outcome is Outcome.PENDING:
        request = GateRequest.objects.create(
            site=lane.gate.site,
            kind=result.decision.pending.value if result.decision.pending else "approval",
            entrant=Entrant.STAFF_NO_BADGE.value,
            reason=result.decision.reason,
            message=result.decision.message,
            lane=lane,
            direction=result.event.direction,
            person=person,
            summary=f"未带工牌：{mask_name(person.name)}",
            details=_health_details(health),
            created_at=now,
            created_by=actor_or_none(actor),
            deadline=_deadline(lane.gate.site, now),
        )
        audit_record(
            action="request.open", obj=request, actor=actor, after=snapshot(request), at=now
        )
    return FlowResult(result.decision, result.event, None, request)


def _same_site(lane: Lane, person: Person) -> None:
    if person.site_id != lane.gate.site_id:
        raise DomainError("person.other_site", "此人不属于本场所")


@transaction.atomic
def staff_exit_register(
    *, lane: Lane, actor: Actor, person: Person, reason: str, approver: str, now: datetime
) -> GateResult:
    """P-12: an employee leaving during working hours, with reason and approver."""
    _same_site(lane, person)
    reason, approver = clean_text(reason), clean_text(approver)
    if not reason:
        raise InvalidInput("staff_exit.reason", "请填写外出事由", {"field": "reason"})
    if not approver:
        raise InvalidInput("staff_exit.approver", "请填写批准人", {"field": "approver"})
    from gatehouse.access.models import StaffExit

    if StaffExit.objects.filter(person=person, back_at__isnull=True).exists():
        raise DomainError("staff_exit.already_out", "该员工已登记外出，尚未返回")
    return gate_decide(
        GateInput(
            lane=lane,
            entrant=Entrant.STAFF_MIDSHIFT,
            direction=Direction.OUT,
            person=person,
            presented_kind="manual",
            approval=True,
            register_data={"reason": reason[:200], "approver": approver[:50]},
        ),
        now=now,
        guard=actor,
    )


@transaction.atomic
def staff_exit_return(
    *,
    lane: Lane,
    actor: Actor,
    person: Person,
    now: datetime,
    health: HealthFacts | None = None,
) -> GateResult:
    _same_site(lane, person)
    from gatehouse.access.models import StaffExit

    if not StaffExit.objects.filter(person=person, back_at__isnull=True).exists():
        raise DomainError("staff_exit.not_out", "该员工没有未返回的外出登记")
    return gate_decide(
        GateInput(
            lane=lane,
            entrant=Entrant.STAFF_MIDSHIFT,
            direction=Direction.IN,
            person=person,
            presented_kind="manual",
            health=health,
        ),
        now=now,
        guard=actor,
    )


# -- answering and resolving requests ------------------------------------------------------------


def _lock_request(request: GateRequest) -> GateRequest:
    return (
        GateRequest.objects.select_for_update(of=("self",))
        .select_related("lane__gate__site", "visit", "person", "host")
        .get(pk=request.pk)
    )


def request_answer(
    *,
    request: GateRequest,
    actor: Actor,
    granted: bool,
    via: str,
    now: datetime,
    note: str = "",
    host_home: bool | None = None,
) -> GateRequest:
    """The desk or the booth's guard (after calling the host), the host (self-service) or a
    manager answers. The booth answers only for a host's consent (VI-01).

    An answer after the deadline comes too late: the request is refused and recorded (as by
    ``requests_expire``), and the caller is told so with ``request.expired``."""
    if via not in AnsweredVia.values or via == AnsweredVia.SYSTEM:
        raise InvalidInput("request.via", "答复方式不正确", {"field": "via"})
    if via == AnsweredVia.BOOTH and request.kind != Pending.HOST_CONSENT:
        # VI-01: the guard phones the host; identity checks are the desk's, approvals a
        # manager's.
        raise DomainError(
            "request.not_for_booth",
            "门岗只能代为确认被访人是否同意；核实身份请由服务中心处理，审批请由安保主管处理",
            {"kind": request.kind},
        )
    with transaction.atomic():
        req = _lock_request(request)
        late = req.status == RequestStatus.PENDING and now >= req.deadline
        if late:
            _expire(req, now)
            _resolve(req, None, now)
        else:
            answered = _record_answer(req, actor, granted, via, now, note, host_home)
            if answered.status == RequestStatus.GRANTED and lane_opens_itself(answered.lane):
                _admit_and_open(answered, actor, now)
            return answered
    raise DomainError("request.expired", "请求已超时，按拒绝处理；如需放行请重新登记")


# Why a lane's door opened by itself, by who answered.
OPENED_BECAUSE = {
    AnsweredVia.DESK: "服务中心已确认",
    AnsweredVia.BOOTH: "门岗已致电确认",
    AnsweredVia.HOST: "被访人已同意",
    AnsweredVia.MANAGER: "主管已批准",
}


def _admit_and_open(req: GateRequest, actor: Actor, now: datetime) -> FlowResult:
    """Closing the loop (issue 14 §3): the person waits at a lane whose door Gatehouse opens, so
    the answer admits them at once. The decision is taken again with the answer (the event and
    the register rows written as when the guard admits by hand); if it allows, the lane's door
    gets ``DOOR_OPEN`` in this same transaction, its reason naming the event. The booth shows
    what became of the command; the guard has nothing left to press."""
    why = OPENED_BECAUSE.get(AnsweredVia(req.answered_via), "已确认")
    note = f"{why}，自动开门" + (f"：{req.answer_note}" if req.answer_note else "")
    result = _resolve(req, None, now, source=EventSource.SYSTEM, note=note)
    if result.decision.outcome is Outcome.ALLOW:
        open_for_request(
            lane=req.lane, request_id=req.pk, event=result.event, why=why, actor=actor, now=now
        )
    return result


def _record_answer(
    req: GateRequest,
    actor: Actor,
    granted: bool,
    via: str,
    now: datetime,
    note: str,
    host_home: bool | None,
) -> GateRequest:
    if req.status != RequestStatus.PENDING:
        raise DomainError("request.answered", "该请求已经处理过了", {"status": req.status})
    before = snapshot(req)
    req.status = RequestStatus.GRANTED if granted else RequestStatus.REFUSED
    req.answered_at = now
    req.answered_by = actor_or_none(actor)
    req.answered_via = via
    req.answer_note = clean_text(note, 200)
    if host_home is not None:
        req.host_home = host_home
    req.save()
    audit_record(
        action="request.answer", obj=req, actor=actor, before=before, after=snapshot(req), at=now
    )
    return req


def _answer_facts(req: GateRequest) -> dict[str, Any]:
    """The request's answer as the fact the core asks for."""
    answer: bool | None
    if req.status == RequestStatus.GRANTED:
        answer = True
    elif req.status in (RequestStatus.REFUSED, RequestStatus.EXPIRED):
        answer = False
    else:
        answer = None
    entrant = Entrant(req.entrant)
    if entrant in (Entrant.FORGOTTEN_CARD, Entrant.DECORATION_WORKER):
        return {"desk_confirmed": answer, "identity_matched": True}
    if entrant in (Entrant.STAFF_NO_BADGE, Entrant.TOUR, Entrant.STAFF_MIDSHIFT):
        return {"approval": answer}
    facts: dict[str, Any] = {"host_consent": answer}
    if entrant is Entrant.ELDERLY and answer:
        facts["host_home"] = req.host_home if req.host_home is not None else True
    if entrant is Entrant.SALESPERSON and answer:
        facts["destination_verified"] = True
    return facts


@transaction.atomic
def request_resolve(*, request: GateRequest, actor: Actor, now: datetime) -> FlowResult:
    """The guard acts on an answered request: the decision is taken again with the answer."""
    req = _lock_request(request)
    if req.status == RequestStatus.PENDING and now >= req.deadline:
        _expire(req, now)
        req.refresh_from_db()
    if req.status == RequestStatus.PENDING:
        raise DomainError("request.pending", "请求尚未答复，请稍候或联系服务中心")
    if req.closed_at is not None:
        raise DomainError("request.closed", "该请求已经办结")
    return _resolve(req, actor, now)


def _resolve(
    req: GateRequest,
    actor: Actor,
    now: datetime,
    *,
    source: str | None = None,
    note: str | None = None,
) -> FlowResult:
    visit = req.visit
    expired = req.status == RequestStatus.EXPIRED
    if source is None:
        source = EventSource.SYSTEM if expired else EventSource.CONSOLE
    if note is None:
        note = "超时未答复" if expired else req.answer_note
    result = gate_decide(
        GateInput(
            lane=req.lane,
            entrant=Entrant(req.entrant),
            direction=Direction(req.direction),
            person=req.person,
            visit=visit,
            pass_=visit.pass_ref if visit is not None else None,
            presented_kind="manual",
            health=_visit_health(visit) or _details_health(req.details),
            note=note,
            **_answer_facts(req),
        ),
        now=now,
        guard=actor,
        source=source,
    )
    req.closed_at = now
    req.save(update_fields=["closed_at"])
    return FlowResult(result.decision, result.event, visit, req)


def _visit_health(visit: Visit | None) -> HealthFacts | None:
    if visit is None or (
        visit.temperature is None and not visit.health_code and not visit.travel_code
    ):
        return None
    return HealthFacts(
        necessary=True,
        real_name=bool(visit.id_number_hash),
        temperature=visit.temperature,
        code=HealthCode(visit.health_code) if visit.health_code else None,
        travel=TravelCode(visit.travel_code) if visit.travel_code else None,
    )


def _health_details(health: HealthFacts | None) -> dict[str, Any]:
    if health is None:
        return {}
    return {
        "health": {
            "necessary": health.necessary,
            "real_name": health.real_name,
            "temperature": str(health.temperature) if health.temperature is not None else "",
            "code": health.code.value if health.code else "",
            "travel": health.travel.value if health.travel else "",
        }
    }


def _details_health(details: dict[str, Any]) -> HealthFacts | None:
    data = (details or {}).get("health")
    if not data:
        return None
    return HealthFacts(
        necessary=bool(data.get("necessary")),
        real_name=bool(data.get("real_name")),
        temperature=Decimal(data["temperature"]) if data.get("temperature") else None,
        code=HealthCode(data["code"]) if data.get("code") else None,
        travel=TravelCode(data["travel"]) if data.get("travel") else None,
    )


def _expire(req: GateRequest, now: datetime) -> None:
    req.status = RequestStatus.EXPIRED
    req.answered_at = now
    req.answered_via = AnsweredVia.SYSTEM
    req.save(update_fields=["status", "answered_at", "answered_via"])
    audit_record(action="request.expire", obj=req, after=snapshot(req), at=now)


def requests_expire(*, site: Site | None = None, now: datetime) -> int:
    """Refuse and record every request whose deadline has passed. Idempotent; returns how many.

    Runs on every read of the desk queue and the booth, and from ``manage.py expire_requests``.
    """
    due = GateRequest.objects.filter(status=RequestStatus.PENDING, deadline__lte=now)
    if site is not None:
        due = due.filter(site=site)
    count = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            req = (
                GateRequest.objects.select_for_update(of=("self",))
                .select_related("lane__gate__site", "visit", "person")
                .get(pk=pk)
            )
            if req.status != RequestStatus.PENDING:
                continue
            _expire(req, now)
            _resolve(req, None, now)
            count += 1
    return count


# -- leaving -------------------------------------------------------------------------------------


@transaction.atomic
def visit_leave(*, visit: Visit, lane: Lane, actor: Actor, now: datetime) -> FlowResult:
    """Mark a visitor as left: the time out closes their row of 来客进出登记表."""
    locked = Visit.objects.select_for_update().get(pk=visit.pk)
    if locked.status != VisitStatus.INSIDE:
        raise DomainError("visit.not_inside", "该来客不在场内，无需登记离开")
    if lane.direction != LaneDirection.OUT:
        raise InvalidInput("lane.direction", "请选择出口通道登记离开", {"field": "lane"})
    result = gate_decide(
        GateInput(
            lane=lane,
            entrant=Entrant(locked.kind),
            direction=Direction.OUT,
            visit=locked,
            presented_kind="manual",
        ),
        now=now,
        guard=actor,
    )
    return FlowResult(result.decision, result.event, locked, None)
