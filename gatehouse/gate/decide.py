"""The one path of a people gate decision (ARCHITECTURE: the path of a gate request): load the
facts, ask the core, write the event, the register rows and the notices the decision requires,
in one transaction. Devices and the guard's console both come through :func:`gate_decide`; a raw
read at a lane comes through :func:`gate_read`, a device's request through
:func:`device_decide` (once per nonce)."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F

from gatehouse.access.models import AccessEvent, EventSource
from gatehouse.campus.models import LeavePass
from gatehouse.core.access import (
    Decision,
    Direction,
    Duty,
    Facts,
    HealthFacts,
    Obligation,
    Policy,
    PolicyInvalid,
    Register,
    decide,
    refuse_invalid_policy,
)
from gatehouse.core.masking import mask_name
from gatehouse.devices.models import Device
from gatehouse.devices.sync import sync_code
from gatehouse.gate import chain, rows
from gatehouse.gate.duties import Written, moves, write_outcome
from gatehouse.gate.facts import (
    GateInput,
    GateResult,
    Guard,
    gate_policy_of,
    invitation_facts,
    leave_pass_to_use,
    load_facts,
    signed_in,
)
from gatehouse.gate.nonce import Decided, DeviceAnswer, answer_once, decision_json, one_statement
from gatehouse.gate.reads import check_read_time, device_lane, read_input
from gatehouse.ops.observe import observed_decision
from gatehouse.people.models import Person
from gatehouse.sites.models import Lane, Site
from gatehouse.visitors.models import Invitation, Visit, VisitStatus


def gate_read(
    *,
    lane: Lane,
    kind: str,
    value: str,
    now: datetime,
    at: datetime | None = None,
    device: Device | None = None,
    guard: Guard = None,
    source: str = str(EventSource.DEVICE),
    health: HealthFacts | None = None,
) -> GateResult:
    """Decide for the person whose ``kind`` read gave ``value`` at ``lane`` and record it.

    ``at`` is when the read happened (a device replaying reads after an outage): the credential,
    the QR code and the rules are judged at that moment. Malformed values, forged, expired or
    foreign QR codes raise :class:`InvalidInput` and nothing is written; an unknown card is not
    an error but a refusal (``credential.unknown``, P-11) recorded like any other.
    """
    inp = read_input(lane=lane, kind=kind, value=value, when=at or now, health=health)
    return gate_decide(inp, now=now, at=at, device=device, guard=guard, source=source)


def gate_decide(
    inp: GateInput,
    *,
    now: datetime,
    at: datetime | None = None,
    device: Device | None = None,
    guard: Guard = None,
    source: str = str(EventSource.CONSOLE),
    defer: bool = False,
) -> GateResult:
    """Decide for one person at one lane and record everything the decision requires.

    ``at`` is when the read happened (a device replaying reads after an outage); the rules are
    judged at that moment. ``now`` is when the server records it.

    ``defer``: when the decision needs nothing written but its event and the holder's presence
    (a card allowed or refused with no notice, visit or register to write — most reads), the
    event is returned unsaved with the presence to record, for the caller to write together
    with its own row in one statement (:func:`gatehouse.gate.nonce.answer_once`)."""
    when = at or now
    lane = inp.lane
    site = lane.gate.site
    config = gate_policy_of(lane)
    # Part of the caller's transaction when there is one (a device's nonce, a desk's answer):
    # no savepoint, as nothing here is retried on its own.
    with transaction.atomic(savepoint=False):
        if isinstance(config, PolicyInvalid):
            # Deny and tell: nothing is guessed from a row that cannot be read.
            policy = Policy()
            decision = refuse_invalid_policy(config)
            direction = inp.direction or config.direction
            note = f"{inp.note} 配置问题：{config.describe()}".strip()
        else:
            policy = config.policy
            facts = load_facts(inp, site, config, when)
            decision = decide(facts, policy, when)
            direction = facts.direction
            note = inp.note
        if (
            decision.allowed
            and inp.invitation is not None
            and direction is Direction.IN
            and not consume_invitation(inp.invitation, now)
        ):
            decision = decide(replace_invitation(facts, inp.invitation), policy, when)
        used_pass = None
        if decision.has(Duty.USE_LEAVE_PASS):  # T3-01: the pass is used once, by one lane
            used_pass = consume_leave_pass(inp.subject(), when, now)
            if used_pass is None:
                decision = decide(replace_leave_pass(facts), policy, when)
        observed_decision(site.pk, lane.gate_id, source, decision.outcome.value, decision.reason)
        person = inp.subject()
        visit = visit_for(inp, decision, site, guard, when)
        event = new_event(
            lane=lane,
            decision=decision,
            direction=direction,
            when=when,
            now=now,
            source=source,
            device=device,
            guard=guard,
            obligations=[obligation_json(o) for o in decision.obligations],
            note=note,
            entrant=inp.entrant.value,
            credential_kind=inp.presented_kind or (inp.credential.kind if inp.credential else ""),
            credential_masked=inp.presented_masked,
            credential=inp.credential,
            person=person,
            visit=visit,
            subject=_subject_name(inp, person),
        )
        if defer and visit is None and inp.invitation is None and not decision.obligations:
            moved = moves(decision, event, inp, person)
            presence = (person.pk, moved) if moved is not None and person is not None else None
            return GateResult(decision, event, None, presence)
        chain.insert(event)  # sealed into the site's chain (gatehouse.gate.chain)
        write_outcome(Written(decision, event, inp, person, visit, site, when, guard))
        if used_pass is not None:
            LeavePass.objects.filter(pk=used_pass.pk).update(used_event=event)
    return GateResult(decision, event, visit)


def gate_judge(inp: GateInput, *, at: datetime) -> Decision:
    """What the gate would decide for ``inp`` at ``at``, without writing anything (a terminal's
    own decision is compared with it, :mod:`gatehouse.core.terminal`)."""
    config = gate_policy_of(inp.lane)
    if isinstance(config, PolicyInvalid):
        return refuse_invalid_policy(config)
    facts = load_facts(inp, inp.lane.gate.site, config, at)
    return decide(facts, config.policy, at)


def gate_record(
    inp: GateInput,
    decision: Decision,
    *,
    now: datetime,
    at: datetime,
    device: Device | None,
    source: str = str(EventSource.DEVICE),
    visit: Visit | None = None,
) -> GateResult:
    """Record a decision taken at the lane by a device that decides alone (a terminal with its
    own list) as the gate records its own: the event sealed into the chain, the holder's
    presence and the obligations' writers (a notice to the monitoring centre ...). ``visit``:
    the visitor-register row the passage belongs to (:func:`visit_for`), updated with it."""
    lane = inp.lane
    site = lane.gate.site
    person = inp.subject()
    observed_decision(site.pk, lane.gate_id, source, decision.outcome.value, decision.reason)
    with transaction.atomic(savepoint=False):
        event = new_event(
            lane=lane,
            decision=decision,
            direction=inp.direction or Direction(lane.direction),
            when=at,
            now=now,
            source=source,
            device=device,
            guard=None,
            obligations=[obligation_json(o) for o in decision.obligations],
            note=inp.note,
            entrant=inp.entrant.value,
            credential_kind=inp.presented_kind or (inp.credential.kind if inp.credential else ""),
            credential_masked=inp.presented_masked,
            credential=inp.credential,
            person=person,
            visit=visit,
            subject=_subject_name(inp, person),
        )
        chain.insert(event)
        write_outcome(Written(decision, event, inp, person, visit, site, at, None))
    return GateResult(decision, event, visit)


def new_event(
    *,
    lane: Lane,
    decision: Decision,
    direction: Direction,
    when: datetime,
    now: datetime,
    source: str,
    device: Device | None,
    guard: Guard,
    obligations: list[dict[str, Any]],
    note: str,
    **passed: Any,
) -> AccessEvent:
    """The unsaved event of ``decision`` at ``lane``, as the people and the vehicle gate record
    it: read at ``when``, recorded at ``now``; ``passed``: who or what passed (entrant,
    credential, person, plate …)."""
    return rows.new(
        AccessEvent,
        site=lane.gate.site,
        lane=lane,
        at=when,
        recorded_at=now,
        source=source,
        device=device,
        guard=signed_in(guard),
        direction=direction.value,
        outcome=decision.outcome.value,
        pending=decision.pending.value if decision.pending else "",
        reason=decision.reason,
        rule=decision.rule,
        message=decision.message,
        obligations=obligations,
        note=note[:200],
        **passed,
    )


def replace_invitation(facts: Facts, inv: Invitation) -> Facts:
    return replace(facts, invitation=replace(invitation_facts(inv), uses_left=0))


def obligation_json(o: Obligation) -> dict[str, Any]:
    """An obligation as the event stores it (empty notes left out)."""
    data = asdict(o)
    return {k: (v.value if hasattr(v, "value") else v) for k, v in data.items() if v not in ("",)}


def visit_for(
    inp: GateInput, decision: Decision, site: Site, guard: Guard, when: datetime
) -> Visit | None:
    """The visitor-register row this decision belongs to: the guard's, or one made from the
    invitation or pass the gate read (so a QR at a turnstile is registered too)."""
    if inp.visit is not None:
        return inp.visit
    if Register.VISITOR not in decision.registers():
        return None
    source = inp.invitation or inp.pass_
    if source is None:
        return None
    if inp.invitation is not None:
        inv = inp.invitation
        return Visit.objects.create(
            site=site,
            kind=inp.entrant.value,
            name=inv.visitor_name,
            phone_cipher=inv.visitor_phone_cipher,
            phone_masked=inv.visitor_phone_masked,
            purpose=inv.purpose or "预约来访",
            host=inv.host,
            house=inv.house,
            invitation=inv,
            status=VisitStatus.WAITING,
            registered_at=when,
            registered_by=signed_in(guard),
        )
    p = inp.pass_
    assert p is not None  # one of the two, see above
    return Visit.objects.create(
        site=site,
        kind=inp.entrant.value,
        name=p.holder_name,
        id_number_cipher=p.id_number_cipher,
        id_number_hash=p.id_number_hash,
        id_number_masked=p.id_number_masked,
        company=p.company,
        purpose=p.purpose or p.get_kind_display(),
        house=p.house,
        host_text=p.host_text,
        pass_ref=p,
        status=VisitStatus.WAITING,
        registered_at=when,
        registered_by=guard if getattr(guard, "is_authenticated", False) else None,
    )


def replace_leave_pass(facts: Facts) -> Facts:
    """The facts once another lane has used the student's pass first (T3-01)."""
    taken = replace(facts.leave_pass, used=True) if facts.leave_pass is not None else None
    return replace(facts, leave_pass=taken)


