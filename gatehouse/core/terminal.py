"""A passage a terminal decided by itself (a Hikvision face terminal or card reader deciding
from its own list), put beside what the gate would have decided (:func:`access.decide`).

The terminal's decision is what happened at the door and is what the event records. When the
two agree, the gate's own decision is recorded (with its reason, rule and obligations). When
they do not, the list on the terminal is behind Gatehouse's:

- the terminal let someone through whom the gate would refuse (a card revoked but not yet
  removed from the terminal): the passage is recorded as allowed, and the monitoring centre is
  told (SPEC §12: every decision at a gate is an event; P-11: the monitoring centre is alerted
  to whoever should not be inside);
- the terminal refused someone the gate would admit (a card not yet on the terminal): the
  refusal is recorded, and the caller re-sends the person's state to the terminal.

Pure: no clock, no database."""

from __future__ import annotations

from gatehouse.core.access import Decision, Duty, Obligation, Outcome

# reason code -> (SPEC rule id, Chinese sentence for the guard's screen)
TERMINAL_REASONS: dict[str, tuple[str, str]] = {
    "terminal.passed_against_rule": (
        "P-11",
        "终端已放行，但按本系统规则应拒绝（终端名单未及时更新），已通知监控中心",
    ),
    "terminal.refused": ("P-03", "终端拒绝通行（终端名单待同步），已重新下发"),
}


def terminal_decision(passed: bool, ours: Decision) -> Decision:
    """The decision to record for a passage the terminal ``passed`` (or refused), given the
    gate's own decision ``ours`` for the same read at the same moment."""
    if passed and ours.outcome is Outcome.ALLOW:
        return ours
    if not passed and ours.outcome is Outcome.REFUSE:
        return ours
    if passed:
        rule, message = TERMINAL_REASONS["terminal.passed_against_rule"]
        return Decision(
            Outcome.ALLOW,
            "terminal.passed_against_rule",
            f"{message}：{ours.message}",
            rule,
            None,
            (Obligation(Duty.NOTIFY_MONITORING, note=ours.reason),),
        )
    rule, message = TERMINAL_REASONS["terminal.refused"]
    return Decision(Outcome.REFUSE, "terminal.refused", message, rule)
