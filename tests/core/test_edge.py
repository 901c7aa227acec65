"""The edge's pure rules (gatehouse.core.edge): which credential a number means, the blacklist
at a moment, a snapshot's policy, and how an uploaded offline decision is recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gatehouse.core.access import REASONS, Decision, Outcome, PolicyInvalid
from gatehouse.core.edge import (
    EDGE_REASONS,
    blacklisted,
    decision_from_json,
    decision_json,
    gate_policy_of,
    pick_credential,
    refuse_without_snapshot,
    uploaded_decision,
)

AT = datetime(2026, 11, 24, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SITE = {
    "mode": "normal",
    "anti_passback": False,
    "fever_threshold": "37.3",
    "visit_minutes": None,
    "work_starts": "09:00:00",
    "work_ends": "18:00:00",
    "commute_minutes": 30,
}
LANE = {"kind": "non_motor", "direction": "in", "open_when_tightened": True}


def _decision(reason: str, outcome: Outcome) -> Decision:
    rule, message = REASONS[reason]
    return Decision(outcome, reason, message, rule)


ALLOW = _decision("resident.card", Outcome.ALLOW)
REVOKED = _decision("credential.revoked", Outcome.REFUSE)
UNKNOWN = _decision("credential.unknown", Outcome.REFUSE)


def test_the_active_credential_wins_then_the_last_changed():
    lost = {"id": 1, "status": "lost", "status_changed_at": "2026-11-01T00:00:00+00:00"}
    revoked = {"id": 2, "status": "revoked", "status_changed_at": "2026-11-20T00:00:00+00:00"}
    active = {"id": 3, "status": "active", "status_changed_at": None}
    assert pick_credential([lost, revoked, active]) is active
    assert pick_credential([lost, revoked]) is revoked
    assert pick_credential([]) is None


def test_blacklist_is_judged_at_the_moment():
    # rule P-11
    entry = {
        "person_id": 7,
        "id_number_hash": "h",
        "starts_at": (AT - timedelta(hours=1)).isoformat(),
        "expires_at": (AT + timedelta(hours=1)).isoformat(),
    }
    assert blacklisted([entry], person_id=7, id_hashes=[], at=AT)
    assert blacklisted([entry], person_id=None, id_hashes=["", "h"], at=AT)
    assert not blacklisted([entry], person_id=8, id_hashes=[""], at=AT)
    assert not blacklisted([entry], person_id=7, id_hashes=[], at=AT + timedelta(hours=2))
    assert not blacklisted([entry], person_id=7, id_hashes=[], at=AT - timedelta(hours=2))


def test_policy_from_a_snapshot_is_read_as_the_server_reads_its_columns():
    policy = gate_policy_of(SITE, LANE)
    assert not isinstance(policy, PolicyInvalid)
    assert policy.mode.value == "normal" and policy.shift_windows
    broken = gate_policy_of({**SITE, "mode": "fast", "work_starts": "9 am"}, LANE)
    assert isinstance(broken, PolicyInvalid)
    assert "site.mode='fast'" in broken.describe()


@pytest.mark.parametrize(
    ("edge", "server", "known", "taken", "reason"),
    [
        (REVOKED, ALLOW, True, None, "credential.revoked"),  # a refusal stays a refusal
        (ALLOW, ALLOW, True, None, "resident.card"),
        (ALLOW, REVOKED, True, None, "edge.passed_against_rule"),  # rule P-11
        (ALLOW, REVOKED, False, None, "resident.card"),  # revoked after the use
        (ALLOW, UNKNOWN, True, None, "edge.passed_against_rule"),
        (ALLOW, ALLOW, True, False, "edge.invitation_reused"),  # rule VI-02
        (ALLOW, ALLOW, True, True, "resident.card"),
    ],
)
def test_uploaded_decision(edge, server, known, taken, reason):
    recorded = uploaded_decision(edge, server, known_before_use=known, invitation_taken=taken)
    assert recorded.reason == reason
    if reason.startswith("edge."):
        assert recorded.outcome is Outcome.ALLOW  # what happened at the gate
        assert recorded.rule == EDGE_REASONS[reason][0]
        [alarm] = recorded.obligations
        assert alarm.duty.value == "notify_monitoring"


def test_a_journaled_decision_reads_back_as_it_was_given():
    for decision in (ALLOW, REVOKED, refuse_without_snapshot("名单已过期")):
        assert decision_from_json(decision_json(decision)) == decision
    with pytest.raises(ValueError):
        decision_from_json({**decision_json(ALLOW), "reason": "guard.override"})
