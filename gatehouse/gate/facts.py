"""What stands at a lane (:class:`GateInput`) and the facts the core judges it by: the site's and
lane's gate policy (with P-13's shift-change windows, made from the site's working hours and
commute minutes), the credential, pass and invitation as plain values, the blacklist (P-11) and
where the holder is (anti-passback)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from gatehouse.access.models import AccessEvent, Presence
from gatehouse.campus.models import LeavePass
from gatehouse.core import campus as campus_rules
from gatehouse.core import epidemic as epidemic_rules
from gatehouse.core.access import (
    CredentialFacts,
    CredentialKind,
    CredentialStatus,
    Decision,
    Direction,
    Entrant,
    Facts,
    GatePolicy,
    HealthFacts,
    HolderKind,
    InvitationFacts,
    Mode,
    Outcome,
    PassFacts,
    PassKind,
    PolicyInvalid,
    is_staff,
)
from gatehouse.core.access import gate_policy as core_gate_policy
from gatehouse.core.campus import LeavePassFacts
from gatehouse.core.epidemic import OutingLimit, outing_window_start
from gatehouse.epidemic.models import OutingRule, ReturneeCase
from gatehouse.gate import rows, sql
from gatehouse.gate.merger import merger_facts
from gatehouse.people.models import Credential, HouseMembership, Person
from gatehouse.sites.models import Lane, Site
from gatehouse.visitors.models import Invitation, Pass, Visit

#: Who works a booth or a console: a signed-in user, or nobody (a device).
type Guard = AbstractBaseUser | AnonymousUser | None


@dataclass
class GateInput:
    """What stands at the lane, as a reader or the guard's flow presents it."""

    lane: Lane
    entrant: Entrant = Entrant.CREDENTIAL
    direction: Direction | None = None  # None: the lane's own direction
    credential: Credential | None = None
    presented_kind: str = ""  # card, qr, badge, id_card, face, manual
    presented_masked: str = ""
    person: Person | None = None  # the known subject: a credential holder, a resident, an employee
    visit: Visit | None = None
    pass_: Pass | None = None
    invitation: Invitation | None = None
    id_number_hash: str = ""  # for the blacklist, when the subject is not a registered person
    blacklisted: bool | None = None  # P-11 already looked up with the credential (card reads)
    identity_matched: bool | None = None
    desk_confirmed: bool | None = None
    host_consent: bool | None = None
    host_home: bool | None = None
    approval: bool | None = None
    destination_verified: bool | None = None
    health: HealthFacts | None = None
    register_data: dict[str, str] = field(default_factory=dict)  # reason/approver for P-12
    note: str = ""

    def subject(self) -> Person | None:
        """The person the read is about: the one named, else the credential's holder."""
        if self.person is not None:
            return self.person
        return self.credential.person if self.credential is not None else None


PASS_ENTRANTS = {
    "decoration": Entrant.DECORATION_WORKER,
    "intro_letter": Entrant.TOUR,
    "temporary": Entrant.TEMPORARY_PASS,
}


def code_input(lane: Lane, code: Invitation | Pass, kind: str, masked: str = "") -> GateInput:
    """An invitation or pass presented at ``lane`` (its QR, or its terminal code read as a
    ``kind`` of card), judged as its signed QR is (VI-02, P-09)."""
    if isinstance(code, Invitation):
        return GateInput(
            lane=lane,
            entrant=Entrant.INVITED,
            invitation=code,
            presented_kind=kind,
            presented_masked=masked,
        )
    return GateInput(
        lane=lane,
        entrant=PASS_ENTRANTS[code.kind],
        pass_=code,
        presented_kind=kind,
        presented_masked=masked,
    )


@dataclass(frozen=True)
class GateResult:
    decision: Decision
    event: AccessEvent  # unsaved when the caller writes it (``gate_decide(defer=True)``)
    visit: Visit | None = None
    # With an unsaved event: the presence to record with it, (person id, inside), or None.
    presence: tuple[int, bool] | None = None


