"""The one path of a gate decision: load the facts, ask the core, write the event, the register
rows and the notices the decision requires, in one transaction (ARCHITECTURE: the path of a gate
request). Devices and the guard's console both come through ``gate_decide``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from gatehouse import rows
from gatehouse.access import chain
from gatehouse.access.models import (
    AccessEvent,
    EventSource,
    Notice,
    NoticeAudience,
    Presence,
    StaffExit,
)
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.access import (
    CredentialFacts,
    CredentialKind,
    CredentialStatus,
    Decision,
    Direction,
    Duty,
    Entrant,
    Facts,
    GatePolicy,
    HealthFacts,
    HolderKind,
    InvitationFacts,
    Outcome,
    PassFacts,
    PassKind,
    Policy,
    PolicyInvalid,
    Register,
    decide,
    is_staff,
    refuse_invalid_policy,
)
from gatehouse.core.access import gate_policy as core_gate_policy
from gatehouse.core.errors import DomainError
from gatehouse.core.masking import mask_name
from gatehouse.people.models import BlacklistEntry, BlacklistKind, Credential, Person
from gatehouse.sites.models import Lane, Site


@dataclass
class GateInput:
    """What stands at the lane, as a reader or the guard's flow presents it."""

    lane: Lane
    entrant: Entrant = Entrant.CREDENTIAL
    direction: Direction | None = None  # None: the lane's own direction
    credential: Credential | None = None
    presented_kind: str = ""  # card, qr, badge, id_card, face, manual
    presented_masked: str = ""
    person: Any = None  # the known subject: a credential holder, a resident, an employee
    visit: Any = None  # visitors.Visit
    pass_: Any = None  # visitors.Pass
    invitation: Any = None  # visitors.Invitation
    id_number_hash: str = ""  # for the blacklist, when the subject is not a registered person
    blacklisted: bool | None = None  # P-11 already looked up with the credential (card reads)
    identity_matched: bool | None = None
    desk_confirmed: bool | None = None
    host_consent: bool | None = None
    host_home: bool | None = None
    approval: bool | None = None
    destination_verified: bool | None = None
    health: HealthFacts | None = None
    register_data: dict[str, Any] = field(default_factory=dict)  # reason/approver for P-12
    note: str = ""


@dataclass(frozen=True)
class GateResult:
    decision: Decision
    event: AccessEvent  # unsaved when the caller writes it (``gate_decide(defer=True)``)
    visit: Any = None
    # With an unsaved event: the presence to record with it, (person id, inside), or None.
    presence: tuple[int, bool] | None = None


def gate_policy_of(lane: Lane) -> GatePolicy | PolicyInvalid:
    """The gate policy of ``lane`` and its site, read by the core from the stored columns as they
    are: a row that cannot be read (a constraint bypassed, a broken import) comes back as
    :class:`PolicyInvalid`, and the gate refuses instead of answering 500."""
    site = lane.gate.site
    return core_gate_policy(
        mode=site.mode,
        anti_passback=site.anti_passback,
        fever_threshold=site.fever_threshold,
        visit_minutes=site.visit_minutes,
        work_starts=site.work_starts,
        work_ends=site.work_ends,
        commute_minutes=site.commute_minutes,
        lane_kind=lane.kind,
        lane_direction=lane.direction,
        open_when_tightened=lane.gate.open_when_tightened,
    )


def credential_facts(cred: Credential) -> CredentialFacts:
    person = cred.person
    return CredentialFacts(
        kind=CredentialKind(cred.kind),
        status=CredentialStatus(cred.status),
        valid_from=cred.valid_from,
        valid_until=cred.valid_until,
        holder_kind=HolderKind(person.kind) if person is not None else None,
        holder_active=person.is_active if person is not None else True,
    )


def pass_facts(p: Any) -> PassFacts:
    return PassFacts(
        kind=PassKind(p.kind),
        revoked=p.revoked_at is not None,
        valid_from=p.valid_from,
        valid_until=p.valid_until,
    )


def invitation_facts(inv: Any) -> InvitationFacts:
    left = None if inv.max_uses is None else inv.max_uses - inv.uses
    return InvitationFacts(
        revoked=inv.revoked_at is not None,
        window_start=inv.window_start,
        window_end=inv.window_end,
        uses_left=left,
    )


