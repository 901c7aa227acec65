"""The one path of a vehicle decision (ARCHITECTURE: the path of a gate request), like
:func:`gatehouse.gate.decide.gate_decide` for people: load the facts as plain values, ask the
core (:func:`gatehouse.core.vehicle.decide_vehicle`), then in one transaction write the event,
open or close the parking session, the register row and the notices the decision requires.

Plate cameras, the generic device API and the guard's vehicle booth all come through
:func:`vehicle_decide`; the fee at the exit is settled by :func:`session_pay`.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from gatehouse.access.models import (
    VEHICLE_ENTRANT,
    AccessEvent,
    EventSource,
    Notice,
    NoticeAudience,
)
from gatehouse.audit.services import audit_record
from gatehouse.core import tariff as core_tariff
from gatehouse.core import vehicle as core
from gatehouse.core.access import (
    POLICY_INVALID_MESSAGE,
    CredentialStatus,
    Decision,
    Direction,
    Duty,
    LaneKind,
    Outcome,
    PolicyInvalid,
    Register,
    refuse_invalid_policy,
)
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_card_number, parse_plate
from gatehouse.core.ledger import PaymentMethod, format_fen
from gatehouse.core.masking import mask_card
from gatehouse.devices import outbox
from gatehouse.devices.models import CommandKind, Device, DeviceKind
from gatehouse.gate import chain, rows
from gatehouse.gate.decide import new_event
from gatehouse.gate.duties import notice
from gatehouse.gate.facts import Guard, signed_in
from gatehouse.gate.reads import barrier_card
from gatehouse.goods import services as goods_services
from gatehouse.ops.observe import observed_decision
from gatehouse.people.models import PersonKind
from gatehouse.sites.models import Lane, Site
from gatehouse.vehicles.lookups import PlateLookup, plate_lookup
from gatehouse.vehicles.models import (
    ParkingSession,
    SessionAnomaly,
    SessionStatus,
    VehicleSettings,
    VehicleVisit,
    VehicleVisitStatus,
)

STAFF_KINDS = {PersonKind.EMPLOYEE, PersonKind.PROPERTY_STAFF, PersonKind.GUARD}
PASS_KINDS = {
    "owner": (core.VehicleKind.RESIDENT, core.VehiclePassKind.RESIDENT),
    "tenant": (core.VehicleKind.RESIDENT, core.VehiclePassKind.RESIDENT),
    "monthly": (core.VehicleKind.MONTHLY, core.VehiclePassKind.RESIDENT),
    "staff": (core.VehicleKind.STAFF, core.VehiclePassKind.RESIDENT),
}
PASS_STATUS = {
    "active": CredentialStatus.ACTIVE,
    "revoked": CredentialStatus.REVOKED,
    "lost": CredentialStatus.LOST,
    "replaced": CredentialStatus.REVOKED,
    "returned": CredentialStatus.REVOKED,
}


@dataclass
class VehicleInput:
    """What stands at the barrier, as a camera, a card reader or the guard presents it.

    ``kind`` is set by the guard's guided flows (a delivery, an emergency vehicle, a visitor, a
    taxi); a camera or reader leaves it to the lookups: a registered plate or pass, a card."""

    lane: Lane
    plate: str = ""  # as read; normalised here
    card_number: str = ""
    kind: core.VehicleKind | None = None
    card_forgotten: bool = False
    errand: core.Errand | None = None
    service: core.PublicService | None = None
    verified: bool | None = None
    host_consent: bool | None = None
    approval: bool | None = None
    body: core.Body = core.Body.CAR
    hazardous_cargo: bool = False
    faulty: bool = False
    leaking: bool = False
    insured: bool | None = None
    environmental_label: bool | None = None
    large_items: bool = False
    exit_slip_ok: bool | None = None
    # V-12: the 《大件物品出入单》 scanned (its QR) or typed (its number) at the exit
    large_item_form: str = ""
    register: dict[str, str] = field(default_factory=dict)  # driver, phone, purpose, …
    note: str = ""
    # 无牌车: no plate, or one the camera could not read (V-09); ``description`` is what the
    # guard sees instead (colour, make, driver).
    no_plate: bool = False
    description: str = ""


@dataclass(frozen=True)
class VehicleResult:
    decision: Decision
    event: AccessEvent
    plate: str
    session: ParkingSession | None = None
    visit: VehicleVisit | None = None

    @property
    def fee(self) -> core.FeeDue | None:
        return core.fee_due(self.decision)


def settings_of(site: Site) -> VehicleSettings:
    found = VehicleSettings.objects.filter(site=site).first()
    return found if found is not None else VehicleSettings(site=site)


def _posted_tariff(site: Site, lane: Lane | None, at: datetime) -> Any:
    """The stored table of the tariff in force at ``lane``'s garage (or the site's) at ``at``,
    as stored; None while nothing has been posted (the core's default applies)."""
    from gatehouse.parking.selectors import tariff_plan_in_force

    plan = tariff_plan_in_force(site, lane.garage if lane is not None else None, at)
    return plan.table if plan is not None else None


def policy_of(
    site: Site, lane: Lane | None, at: datetime, conf: VehicleSettings | None = None
) -> core.VehiclePolicy:
    """The site's vehicle policy; the tariffs in force at ``lane``'s garage (or the site's) at
    ``at``. ``conf``: the site's settings when the caller has them already. Raises
    ``policy.invalid`` (a configuration the core cannot read) for callers that are not a gate."""
    policy = site_policy(site, lane, at, conf)
    if isinstance(policy, PolicyInvalid):
        raise _invalid(policy)
    return policy


def site_policy(
    site: Site, lane: Lane | None, at: datetime, conf: VehicleSettings | None = None
) -> core.VehiclePolicy | PolicyInvalid:
    """The site's vehicle policy as the core reads it from the stored values."""
    conf = conf or settings_of(site)
    return core.vehicle_policy(
        site_kind=site.kind,
        passes_required=conf.passes_required,
        delivery_minutes=conf.delivery_minutes,
        taxi_minutes=conf.taxi_minutes,
        visitor_leave_by=conf.visitor_leave_by,
        tariff=_posted_tariff(site, lane, at),
    )


def _invalid(invalid: PolicyInvalid) -> DomainError:
    return DomainError(
        "policy.invalid", POLICY_INVALID_MESSAGE, {"problems": list(invalid.problems)}
    )


def gate_policy_of(
    lane: Lane, at: datetime, conf: VehicleSettings
) -> core.VehicleGatePolicy | PolicyInvalid:
    """The vehicle gate's policy at ``lane``, read by the core from the stored values as they
    are (the site, the lane, the vehicle settings, the posted tariff); a row it cannot read
    comes back as :class:`PolicyInvalid` and the barrier stays down."""
    site = lane.gate.site
    table = _posted_tariff(site, lane, at)
    return gate_policy_with(lane, conf, None if table is None else json.dumps(table))


def gate_policy_with(
    lane: Lane, conf: VehicleSettings, tariff: str | None
) -> core.VehicleGatePolicy | PolicyInvalid:
    """:func:`gate_policy_of` with the posted tariff's table given as its JSON text (None:
    nothing posted), as :func:`gatehouse.vehicles.lookups.plate_lookup` finds it. The core's
    reading is cached by its inputs: the same stored values always read the same (a posted
    tariff is never edited, a new one is a new text)."""
    site = lane.gate.site
    values = (
        site.mode,
        site.kind,
        lane.kind,
        lane.direction,
        lane.gate.open_when_tightened,
        conf.charging_started,
        conf.passes_required,
        conf.delivery_minutes,
        conf.taxi_minutes,
        conf.exit_grace_minutes,
        conf.visitor_leave_by,
        tariff,
    )
    try:
        return _read_gate_policy(*values)
    except TypeError:  # a stored value that cannot be a cache key: read it uncached
        return _read_gate_policy.__wrapped__(*values)


@functools.lru_cache(maxsize=1024)
def _read_gate_policy(
    mode: Any,
    site_kind: Any,
    lane_kind: Any,
    lane_direction: Any,
    open_when_tightened: Any,
    charging_started: Any,
    passes_required: Any,
    delivery_minutes: Any,
    taxi_minutes: Any,
    exit_grace_minutes: Any,
    visitor_leave_by: Any,
    tariff: str | None,
) -> core.VehicleGatePolicy | PolicyInvalid:
    try:
        table = None if tariff is None else json.loads(tariff)
    except ValueError:
        table = tariff  # not JSON: the core names it as a problem
    return core.vehicle_gate_policy(
        mode=mode,
        site_kind=site_kind,
        lane_kind=lane_kind,
        lane_direction=lane_direction,
        open_when_tightened=open_when_tightened,
        charging_started=charging_started,
        passes_required=passes_required,
        delivery_minutes=delivery_minutes,
        taxi_minutes=taxi_minutes,
        exit_grace_minutes=exit_grace_minutes,
        visitor_leave_by=visitor_leave_by,
        tariff=table,
    )


def normalise_plate(raw: str) -> str:
    """The plate in its canonical form; ``plate.*`` (422) when it is not a plate."""
    return parse_plate(raw).number


#: What stands for "no plate" where a plate is asked for: the guard's 无牌, a camera's ``_无_``.
NO_PLATE_WORDS = frozenset({"无牌", "无牌车", "_无_", "无"})
#: How a vehicle without a (readable) plate is shown in the event and the register.
NO_PLATE = "无牌"


def is_no_plate(raw: str) -> bool:
    return raw.strip() in NO_PLATE_WORDS


def readable_plate(raw: str) -> bool:
    """Whether a camera's result is a plate (not ``_无_``, not a garbled read)."""
    if is_no_plate(raw):
        return False
    try:
        parse_plate(raw)
    except InvalidInput:
        return False
    return True


def open_session(site: Site, plate: str) -> ParkingSession | None:
    return (
        ParkingSession.objects.filter(site=site, plate=plate, status=SessionStatus.OPEN)
        .order_by("-pk")
        .first()
    )


def _kind_of(person: Any) -> core.VehicleKind:
    return core.VehicleKind.STAFF if person.kind in STAFF_KINDS else core.VehicleKind.RESIDENT


def vehicle_facts(
    inp: VehicleInput,
    site: Site,
    plate: str,
    config: core.VehicleGatePolicy,
    found: PlateLookup,
    exit_form: core.ExitForm | None = None,
) -> tuple[core.VehicleFacts, ParkingSession | None]:
    """The facts of the vehicle at the lane: its plate, card, pass and open stay, from what
    :func:`gatehouse.vehicles.lookups.plate_lookup` found (and the card, when one was read)."""
    direction = config.lane.direction
    card, holder = barrier_card(site, inp.card_number) if inp.card_number else (None, None)
    registered_to = found.holder if plate else None
    known, registered_owner = (
        found.registered() if plate and registered_to is None else (registered_to is not None, None)
    )
    vpass = found.vpass if plate else None
    kind = inp.kind
    pass_facts = None
    if vpass is not None:
        pass_kind, facts_kind = PASS_KINDS.get(
            vpass.kind, (core.VehicleKind.RESIDENT, core.VehiclePassKind.RESIDENT)
        )
        pass_facts = core.VehiclePassFacts(
            kind=facts_kind,
            status=PASS_STATUS.get(vpass.status, CredentialStatus.REVOKED),
            valid_from=vpass.valid_from,
            valid_until=vpass.valid_until,
        )
        kind = kind or pass_kind
    person = holder or registered_to or registered_owner
    if kind is None and person is not None:
        kind = _kind_of(person)
    if kind is None and known and registered_to is None and registered_owner is None:
        kind = core.VehicleKind.STAFF  # an enterprise's fleet car (V-04)
    session = found.session if plate else None
    if kind is None and session is not None and direction is Direction.OUT:
        kind = core.VehicleKind(session.kind)
    if kind is None and config.lane.kind is LaneKind.GARAGE and not inp.no_plate:
        # An unknown car at a garage barrier parks as a temporary car, its plate the ticket.
        kind = core.VehicleKind.TEMPORARY
        card = card or core.CardFacts(kind=core.VehicleCard.TEMPORARY_CARD)
    kind = kind or core.VehicleKind.OTHER
    session_facts = None
    if session is not None and session.entered_at is not None:
        session_facts = core.SessionFacts(
            entered_at=session.entered_at,
            kind=core.VehicleKind(session.kind),
            ref=str(session.pk),
            plate=plate,
        )
    facts = core.VehicleFacts(
        lane=config.lane,
        direction=direction,
        kind=kind,
        mode=config.mode,
        charging_started=config.charging_started,
        plate=plate or None,
        plate_registered=known or (vpass is not None and vpass.kind == "monthly"),
        card=card,
        card_forgotten=inp.card_forgotten,
        pass_=pass_facts,
        registration=core.RegistrationFacts(
            # rule V-09: 无牌无证 — a vehicle without a plate is unlicensed
            licensed=False if inp.no_plate else None,
            insured=inp.insured,
            environmental_label=inp.environmental_label,
        ),
        observed=core.Observation(
            body=inp.body,
            hazardous_cargo=inp.hazardous_cargo,
            faulty=inp.faulty,
            leaking=inp.leaking,
        ),
        errand=inp.errand,
        service=inp.service,
        verified=inp.verified,
        host_consent=inp.host_consent,
        approval=inp.approval,
        session=session_facts,
        paid_fen=session.paid_fen if session is not None else 0,
        large_items=inp.large_items,
        exit_slip_ok=inp.exit_slip_ok,
        exit_form=exit_form,
    )
    return facts, session


def _obligation_json(o: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"duty": o.duty.value}
    if o.register is not None:
        out["register"] = o.register.value
    if o.minutes is not None:
        out["minutes"] = o.minutes
    if o.note:
        out["note"] = o.note
    if isinstance(o, core.FeeDue):
        out["amount_fen"] = o.amount
    return out


def vehicle_decide(
    inp: VehicleInput,
    *,
    now: datetime,
    at: datetime | None = None,
    device: Device | None = None,
    guard: Guard = None,
    source: str = str(EventSource.CONSOLE),
) -> VehicleResult:
    """Decide for one vehicle at one lane and record everything the decision requires.

    ``at`` is when the camera saw the vehicle (a result replayed after an outage); the rules and
    the fee are judged at that moment, ``now`` is when the server records it."""
    when = at or now
    lane = inp.lane
    site = lane.gate.site
    no_plate = inp.no_plate or is_no_plate(inp.plate)
    if no_plate:
        inp = replace(inp, no_plate=True, plate="")
    plate = normalise_plate(inp.plate) if inp.plate.strip() else ""
    if not plate and not inp.card_number and not no_plate:
        raise DomainError(
            "vehicle.unidentified", "请输入车牌号码或刷卡；无牌车请选择“无牌车”", {"field": "plate"}
        )
    description = inp.description.strip()[:150]
    note = inp.note
    if no_plate:
        description = description or "未能识别车牌"
        inp = replace(inp, description=description)
        note = f"无牌车：{description} {note}".strip()
    form_slip = _exit_form(inp, site, now) if inp.large_items else None
    exit_form = _exit_form_facts(form_slip) if form_slip is not None else None
    if form_slip is not None:
        note = f"大件物品出入单{form_slip.number} {note}".strip()
    found = plate_lookup(site_id=site.pk, plate=plate, at=when, garage_id=lane.garage_id)
    conf = found.settings or VehicleSettings(site=site)
    config = gate_policy_with(lane, conf, found.tariff)
    session: ParkingSession | None = None
    if isinstance(config, PolicyInvalid):
        # Deny and tell: the barrier stays down, the monitoring centre learns what is wrong.
        decision = refuse_invalid_policy(config)
        direction, kind = config.direction, inp.kind or core.VehicleKind.OTHER
        facts = None
        note = f"{note} 配置问题：{config.describe()}".strip()
    else:
        facts, session = vehicle_facts(inp, site, plate, config, found, exit_form)
        judged = _judged_at(session, facts, config.exit_grace_minutes, when)
        decision = core.decide_vehicle(facts, config.policy, judged)
        direction, kind = facts.direction, facts.kind
    observed_decision(site.pk, lane.gate_id, source, decision.outcome.value, decision.reason)
    shown = NO_PLATE if no_plate else plate
    actor = signed_in(guard)
    with transaction.atomic():
        event = new_event(
            lane=lane,
            decision=decision,
            direction=direction,
            when=when,
            now=now,
            source=source,
            device=device,
            guard=actor,
            obligations=[_obligation_json(o) for o in decision.obligations],
            note=note,
            entrant=VEHICLE_ENTRANT,
            vehicle_kind=kind.value,
            plate=shown,
            credential_kind="card" if inp.card_number else ("plate" if shown else ""),
            credential_masked=mask_card(parse_card_number(inp.card_number))
            if inp.card_number
            else "",
            subject=shown,
        )
        chain.insert(event)  # sealed into the site's chain
        visit = None
        if facts is not None:
            session = _pair(decision, event, facts, session, site, lane, plate, when)
            visit = _register(decision, event, inp, facts, shown, when, actor, found.inside)
        if form_slip is not None and decision.outcome is Outcome.ALLOW:
            # rule V-12: the form leaves with the vehicle, used up, once
            goods_services.exit_form_use(slip=form_slip, guard=actor, now=now)
        label = f"{NO_PLATE}（{description}）" if no_plate and description else shown
        _notify(decision, event, site, lane, label, inp, when)
    return VehicleResult(decision, event, shown, session, visit)


def _exit_form(inp: VehicleInput, site: Site, now: datetime) -> Any:
    """The 《大件物品出入单》 shown (V-12), or None when none was scanned or typed; an unknown
    number, another site's, one not issued or a goods slip is refused (422, nothing written)."""
    code = inp.large_item_form.strip()
    if not code:
        return None
    return goods_services.find_exit_form(site, code, now=now)


def _exit_form_facts(slip: Any) -> core.ExitForm:
    facts = goods_services.exit_form_facts(slip)
    return core.ExitForm(**(facts | {"status": core.FormStatus(facts["status"])}))


def _judged_at(
    session: ParkingSession | None,
    facts: core.VehicleFacts,
    grace_minutes: int,
    when: datetime,
) -> datetime:
    """The moment a leaving car's fee is judged at: when it paid, if it leaves within the
    site's grace after paying (the usual 缴费后15分钟内出场), else now."""
    if facts.direction is not Direction.OUT or session is None or session.paid_at is None:
        return when
    grace = timedelta(minutes=grace_minutes)
    return session.paid_at if session.paid_at <= when <= session.paid_at + grace else when


def _pair(
    decision: Decision,
    event: AccessEvent,
    facts: core.VehicleFacts,
    session: ParkingSession | None,
    site: Site,
    lane: Lane,
    plate: str,
    when: datetime,
) -> ParkingSession | None:
    """Open the stay on an allowed entry, close it on an allowed exit (V-07); a second entry
    without an exit, or an exit without an entry, is recorded as an anomaly and told to the
    monitoring centre."""
    if decision.outcome is not Outcome.ALLOW or not plate:
        return session
    open_facts = facts.session
    check = core.check_pairing(direction=facts.direction, open_session=open_facts)
    if facts.direction is Direction.IN:
        if session is not None:
            session.status = SessionStatus.CLOSED
            session.anomaly = SessionAnomaly.SECOND_ENTRY
            session.save(update_fields=["status", "anomaly"])
        if check.anomaly:
            _anomaly_notice(site, lane, plate, check.reason, check.message, event, when)
        return rows.insert(
            ParkingSession(
                site=site,
                garage_id=lane.garage_id,
                plate=plate,
                kind=facts.kind.value,
                entered_at=when,
                entry_event=event,
            )
        )
    fee = core.fee_due(decision)
    if session is None:
        _anomaly_notice(site, lane, plate, check.reason, check.message, event, when)
        return rows.insert(
            ParkingSession(
                site=site,
                garage_id=lane.garage_id,
                plate=plate,
                kind=facts.kind.value,
                exited_at=when,
                exit_event=event,
                status=SessionStatus.CLOSED,
                anomaly=SessionAnomaly.EXIT_WITHOUT_ENTRY,
            )
        )
    session.status = SessionStatus.CLOSED
    session.exited_at = when
    session.exit_event = event
    if fee is None and facts.session is not None:
        session.fee_fen = max(session.fee_fen, session.paid_fen)
    rows.update(session, ["status", "exited_at", "exit_event", "fee_fen"])
    return session


def _anomaly_notice(
    site: Site, lane: Lane, plate: str, kind: str, message: str, event: AccessEvent, when: datetime
) -> None:
    notice(
        site=site,
        audience=str(NoticeAudience.MONITORING),
        kind=kind,
        message=f"{lane.gate.name}·{lane.name}：{plate} {message}",
        event=event,
        when=when,
    )


def _register(
    decision: Decision,
    event: AccessEvent,
    inp: VehicleInput,
    facts: core.VehicleFacts,
    plate: str,
    when: datetime,
    actor: Any,
    still_inside: VehicleVisit | None,
) -> VehicleVisit | None:
    """Write (on the way in) or close (on the way out) the register row the decision names;
    ``still_inside``: the plate's newest register row still inside, as looked up for the
    decision."""
    registers = decision.registers()
    wanted = next((r for r in (Register.VEHICLE, Register.OWN_VEHICLE) if r in registers), None)
    if facts.direction is Direction.OUT:
        row = still_inside
        if row is not None and decision.allowed:
            row.status = VehicleVisitStatus.LEFT
            row.time_out = when
            row.lane_out = inp.lane
            row.inspected = decision.has(Duty.INSPECT_ON_EXIT) or row.inspected
            row.save(update_fields=["status", "time_out", "lane_out", "inspected"])
            return row
        if wanted is None:
            return row
    if wanted is None:
        return None
    data = inp.register
    limit = next(
        (o.minutes for o in decision.obligations if o.duty is Duty.TIME_LIMIT and o.minutes),
        None,
    )
    status = {
        Outcome.ALLOW: VehicleVisitStatus.INSIDE,
        Outcome.REFUSE: VehicleVisitStatus.REFUSED,
        Outcome.PENDING: VehicleVisitStatus.WAITING,
    }[decision.outcome]
    inside = decision.allowed and facts.direction is Direction.IN
    return VehicleVisit.objects.create(
        site=inp.lane.gate.site,
        register=wanted.value,
        plate=plate,
        kind=facts.kind.value,
        errand=facts.errand.value if facts.errand else "",
        service=facts.service.value if facts.service else "",
        driver=data.get("driver", "")[:50],
        phone_masked=data.get("phone_masked", "")[:20],
        company=data.get("company", "")[:100],
        purpose=data.get("purpose", "")[:200],
        destination=data.get("destination", "")[:100],
        occupants=data.get("occupants", "")[:200],
        description=inp.description.strip()[:200],
        temp_pass=data.get("temp_pass", "")[:20],
        status=status if facts.direction is Direction.IN else VehicleVisitStatus.LEFT,
        outcome_reason=decision.reason,
        time_in=when if inside else None,
        time_out=when if facts.direction is Direction.OUT and decision.allowed else None,
        time_limit_at=when + timedelta(minutes=limit) if (inside and limit) else None,
        lane_in=inp.lane if facts.direction is Direction.IN else None,
        lane_out=inp.lane if facts.direction is Direction.OUT else None,
        registered_at=when,
        registered_by=actor,
    )


#: Who a vehicle decision's notice duty tells (the notices the vehicle gate writes itself).
NOTICE_AUDIENCES: dict[Duty, str] = {
    Duty.NOTIFY_MONITORING: str(NoticeAudience.MONITORING),
    Duty.NOTIFY_PATROL: str(NoticeAudience.PATROL),
    Duty.NOTIFY_DEPARTMENT: str(NoticeAudience.DESK),
    Duty.NOTIFY_DESK: str(NoticeAudience.DESK),
}


def _notify(
    decision: Decision,
    event: AccessEvent,
    site: Site,
    lane: Lane,
    plate: str,
    inp: VehicleInput,
    when: datetime,
) -> None:
    where = f"{lane.gate.name}·{lane.name}"
    for ob in decision.obligations:
        audience = NOTICE_AUDIENCES.get(ob.duty)
        if audience is None:
            continue
        target = inp.register.get("destination", "")
        extra = f"（{target}）" if ob.duty is Duty.NOTIFY_DEPARTMENT and target else ""
        if ob.duty is Duty.NOTIFY_MONITORING and ob.note:
            extra = f"（{ob.note}）"
        notice(
            site=site,
            audience=audience,
            kind=decision.reason,
            message=f"{where}：{plate} {decision.message}{extra}",
            event=event,
            when=when,
        )


# --------------------------------------------------------------------------------------------
# Paying at the exit (V-07, PK-01, PK-02, PK-07)
# --------------------------------------------------------------------------------------------


def fee_now(session: ParkingSession, lane: Lane, now: datetime) -> core_tariff.Charge:
    """What the stay costs if the car leaves now (the posted tariff of its class)."""
    config = gate_policy_of(lane, now, settings_of(lane.gate.site))
    if isinstance(config, PolicyInvalid):
        raise _invalid(config)
    policy = config.policy
    facts = core.SessionFacts(
        entered_at=session.entered_at or now, kind=core.VehicleKind(session.kind)
    )
    probe = core.VehicleFacts(
        lane=config.lane,
        direction=Direction.OUT,
        kind=core.VehicleKind(session.kind),
        session=facts,
    )
    cls = core.charged_class(probe) or core_tariff.VehicleClass.TEMPORARY
    return core_tariff.fee_for_class(policy.tariffs, cls, entered_at=facts.entered_at, left_at=now)


@transaction.atomic
def session_pay(
    *, session: ParkingSession, lane: Lane, method: str, guard: Any, now: datetime
) -> int:
    """Collect what the stay owes now (cash, QR or card, as the guard records it) and post it to
    the ledger; returns the fen collected. The lane's cameras and barriers are told to lift (on
    their next heartbeat), and the next decision at the exit opens it too.

    Codes: ``payment.method`` (422), ``session.closed`` (409), ``session.nothing_due`` (409)."""
    from gatehouse.parking.services import ledger_post

    try:
        paid_by = PaymentMethod(method)
    except ValueError:
        raise DomainError(
            "payment.method", "收费方式应为现金、扫码或刷卡", {"field": "method"}
        ) from None
    locked = ParkingSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != SessionStatus.OPEN:
        raise DomainError("session.closed", "该车辆已离场，无需再收费")
    charge = fee_now(locked, lane, now)
    due = charge.amount - locked.paid_fen
    if due <= 0:
        raise DomainError("session.nothing_due", "停车费已缴清，无需再收费")
    already = locked.paid_fen
    # The posting covers what is still owed: the charge less what was paid before.
    partial = replace(charge, amount=due) if already else charge
    txn = core_tariff.exit_payment_postings(partial, party=locked.plate, method=paid_by, at=now)
    if txn is not None:
        ledger_post(site=locked.site, txn=txn, actor=guard, ref=f"parking_session:{locked.pk}")
    locked.paid_fen = already + due
    locked.fee_fen = charge.amount
    locked.paid_at = now
    locked.save(update_fields=["paid_fen", "fee_fen", "paid_at"])
    audit_record(
        action="parking.pay",
        obj=locked,
        actor=guard,
        before={"paid_fen": already},
        after={"paid_fen": locked.paid_fen, "method": paid_by.value},
        at=now,
    )
    lift_for_payment(session=locked, lane=lane, paid_fen=due, now=now, actor=guard)
    session.paid_fen, session.fee_fen, session.paid_at = (
        locked.paid_fen,
        locked.fee_fen,
        locked.paid_at,
    )
    return due


def lift_for_payment(
    *, session: ParkingSession, lane: Lane, paid_fen: int, now: datetime, actor: Any
) -> int:
    """Queue a barrier lift, with the LED text and voice, for the plate cameras and barriers of
    ``lane`` (the exit where the car waits): a camera's next heartbeat lifts it (issue 14 §3).
    Runs in the payment's transaction: no payment, no lift. Returns the commands queued."""
    paid = fee_text(paid_fen)
    commands = outbox.enqueue_lane(
        lane=lane,
        kind=CommandKind.BARRIER_LIFT,
        now=now,
        kinds=[DeviceKind.PLATE_CAMERA, DeviceKind.BARRIER],
        payload={
            "text": [session.plate, f"已缴费{paid}", "一路顺风"],
            "voice": f"已缴费{paid}，一路顺风",
        },
        reason=f"停车费已缴 parking_session:{session.pk}",
        actor=actor,
    )
    return len(commands)


def fee_text(fen: int) -> str:
    return format_fen(fen, symbol=True)


# --------------------------------------------------------------------------------------------
# Dwell alerts and occupancy (V-03, V-11)
# --------------------------------------------------------------------------------------------


def dwell_scan(*, site: Site, now: datetime) -> list[Notice]:
    """Raise a monitoring notice for every open stay past its limit (a taxi not gone, a delivery
    over its hour, a visitor vehicle still in overnight); one notice per stay and alert kind, so
    running the scan again raises nothing new. A site whose vehicle policy cannot be read gets
    one open ``policy.invalid`` notice instead (the scan goes on with the other sites)."""
    policy = site_policy(site, None, now)
    if isinstance(policy, PolicyInvalid):
        with transaction.atomic():
            if Notice.objects.filter(
                site=site, kind="policy.invalid", object_ref="vehicle_policy"
            ).exists():
                return []
            return [
                Notice.objects.create(
                    site=site,
                    audience=NoticeAudience.MONITORING,
                    kind="policy.invalid",
                    message=f"{POLICY_INVALID_MESSAGE}（{policy.describe()}）"[:300],
                    object_ref="vehicle_policy",
                    created_at=now,
                )
            ]
    open_rows = list(
        ParkingSession.objects.filter(
            site=site, status=SessionStatus.OPEN, entered_at__isnull=False
        ).order_by("entered_at")
    )
    sessions = [
        core.SessionFacts(
            entered_at=s.entered_at,  # type: ignore[arg-type]
            kind=core.VehicleKind(s.kind),
            ref=str(s.pk),
            plate=s.plate,
        )
        for s in open_rows
    ]
    raised = []
    with transaction.atomic():
        for alert in core.dwell_alerts(sessions, policy, now):
            object_ref = f"parking_session:{alert.session.ref}"
            if Notice.objects.filter(site=site, kind=alert.reason, object_ref=object_ref).exists():
                continue
            raised.append(
                Notice.objects.create(
                    site=site,
                    audience=NoticeAudience.MONITORING,
                    kind=alert.reason,
                    message=f"{alert.session.plate}：{alert.message}",
                    object_ref=object_ref,
                    created_at=now,
                )
            )
    return raised


def dwell_scan_all(*, now: datetime) -> int:
    """:func:`dwell_scan` for every active site; the number of new alerts (the device worker's
    periodic round and ``manage.py vehicle_alerts``)."""
    return sum(
        len(dwell_scan(site=site, now=now))
        for site in Site.objects.filter(is_active=True).order_by("pk")
    )


def occupancy(site: Site) -> list[dict[str, Any]]:
    """Cars inside now, per garage (and on the ground), with the spaces each garage has."""
    from django.db.models import Count

    counts = dict(
        ParkingSession.objects.filter(site=site, status=SessionStatus.OPEN)
        .values_list("garage")
        .annotate(n=Count("id"))
        .values_list("garage", "n")
    )
    out = []
    # the spaces counted with the garages: two statements, however many garages (issue 14)
    for garage in site.garages.annotate(space_count=Count("spaces")).order_by("code"):
        out.append(
            {
                "garage": garage,
                "inside": counts.get(garage.pk, 0),
                "spaces": garage.space_count,
            }
        )
    out.append({"garage": None, "inside": counts.get(None, 0), "spaces": None})
    return out
