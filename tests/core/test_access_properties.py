"""Hypothesis properties of gatehouse.core.access.decide over arbitrary facts.

The facts strategy draws from every enum and every optional sub-fact, but leans towards a
non-motor lane in the matching direction, a usable credential and no blacklist hit, so that the
later checks and the entrant rules are reached often, not only the first refusals.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from gatehouse.core.access import (
    REASONS,
    CredentialFacts,
    CredentialKind,
    CredentialStatus,
    Direction,
    Entrant,
    Facts,
    HealthCode,
    HealthFacts,
    HolderKind,
    InvitationFacts,
    LaneFacts,
    LaneKind,
    Mode,
    Outcome,
    PassFacts,
    PassKind,
    Policy,
    decide,
)

SH = ZoneInfo("Asia/Shanghai")
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(SH)
)
deltas = st.timedeltas(min_value=timedelta(microseconds=1), max_value=timedelta(days=400))
opt_bool = st.none() | st.booleans()
temperatures = st.decimals(min_value=Decimal("35.0"), max_value=Decimal("41.0"), places=1)

credentials = st.builds(
    CredentialFacts,
    kind=st.sampled_from(CredentialKind),
    status=st.sampled_from(CredentialStatus),
    valid_from=moments,
    valid_until=st.none() | moments,
    holder_kind=st.none() | st.sampled_from(HolderKind),
    holder_active=st.booleans(),
)
# usable for every ``now`` drawn from ``moments``
usable_credentials = st.builds(
    CredentialFacts,
    kind=st.sampled_from(
        [CredentialKind.OWNER_CARD, CredentialKind.STAFF_BADGE, CredentialKind.QR]
    ),
    status=st.just(CredentialStatus.ACTIVE),
    valid_from=st.just(datetime(2023, 1, 1, tzinfo=SH)),
    valid_until=st.none() | st.just(datetime(2030, 1, 1, tzinfo=SH)),
    holder_kind=st.none() | st.sampled_from(HolderKind),
)
passes = st.builds(
    PassFacts,
    kind=st.sampled_from(PassKind),
    revoked=st.booleans(),
    valid_from=moments,
    valid_until=moments,
)
invitations = st.builds(
    InvitationFacts,
    revoked=st.booleans(),
    window_start=moments,
    window_end=moments,
    uses_left=st.none() | st.integers(min_value=0, max_value=3),
)
healths = st.builds(
    HealthFacts,
    necessary=st.booleans(),
    real_name=st.booleans(),
    temperature=st.none() | temperatures,
    code=st.none() | st.sampled_from(HealthCode),
)
policies = st.builds(
    Policy,
    anti_passback=st.booleans(),
    fever_threshold=st.decimals(min_value=Decimal("36.5"), max_value=Decimal("38.5"), places=1),
    visit_minutes=st.none() | st.integers(min_value=0, max_value=240),
)


@st.composite
def facts_(draw: st.DrawFn) -> Facts:
    lane = LaneFacts(
        kind=draw(st.just(LaneKind.NON_MOTOR) | st.sampled_from(LaneKind)),
        direction=draw(st.sampled_from(Direction)),
        open_when_tightened=draw(st.booleans()),
    )
    return Facts(
        lane=lane,
        direction=draw(st.just(lane.direction) | st.sampled_from(Direction)),
        mode=draw(st.just(Mode.NORMAL) | st.sampled_from(Mode)),
        entrant=draw(st.sampled_from(Entrant)),
        credential=draw(st.one_of(st.none(), usable_credentials, credentials)),
        blacklisted=draw(st.just(False) | st.booleans()),
        resident=draw(st.booleans()),
        inside=draw(opt_bool),
        identity_matched=draw(opt_bool),
        desk_confirmed=draw(opt_bool),
        host_consent=draw(opt_bool),
        host_home=draw(opt_bool),
        approval=draw(opt_bool),
        destination_verified=draw(opt_bool),
        pass_=draw(st.none() | passes),
        invitation=draw(st.none() | invitations),
        health=draw(st.none() | healths),
    )


@st.composite
def bad_credential(draw: st.DrawFn, now: datetime) -> CredentialFacts:
    """An otherwise usable credential with one defect: lost, revoked, or a window missing now."""
    cred = CredentialFacts(
        kind=draw(
            st.sampled_from(
                [CredentialKind.OWNER_CARD, CredentialKind.STAFF_BADGE, CredentialKind.QR]
            )
        ),
        status=CredentialStatus.ACTIVE,
        valid_from=now - draw(deltas),
        valid_until=draw(st.none() | st.builds(lambda d: now + d, deltas)),
        holder_kind=draw(st.none() | st.sampled_from(HolderKind)),
    )
    how = draw(st.sampled_from(["lost", "revoked", "early", "late"]))
    if how == "lost":
        return replace(cred, status=CredentialStatus.LOST)
    if how == "revoked":
        return replace(cred, status=CredentialStatus.REVOKED)
    if how == "early":
        return replace(cred, valid_from=now + draw(deltas))
    until = now - draw(deltas) + timedelta(microseconds=1)  # valid_until <= now
    return replace(cred, valid_from=until - timedelta(days=30), valid_until=until)


@settings(max_examples=400)
@given(data=st.data(), facts=facts_(), policy=policies, now=moments)
def test_bad_credential_is_never_allowed(
    data: st.DataObject, facts: Facts, policy: Policy, now: datetime
) -> None:
    cred = data.draw(bad_credential(now))
    # whoever the entrant, a good-looking rest of the facts must not rescue the credential
    facts = replace(
        facts,
        lane=replace(facts.lane, kind=LaneKind.NON_MOTOR),
        direction=facts.lane.direction,
        credential=cred,
        blacklisted=False,
        host_consent=True,
        approval=True,
    )
    assert not decide(facts, policy, now).allowed


@settings(max_examples=600)
@given(facts=facts_(), policy=policies, now=moments)
def test_decision_is_well_formed(facts: Facts, policy: Policy, now: datetime) -> None:
    d = decide(facts, policy, now)
    assert d.reason in REASONS
    assert (d.rule, d.message) == REASONS[d.reason]
    if d.outcome is not Outcome.ALLOW:
        assert d.reason
        assert d.message
    # a pending decision says what it waits for; a final one does not
    assert (d.pending is not None) == (d.outcome is Outcome.PENDING)


@given(facts=facts_(), policy=policies, now=moments)
def test_blacklisted_is_never_allowed(facts: Facts, policy: Policy, now: datetime) -> None:
    assert not decide(replace(facts, blacklisted=True), policy, now).allowed


@given(
    facts=facts_(),
    kind=st.sampled_from([LaneKind.MOTOR, LaneKind.GARAGE]),
    policy=policies,
    now=moments,
)
def test_person_on_motor_or_garage_lane_is_never_allowed(
    facts: Facts, kind: LaneKind, policy: Policy, now: datetime
) -> None:
    facts = replace(facts, lane=replace(facts.lane, kind=kind))
    assert not decide(facts, policy, now).allowed


@given(facts=facts_(), policy=policies, now=moments)
def test_decide_is_deterministic(facts: Facts, policy: Policy, now: datetime) -> None:
    assert decide(facts, policy, now) == decide(facts, policy, now)


@given(facts=facts_(), before=deltas, after=deltas, policy=policies, now=moments)
def test_used_up_invitation_never_enters(
    facts: Facts, before: timedelta, after: timedelta, policy: Policy, now: datetime
) -> None:
    # everything else in order: the right lane, not blacklisted, inside the invitation's window
    facts = replace(
        facts,
        lane=replace(facts.lane, kind=LaneKind.NON_MOTOR, direction=Direction.IN),
        direction=Direction.IN,
        entrant=Entrant.INVITED,
        blacklisted=False,
        invitation=InvitationFacts(False, now - before, now + after, uses_left=0),
    )
    assert not decide(facts, policy, now).allowed


@given(facts=facts_(), policy=policies, now=moments)
def test_exits_are_never_blocked_by_mode(facts: Facts, policy: Policy, now: datetime) -> None:
    facts = replace(facts, direction=Direction.OUT)
    assert not decide(facts, policy, now).reason.startswith(("mode.", "epidemic."))


@settings(max_examples=300)
@given(facts=facts_(), policy=policies, now=moments)
def test_anti_passback_only_when_enabled(facts: Facts, policy: Policy, now: datetime) -> None:
    d = decide(facts, replace(policy, anti_passback=False), now)
    assert not d.reason.startswith("antipassback.")