def gate_policy_of(lane: Lane) -> GatePolicy | PolicyInvalid:
    """The gate policy of ``lane`` and its site, read by the core from the stored columns as they
    are: a row that cannot be read (a constraint bypassed, a broken import) comes back as
    :class:`PolicyInvalid`, and the gate refuses instead of answering 500."""
    site = lane.gate.site
    config = core_gate_policy(
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
    if isinstance(config, GatePolicy) and site.unified_entrance_id is not None:
        config = replace(config, merger=merger_facts(lane))  # M-05
    return config


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


def pass_facts(p: Pass) -> PassFacts:
    return PassFacts(
        kind=PassKind(p.kind),
        revoked=p.revoked_at is not None,
        valid_from=p.valid_from,
        valid_until=p.valid_until,
    )


def invitation_facts(inv: Invitation) -> InvitationFacts:
    left = None if inv.max_uses is None else inv.max_uses - inv.uses
    return InvitationFacts(
        revoked=inv.revoked_at is not None,
        window_start=inv.window_start,
        window_end=inv.window_end,
        uses_left=left,
        confirmed=not inv.needs_confirmation or inv.confirmed_at is not None,
    )


def is_blacklisted(
    *, site: Site, person: Person | None = None, id_number_hash: str = "", now: datetime
) -> bool:
    """P-11: an active person entry names the person or the ID number's keyed hash.

    Asked on every read, so written as one plain query (:mod:`gatehouse.gate.sql`)."""
    person_id = person.pk if person is not None else None
    hashes = [h for h in (getattr(person, "id_number_hash", ""), id_number_hash) if h]
    if person_id is None and not hashes:
        return False
    first, second = [*hashes, "", ""][:2]
    params = [*sql.blacklist_params(site.pk, now), person_id, first, second]
    found = rows.fetch_one(sql.blacklisted(), params)
    return bool(found and found[0])


def blacklisted_people(*, site: Site, now: datetime) -> set[int]:
    """P-11 for every person of ``site`` at once: the ids of those blacklisted at ``now`` (what
    :func:`is_blacklisted` answers for one)."""
    params = [*sql.blacklist_params(site.pk, now), site.pk]
    return {row[0] for row in rows.fetch_all(sql.blacklisted_people(), params)}


def load_facts(inp: GateInput, site: Site, config: GatePolicy, now: datetime) -> Facts:
    """The facts of what stands at the lane, looked up as of ``now``."""
    policy = config.policy
    person = inp.subject()
    inside = None
    if policy.anti_passback and person is not None:
        presence = Presence.objects.filter(person=person).first()
        inside = presence.inside if presence is not None else None
    visit_hash = (inp.visit.id_number_hash or "") if inp.visit is not None else ""
    id_hash = inp.id_number_hash or visit_hash
    credential = credential_facts(inp.credential) if inp.credential is not None else None
    direction = inp.direction or config.lane.direction
    campus = site.kind == "campus"
    student_out = (
        campus and direction is Direction.OUT and person is not None and person.kind == "student"
    )
    limit: OutingLimit | None = None
    outings: tuple[datetime, ...] = ()
    if config.mode is Mode.EPIDEMIC and direction is Direction.OUT and person is not None:
        limit, outings = household_outings(site, person.pk, now)
    # M-05: a member of another compound at a unified entrance (looked up by gate.reads)
    elsewhere = config.merger is not None and person is not None and person.site_id != site.pk
    blacklisted = (
        inp.blacklisted
        if inp.blacklisted is not None
        else is_blacklisted(site=site, person=person, id_number_hash=id_hash, now=now)
    )
    if elsewhere and not blacklisted:  # P-11 of the gate's site too, not only of their own
        blacklisted = is_blacklisted(site=site, person=person, id_number_hash=id_hash, now=now)
    return Facts(
        lane=config.lane,
        direction=direction,
        mode=config.mode,
        entrant=inp.entrant,
        credential=credential,
        blacklisted=blacklisted,
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
        monitoring_until=(
            monitoring_until(person.pk, now)
            if person is not None and direction is Direction.OUT
            else None
        ),
        outing_limit=limit,
        household_outings=outings,
        # P-13: only a staff member's read is judged by the shift-change windows.
        shift_windows=(
            config.shift_windows if credential is not None and is_staff(credential) else ()
        ),
        campus=campus,
        school_hours=school_hours(site) if campus else None,
        leave_pass=current_leave_pass(person.pk, now) if student_out and person else None,
        merger=config.merger,
        member_elsewhere=elsewhere,
    )


def school_hours(site: Site) -> tuple[time, time] | None:
    """T3-01: a campus's school hours, when both are readable times."""
    return campus_rules.school_hours(site.school_starts, site.school_ends)


def current_leave_pass(person_id: int, when: datetime) -> LeavePassFacts | None:
    """T3-01: the student's leave pass that bears on leaving at ``when``: the one whose window
    holds ``when`` if any (used or not), else the next one today (too early), else None."""
    passes = LeavePass.objects.filter(
        student_id=person_id,
        window_end__gt=when,
        window_start__lte=when + campus_rules.PASS_LOOKAHEAD,
    )
    return campus_rules.pass_at_exit(
        (
            LeavePassFacts(
                window_start=p.window_start,
                window_end=p.window_end,
                used=p.used_at is not None,
                revoked=p.revoked_at is not None,
                id=p.pk,
            )
            for p in passes
        ),
        when,
    )


def leave_pass_to_use(person_id: int, when: datetime) -> LeavePass | None:
    """The valid leave pass a student leaving at ``when`` uses (T3-01)."""
    return (
        LeavePass.objects.filter(
            student_id=person_id,
            window_start__lte=when,
            window_end__gt=when,
            revoked_at__isnull=True,
            used_at__isnull=True,
        )
        .order_by("window_start")
        .first()
    )


def monitoring_until(person_id: int, when: datetime) -> datetime | None:
    """M-03: the end of the person's home monitoring, if an open returnee case runs at ``when``
    (asked only on the way out)."""
    ends = ReturneeCase.objects.filter(
        person_id=person_id, closed_at__isnull=True, monitor_until__gt=when
    ).values_list("monitor_until", flat=True)
    return epidemic_rules.monitoring_until(((until, False) for until in ends), when)


def household_outings(
    site: Site, person_id: int, when: datetime
) -> tuple[OutingLimit | None, tuple[datetime, ...]]:
    """M-02 in epidemic mode: the site's outing limit and the allowed exits, in its window, of
    everyone in the person's household (those registered in the same house): two queries. A
    person of no house (an employee) has no household exits, so never reaches the limit."""
    rule = OutingRule.objects.filter(site=site).values_list("persons", "days").first()
    if rule is None:
        return None, ()
    houses = HouseMembership.objects.filter(person_id=person_id).values("house_id")
    members = HouseMembership.objects.filter(house_id__in=houses).values("person_id")
    limit = OutingLimit(*rule)
    exits = AccessEvent.objects.filter(
        site=site,
        person_id__in=members,
        direction=Direction.OUT.value,
        outcome=Outcome.ALLOW.value,
        at__gt=outing_window_start(limit, when),
        at__lte=when,
    ).values_list("at", flat=True)
    return limit, tuple(exits)


def signed_in(guard: Guard) -> AbstractBaseUser | None:
    """``guard`` when a user is signed in (what an event or a register row records), else None."""
    return guard if isinstance(guard, AbstractBaseUser) and guard.is_authenticated else None