def consume_leave_pass(person: Person | None, when: datetime, now: datetime) -> LeavePass | None:
    """Mark the student's valid leave pass used with a conditional UPDATE; None when there is
    none left (another lane took it at the same moment)."""
    if person is None:
        return None
    found = leave_pass_to_use(person.pk, when)
    if found is None:
        return None
    taken = LeavePass.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=when)
    return found if taken else None


def consume_invitation(inv: Invitation, now: datetime) -> bool:
    """Take one use of a limited invitation; False when another gate took the last one first.

    A conditional UPDATE, so two gates scanning a single-use QR at the same moment cannot both
    succeed, on SQLite as on PostgreSQL. The last use takes its code off every terminal that
    holds it (:func:`gatehouse.devices.sync.sync_code`)."""
    found = Invitation.objects.filter(pk=inv.pk)
    if inv.max_uses is not None:
        found = found.filter(uses__lt=F("max_uses"))
    taken = found.update(uses=F("uses") + 1) == 1
    if taken:
        inv.refresh_from_db(fields=["uses"])
        if inv.max_uses is not None and inv.uses >= inv.max_uses:
            sync_code(inv, now, reason="访客邀请已用完")
    return taken


def _subject_name(inp: GateInput, person: Person | None) -> str:
    for candidate in (person, inp.visit):
        if candidate is not None:
            return mask_name(candidate.name)
    if inp.invitation is not None:
        return mask_name(inp.invitation.visitor_name)
    if inp.pass_ is not None:
        return mask_name(inp.pass_.holder_name)
    return ""


def device_decide(
    *,
    device: Device,
    nonce: str,
    body: dict[str, Any],
    lane_ref: str | None,
    kind: str,
    value: str,
    at: datetime | None,
    health: HealthFacts | None,
    now: datetime,
) -> DeviceAnswer:
    """The device API's service for people: decide a device's read once per ``nonce`` (see
    :func:`gatehouse.gate.nonce.answer_once`).

    What the read names is looked up before the write transaction (as a READ COMMITTED
    transaction would see it anyway), so on SQLite the database's single write lock is held only
    for the writes."""

    def prepare() -> GateInput:
        lane = device_lane(device=device, lane_ref=lane_ref)
        check_read_time(at=at, now=now)
        return read_input(lane=lane, kind=kind, value=value, when=at or now, health=health)

    def decide(inp: GateInput) -> Decided:
        result = gate_decide(
            inp,
            now=now,
            at=at,
            device=device,
            guard=None,
            source=str(EventSource.DEVICE),
            defer=one_statement(),
        )
        return Decided(decision_json(result.decision, result.event), result.event, result.presence)

    return answer_once(
        device=device, nonce=nonce, body=body, now=now, prepare=prepare, decide=decide
    )
