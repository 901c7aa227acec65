"""A terminal's own decision beside the gate's (gatehouse.core.terminal), table-driven."""

from __future__ import annotations

import pytest

from gatehouse.core.access import REASONS, Decision, Duty, Outcome
from gatehouse.core.terminal import TERMINAL_REASONS, terminal_decision


def ours(reason: str, outcome: Outcome) -> Decision:
    rule, message = REASONS[reason]
    return Decision(outcome, reason, message, rule)


@pytest.mark.parametrize(
    ("passed", "gate", "reason", "outcome", "rule", "alerts"),
    [
        # rule P-03: both agree, the gate's own decision is recorded.
        (True, ours("resident.card", Outcome.ALLOW), "resident.card", "allow", "P-03", False),
        (
            False,
            ours("credential.lost", Outcome.REFUSE),
            "credential.lost",
            "refuse",
            "P-03",
            False,
        ),
        # rule P-11: the terminal let through a revoked card: recorded as passed, alert.
        (
            True,
            ours("credential.revoked", Outcome.REFUSE),
            "terminal.passed_against_rule",
            "allow",
            "P-11",
            True,
        ),
        # rule P-11: a blacklisted person the terminal still held.
        (
            True,
            ours("blacklist.hit", Outcome.REFUSE),
            "terminal.passed_against_rule",
            "allow",
            "P-11",
            True,
        ),
        # rule M-02: the gate would have pended for the guard's check; the terminal opened.
        (
            True,
            ours("epidemic.check_required", Outcome.PENDING),
            "terminal.passed_against_rule",
            "allow",
            "P-11",
            True,
        ),
        # rule P-03: the terminal refused a valid card (its list was behind).
        (False, ours("resident.card", Outcome.ALLOW), "terminal.refused", "refuse", "P-03", False),
    ],
)
def test_terminal_decision(passed, gate, reason, outcome, rule, alerts):
    decision = terminal_decision(passed, gate)
    assert (decision.reason, decision.outcome.value, decision.rule) == (reason, outcome, rule)
    assert decision.has(Duty.NOTIFY_MONITORING) is alerts
    if reason in TERMINAL_REASONS:
        assert decision.message.startswith(TERMINAL_REASONS[reason][1])
    if alerts:
        assert decision.obligations[0].note == gate.reason
        assert gate.message in decision.message
