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

from datetime import datetime

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


# -- what a terminal's list can say of the newer rules (issue 17) ------------------------------


def exit_window(
    *,
    exit_lane: bool,
    begin: datetime,
    end: datetime | None,
    monitoring_until: datetime | None,
    student_at_campus: bool,
) -> tuple[datetime, datetime | None] | None:
    """The validity window (``Valid``) a terminal holds a person in, given the window of their
    admitted cards [``begin``, ``end``), or None: not held at all.

    * M-03: at an exit lane a returnee under home monitoring is held only from the end of the
      monitoring (``monitoring_until``): the terminal itself keeps them in for the 14 days and
      lets them out after, with no second sync (None when the cards end before).
    * T3-01: at a campus's exit lane a student is not held. A terminal's list holds one
      validity window and the all-day plan: it cannot say "outside school hours, every day",
      nor "once, with the class teacher's pass". The student's card there is refused by the
      terminal, and students leave through a lane the gate (or an edge) decides."""
    if not exit_lane:
        return (begin, end)
    if student_at_campus:
        return None
    if monitoring_until is not None and monitoring_until > begin:
        begin = monitoring_until
    if end is not None and end <= begin:
        return None
    return (begin, end)