def is_blacklisted(
    *, site: Site, person: Person | None = None, id_number_hash: str = "", now: datetime
) -> bool:
    """P-11: an active person entry names the person or the ID number's keyed hash.

    Asked on every read, so written as one plain query (see :mod:`gatehouse.rows`)."""
    person_id = person.pk if person is not None else None
    hashes = [h for h in (getattr(person, "id_number_hash", ""), id_number_hash) if h]
    if person_id is None and not hashes:
        return False
    first, second = [*hashes, "", ""][:2]
    params = [*blacklist_params(site.pk, now), person_id, first, second]
    found = rows.fetch_one(_blacklist_sql(), params)
    return bool(found and found[0])


def blacklist_exists(person: str, id_hash: str, other_hash: str = "''") -> str:
    """SQL ``EXISTS`` over the site's active person entries naming ``person`` (a column or
    ``%s``) or an ID-number hash; its parameters come first: :func:`blacklist_params`. An empty
    hash matches nothing (entries without an ID number store "")."""
    return (
        f"EXISTS (SELECT 1 FROM {rows.table(BlacklistEntry)} b "  # noqa: S608 (names from model metadata, values bound)
        "WHERE b.site_id = %s AND b.kind = %s AND b.lifted_at IS NULL AND b.starts_at <= %s "
        "AND (b.expires_at IS NULL OR b.expires_at > %s) "
        f"AND (b.person_id = {person} "
        f"OR (b.id_number_hash <> '' AND b.id_number_hash IN ({id_hash}, {other_hash}))))"
    )


def blacklist_params(site_id: int, at: datetime) -> list[Any]:
    adapted = connection.ops.adapt_datetimefield_value(at)
    return [site_id, BlacklistKind.PERSON, adapted, adapted]


@rows.statement
def _blacklist_sql() -> str:
    return f"SELECT {blacklist_exists('%s', '%s', '%s')}"


def _facts(inp: GateInput, site: Site, config: GatePolicy, now: datetime) -> Facts:
    policy = config.policy
    person = inp.person
    if person is None and inp.credential is not None:
        person = inp.credential.person
    inside = None
    if policy.anti_passback and person is not None:
        presence = Presence.objects.filter(person=person).first()
        inside = presence.inside if presence is not None else None
    id_hash = inp.id_number_hash or (getattr(inp.visit, "id_number_hash", "") or "")
    credential = credential_facts(inp.credential) if inp.credential is not None else None
    return Facts(
        lane=config.lane,
        direction=inp.direction or config.lane.direction,
        mode=config.mode,
        entrant=inp.entrant,
        credential=credential,
        blacklisted=(
            inp.blacklisted
            if inp.blacklisted is not None
            else is_blacklisted(site=site, person=person, id_number_hash=id_hash, now=now)
        ),
        resident=person is not None and person.is_active and inp.entrant is not Entrant.VISITOR,
        inside=inside,
        identity_matched=inp.identity_matched,
        desk_confirmed=inp.desk_confirmed,
        host_consent=inp.host_consent,
        host_home=inp.host_home,
        approval=inp.approval,
        destination_verified=inp.destination_verified,
        pass_=pass_facts(inp.pass_) if inp.pass_ is not None else None,
        invitation=invitation_facts(inp.invitation) if inp.invitation is not None else None,
        health=inp.health,
        # P-13: only a staff member's read is judged by the shift-change windows.
        shift_windows=(
            config.shift_windows if credential is not None and is_staff(credential) else ()
        ),
    )


def _consume_invitation(inv: Any) -> bool:
    """Take one use of a limited invitation; False when another gate took the last one first.

    A conditional UPDATE, so two gates scanning a single-use QR at the same moment cannot both
    succeed, on SQLite as on PostgreSQL."""
    from gatehouse.visitors.models import Invitation

    rows = Invitation.objects.filter(pk=inv.pk)
    if inv.max_uses is not None:
        rows = rows.filter(uses__lt=F("max_uses"))
    taken = rows.update(uses=F("uses") + 1) == 1
    if taken:
        inv.refresh_from_db(fields=["uses"])
    return taken


def _subject_name(inp: GateInput, person: Any) -> str:
    for candidate in (person, inp.visit):
        if candidate is not None:
            return mask_name(candidate.name)
    if inp.invitation is not None:
        return mask_name(inp.invitation.visitor_name)
    if inp.pass_ is not None:
        return mask_name(inp.pass_.holder_name)
    return ""


def gate_decide(
    inp: GateInput,
    *,
    now: datetime,
    at: datetime | None = None,
    device: Any = None,
    guard: Any = None,
    source: str = EventSource.CONSOLE,
    defer: bool = False,
) -> GateResult:
    """Decide for one person at one lane and record everything the decision requires.

    ``at`` is when the read happened (a device replaying reads after an outage); the rules are
    judged at that moment. ``now`` is when the server records it.

    ``defer``: when the decision needs nothing written but its event and the holder's presence
    (a card allowed or refused with no notice, visit or register to write — most reads), the
    event is returned unsaved with the presence to record, for the caller to write together
    with its own row in one statement (:func:`gatehouse.access.reads.answer_once`)."""
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
            facts = _facts(inp, site, config, when)
            decision = decide(facts, policy, when)
            direction = facts.direction
            note = inp.note
        if (
            decision.allowed
            and inp.invitation is not None
            and direction is Direction.IN
            and not _consume_invitation(inp.invitation)
        ):
            decision = decide(replace_invitation(facts, inp.invitation), policy, when)
        person = inp.person or (inp.credential.person if inp.credential is not None else None)
        visit = _visit_for(inp, decision, site, guard, when)
        event = AccessEvent(
            site=site,
            lane=lane,
            at=when,
            recorded_at=now,
            source=source,
            device=device,
            guard=guard if getattr(guard, "is_authenticated", False) else None,
            direction=direction.value,
            entrant=inp.entrant.value,
            credential_kind=inp.presented_kind or (inp.credential.kind if inp.credential else ""),
            credential_masked=inp.presented_masked,
            credential=inp.credential,
            person=person,
            visit=visit,
            subject=_subject_name(inp, person),
            outcome=decision.outcome.value,
            pending=decision.pending.value if decision.pending else "",
            reason=decision.reason,
            rule=decision.rule,
            message=decision.message,
            obligations=[_obligation_json(o) for o in decision.obligations],
            note=note[:200],
        )
        if defer and visit is None and inp.invitation is None and not decision.obligations:
            moved = _moves(decision, event, inp, person)
            presence = (person.pk, moved) if moved is not None else None
            return GateResult(decision, event, None, presence)
        chain.insert(event)  # sealed into the site's chain (gatehouse.access.chain)
        _apply(decision, event, inp, person, visit, site, policy, when, guard)
    return GateResult(decision, event, visit)


def replace_invitation(facts: Facts, inv: Any) -> Facts:
    from dataclasses import replace

    return replace(facts, invitation=replace(invitation_facts(inv), uses_left=0))


def _obligation_json(o: Any) -> dict[str, Any]:
    data = asdict(o)
    return {k: (v.value if hasattr(v, "value") else v) for k, v in data.items() if v not in ("",)}


def _visit_for(inp: GateInput, decision: Decision, site: Site, guard: Any, when: datetime) -> Any:
    """The visitor-register row this decision belongs to: the guard's, or one made from the
    invitation or pass the gate read (so a QR at a turnstile is registered too)."""
    if inp.visit is not None:
        return inp.visit
    if Register.VISITOR not in decision.registers():
        return None
    from gatehouse.visitors.models import Visit, VisitStatus

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
            registered_by=guard if getattr(guard, "is_authenticated", False) else None,
        )
    p = inp.pass_
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


def _moves(decision: Decision, event: AccessEvent, inp: GateInput, person: Any) -> bool | None:
    """Where a card holder the gate let through now is: True inside, False out; None when the
    decision moves no one whose presence is kept."""
    if decision.outcome is Outcome.ALLOW and person is not None and inp.credential is not None:
        return event.direction == Direction.IN.value
    return None


def _apply(
    decision: Decision,
    event: AccessEvent,
    inp: GateInput,
    person: Any,
    visit: Any,
    site: Site,
    policy: Policy,
    when: datetime,
    guard: Any,
) -> None:
    """Carry out the decision's obligations that the system itself can fulfil."""
    from gatehouse.visitors.models import VisitStatus

    direction = Direction(event.direction)
    moved = _moves(decision, event, inp, person)
    if moved is not None:
        presence_record(person_id=person.pk, inside=moved, at=when)
    if visit is not None:
        changes: dict[str, Any] = {"outcome_reason": decision.reason}
        if decision.allowed and direction is Direction.IN:
            changes |= {"status": VisitStatus.INSIDE, "time_in": when, "lane_in": inp.lane}
            minutes = next(
                (o.minutes for o in decision.obligations if o.duty is Duty.TIME_LIMIT), None
            )
            if minutes:
                changes["time_limit_at"] = when + timedelta(minutes=minutes)
        elif decision.allowed and direction is Direction.OUT:
            changes |= {"status": VisitStatus.LEFT, "time_out": when, "lane_out": inp.lane}
        elif decision.outcome is Outcome.REFUSE and visit.status == VisitStatus.WAITING:
            changes["status"] = VisitStatus.REFUSED
        for name, value in changes.items():
            setattr(visit, name, value)
        visit.save(update_fields=list(changes))
    for ob in decision.obligations:
        if ob.duty is Duty.COUNT_FORGOTTEN and person is not None:
            type(person).objects.filter(pk=person.pk).update(
                forgotten_card_count=F("forgotten_card_count") + 1
            )
            person.refresh_from_db(fields=["forgotten_card_count"])
        elif ob.duty is Duty.NOTIFY_MONITORING:
            Notice.objects.create(
                site=site,
                audience=NoticeAudience.MONITORING,
                kind=decision.reason,
                message=(
                    f"{inp.lane.gate.name}·{inp.lane.name}：{decision.message}"
                    + (f"（{event.subject}）" if event.subject else "")
                    + (f"（{ob.note}）" if ob.note else "")
                )[:300],
                event=event,
                created_at=when,
            )
        elif ob.duty is Duty.NOTIFY_PATROL:
            Notice.objects.create(
                site=site,
                audience=NoticeAudience.PATROL,
                kind=decision.reason,
                message=f"{inp.lane.gate.name}：{decision.message}",
                event=event,
                created_at=when,
            )
        elif ob.duty is Duty.NOTIFY_HOST and decision.allowed and visit is not None:
            if visit.host_id:
                Notice.objects.create(
                    site=site,
                    audience=NoticeAudience.PERSON,
                    person_id=visit.host_id,
                    kind="visitor.arrived",
                    message=f"您的访客{mask_name(visit.name)}已于{when:%H:%M}进入",
                    event=event,
                    created_at=when,
                )
        elif ob.duty is Duty.REGISTER and ob.register is Register.STAFF_MIDSHIFT:
            StaffExit.objects.create(
                site=site,
                person=person,
                enterprise_name=getattr(getattr(person, "enterprise", None), "name", "") or "",
                reason=inp.register_data.get("reason", ""),
                approver=inp.register_data.get("approver", ""),
                out_at=when,
                out_event=event,
                registered_by=guard if getattr(guard, "is_authenticated", False) else None,
            )
        elif ob.duty is Duty.CLOSE_REGISTER and ob.register is Register.STAFF_MIDSHIFT:
            StaffExit.objects.filter(person=person, back_at__isnull=True).update(
                back_at=when, back_event=event
            )


def presence_record(*, person_id: int, inside: bool, at: datetime) -> None:
    """Set a person's presence by one upsert. A read replayed after an outage (older than what
    is recorded) does not overwrite a newer passage."""
    with connection.cursor() as cursor:
        cursor.execute(
            presence_sql(), [person_id, inside, connection.ops.adapt_datetimefield_value(at)]
        )


@rows.statement
def presence_sql() -> str:
    t = rows.table(Presence)
    return (
        f"INSERT INTO {t} (person_id, inside, at) VALUES (%s, %s, %s) "  # noqa: S608 (names from model metadata, values bound)
        "ON CONFLICT (person_id) DO UPDATE SET inside = excluded.inside, at = excluded.at "
        f"WHERE {t}.at <= excluded.at"
    )


@transaction.atomic
def notice_acknowledge(
    *, notice: Notice, actor: Any, now: datetime, repeat_ok: bool = False
) -> Notice:
    """Mark a notice handled (an alert) or read (a resident's own notice); audited.

    A second acknowledgement is refused (``notice.acknowledged``) unless ``repeat_ok``, when it
    is a no-op (a resident tapping "read" twice)."""
    locked = Notice.objects.select_for_update().get(pk=notice.pk)
    if locked.acknowledged_at is not None:
        if repeat_ok:
            return locked
        raise DomainError("notice.acknowledged", "该提醒已经处理过了")
    before = snapshot(locked)
    locked.acknowledged_at = now
    locked.acknowledged_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        action="notice.acknowledge",
        obj=locked,
        actor=actor,
        before=before,
        after=snapshot(locked),
        at=now,
    )
    return locked
