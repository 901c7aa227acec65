"""A gate deciding without the server (issue 15): the facts of a read taken from the signed
snapshot the server hands an edge agent, and the edge's own refusals.

The snapshot is a set of records, each ``(kind, key) -> data`` of plain JSON values, as the
server builds them from its own rows (``gatehouse.edge.selectors``): the site's policy columns,
its lanes, its devices (by key hash), people, credentials (by number hash), the person
blacklist, invitations and passes (by token hash). This module turns those values into the
core's facts exactly as the server's gate package turns its rows into them, so
:func:`gatehouse.core.access.decide` answers the same at the edge as on the server.

Pure: no clock, no database, no settings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from gatehouse.core import campus, epidemic
from gatehouse.core.access import REASONS as GATE_REASONS
from gatehouse.core.access import (
    CredentialFacts,
    CredentialKind,
    CredentialStatus,
    Decision,
    Direction,
    Duty,
    GatePolicy,
    HealthCode,
    HealthFacts,
    HolderKind,
    InvitationFacts,
    Obligation,
    Outcome,
    PassFacts,
    PassKind,
    Pending,
    PolicyInvalid,
    Register,
    gate_policy,
)
from gatehouse.core.errors import InvalidInput

#: The kinds of record a snapshot carries, in the order a full snapshot lists them.
RECORD_KINDS = (
    "site",
    "lane",
    "device",
    "person",
    "credential",
    "blacklist",
    "invitation",
    "pass",
    "returnee",  # schema 2: an open home-monitoring case (M-03)
    "leave_pass",  # schema 2: a student's leave pass not over yet (T3-01)
)

#: The version of what the records say (the payload's ``schema``; absent: 1). An agent keeps
#: records of kinds it does not know and ignores payload fields it does not read, so an older
#: agent works with a newer server (it just does not apply the newer rules) and a newer agent
#: with an older snapshot (it knows the snapshot cannot tell it those rules' facts).
#:
#: * 1 — issue 15: site policy, lanes, devices, people, credentials, blacklist, invitations,
#:   passes.
#: * 2 — issue 17: the site's kind and school hours (T3-01), open returnee cases (``returnee``:
#:   person and end of monitoring, M-03), students' leave passes (``leave_pass``, T3-01).
SNAPSHOT_SCHEMA = 2

type Record = Mapping[str, Any]


def lookup_digest(value: str) -> str:
    """The SHA-256 (hex) a snapshot names a card number or a QR token by: the edge finds a read
    by it without holding the numbers themselves."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def when(value: object) -> datetime | None:
    """A snapshot's ISO 8601 time (with its offset), or None."""
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def _clock(value: object) -> object:
    """A wall-clock time column: the value itself when it is not a readable ``HH:MM[:SS]`` (the
    policy reader then names it)."""
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            return value
    return value


def _decimal(value: object) -> object:
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def gate_policy_of(site: Record, lane: Record) -> GatePolicy | PolicyInvalid:
    """The gate policy of ``lane`` at ``site`` from their records, read by the core's policy
    reader as the server reads its columns (a value the server could not read is refused
    here too: ``policy.invalid``)."""
    return gate_policy(
        mode=site.get("mode"),
        anti_passback=site.get("anti_passback"),
        fever_threshold=_decimal(site.get("fever_threshold")),
        visit_minutes=site.get("visit_minutes"),
        work_starts=_clock(site.get("work_starts")),
        work_ends=_clock(site.get("work_ends")),
        commute_minutes=site.get("commute_minutes"),
        lane_kind=lane.get("kind"),
        lane_direction=lane.get("direction"),
        open_when_tightened=lane.get("open_when_tightened"),
    )


def pick_credential(candidates: Iterable[Record]) -> Record | None:
    """Of the credentials with one number, the one the server judges a read by: the active one,
    else the one whose status changed last (a lost or revoked card is refused with its own
    reason, not as unknown), else the newest."""
    best: tuple[tuple[int, int, str, int], Record] | None = None
    for cred in candidates:
        changed = cred.get("status_changed_at")
        rank = (
            1 if cred.get("status") == CredentialStatus.ACTIVE else 0,
            1 if changed else 0,
            str(changed or ""),
            int(cred.get("id", 0)),
        )
        if best is None or rank > best[0]:
            best = (rank, cred)
    return best[1] if best else None


def credential_facts(cred: Record, holder: Record | None) -> CredentialFacts:
    valid_from = when(cred.get("valid_from"))
    assert valid_from is not None  # the server always sends it
    return CredentialFacts(
        kind=CredentialKind(cred["kind"]),
        status=CredentialStatus(cred["status"]),
        valid_from=valid_from,
        valid_until=when(cred.get("valid_until")),
        holder_kind=HolderKind(holder["kind"]) if holder is not None else None,
        holder_active=bool(holder["active"]) if holder is not None else True,
    )


def blacklisted(
    entries: Iterable[Record], *, person_id: int | None, id_hashes: Iterable[str], at: datetime
) -> bool:
    """P-11: a person entry in force at ``at`` names the person or one of the ID-number hashes
    (an empty hash matches nothing), as the server's blacklist query says."""
    hashes = {h for h in id_hashes if h}
    for entry in entries:
        starts, expires = when(entry.get("starts_at")), when(entry.get("expires_at"))
        if starts is None or starts > at or (expires is not None and expires <= at):
            continue
        if person_id is not None and entry.get("person_id") == person_id:
            return True
        if entry.get("id_number_hash") and entry["id_number_hash"] in hashes:
            return True
    return False


def invitation_facts(inv: Record, used_here: int = 0) -> InvitationFacts:
    """An invitation's facts; ``used_here``: the uses the edge itself admitted since the record
    was issued (a single-use QR does not open twice at one offline gate)."""
    start, end = when(inv.get("window_start")), when(inv.get("window_end"))
    assert start is not None and end is not None
    max_uses = inv.get("max_uses")
    left = None if max_uses is None else int(max_uses) - int(inv.get("uses", 0)) - used_here
    return InvitationFacts(
        revoked=bool(inv.get("revoked")), window_start=start, window_end=end, uses_left=left
    )


def pass_facts(p: Record) -> PassFacts:
    start, end = when(p.get("valid_from")), when(p.get("valid_until"))
    assert start is not None and end is not None
    return PassFacts(
        kind=PassKind(p["kind"]), revoked=bool(p.get("revoked")), valid_from=start, valid_until=end
    )


def monitoring_until(cases: Iterable[Record], at: datetime) -> datetime | None:
    """M-03: the end of the home monitoring running at ``at`` from a person's ``returnee``
    records (open cases: ``until``), as the server asks it
    (:func:`gatehouse.core.epidemic.monitoring_until`)."""
    ends = [(end, False) for end in (when(c.get("until")) for c in cases) if end is not None]
    return epidemic.monitoring_until(ends, at)


def school_hours_of(site: Record) -> tuple[time, time] | None:
    """T3-01: the school hours of a campus site record (None: not a campus, or not readable),
    as the server reads its columns (:func:`gatehouse.core.campus.school_hours`)."""
    if site.get("kind") != "campus":
        return None
    return campus.school_hours(site.get("school_starts"), site.get("school_ends"))


def leave_pass_at_exit(
    passes: Iterable[Record], at: datetime, *, used_here: Iterable[int] = ()
) -> campus.LeavePassFacts | None:
    """T3-01: the leave pass that bears on a student leaving at ``at``, chosen from their
    ``leave_pass`` records as the server chooses (:func:`gatehouse.core.campus.pass_at_exit`);
    ``used_here``: the passes this edge itself let a student out on (used once, so used)."""
    used = set(used_here)
    facts = []
    for p in passes:
        start, end = when(p.get("window_start")), when(p.get("window_end"))
        if start is None or end is None:
            continue
        pid = int(p.get("id", 0))
        facts.append(
            campus.LeavePassFacts(
                window_start=start,
                window_end=end,
                used=bool(p.get("used")) or pid in used,
                revoked=bool(p.get("revoked")),
                id=pid,
            )
        )
    return campus.pass_at_exit(facts, at)


def health_facts(temperature: object, code: object) -> HealthFacts | None:
    """What a device measured (M-02), read as the server reads it; None when nothing was sent.
    Raises :class:`InvalidInput` (``temperature.invalid`` / ``temperature.out_of_range`` /
    ``health_code.invalid``) for a value the server would refuse too."""
    if temperature in (None, "") and code in (None, ""):
        return None
    value = None
    if temperature not in (None, ""):
        try:
            value = Decimal(str(temperature).strip().replace("℃", "")).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError) as exc:
            raise InvalidInput(
                "temperature.invalid", "体温格式不正确，例如 36.5", {"field": "temperature"}
            ) from exc
        if not Decimal("30.0") <= value <= Decimal("45.0"):
            raise InvalidInput(
                "temperature.out_of_range",
                "体温应在 30.0 至 45.0 ℃ 之间",
                {"field": "temperature"},
            )
    color = None
    if code not in (None, ""):
        if code not in HealthCode._value2member_map_:
            raise InvalidInput(
                "health_code.invalid", "健康码只能是绿码、黄码或红码", {"field": "health_code"}
            )
        color = HealthCode(str(code))
    return HealthFacts(temperature=value, code=color)


# -- the edge's own answers ---------------------------------------------------------------------

#: Reasons only an edge gives (SPEC §12: nothing a gate decides is lost, a fault is reported).
EDGE_REASONS: dict[str, tuple[str, str]] = {
    "edge.snapshot_invalid": (
        "§12",
        "离线运行且本地通行名单无效或已过期，暂停放行；已通知监控中心",
    ),
    "edge.read_unsupported": ("§12", "离线运行，无法核验此类凭证：请值班人员人工核实"),
    # Degraded operation: the snapshot is unusable, yet the site's own security staff and
    # managers (a person flagged ``always_admitted``) still pass, and the centre is told.
    "edge.always_admitted": (
        "§12",
        "离线运行且本地通行名单无效：断网时始终放行人员，已放行并通知监控中心",
    ),
    # Fire / emergency mode switched on at the edge: every exit opens at once (S-13).
    "edge.fire_evacuation": ("S-13", "消防应急模式：出口一律放行，已通知监控中心"),
    # Conflicts found when the journal is uploaded: recorded as what happened at the gate (the
    # person passed), never merged away, and raised to the monitoring centre.
    "edge.passed_against_rule": (
        "P-11",
        "断网时边缘网关已放行，但服务器当时已判定应拒绝（本地名单未及时同步），已通知监控中心",
    ),
    "edge.invitation_reused": (
        "VI-02",
        "断网时邀请码在多处被使用，超出可用次数，已通知监控中心",
    ),
    "edge.passback_conflict": (
        "P-02",
        "断网时边缘网关已放行，但与其他出入口的通行记录冲突（防潜回），已通知监控中心",
    ),
    "edge.leave_pass_reused": (
        "T3-01",
        "断网时同一张请假条在多处出口被使用（只能使用一次），已通知监控中心",
    ),
}

#: Refusals a change on the server causes at a known moment: a conflict only if the change
#: came before the offline use (a card revoked after it was used is no conflict, nor a leave
#: pass the teacher revoked after the student had left on it).
CHANGED_AT = frozenset({"credential.revoked", "credential.lost", "campus.leave_pass_revoked"})


def refuse_without_snapshot(problem: str) -> Decision:
    """Deny and tell: offline, with no snapshot whose signature, site and freshness hold, the
    edge refuses and alerts the monitoring centre with what was wrong."""
    rule, message = EDGE_REASONS["edge.snapshot_invalid"]
    alarm = Obligation(Duty.NOTIFY_MONITORING, note=problem[:200])
    return Decision(Outcome.REFUSE, "edge.snapshot_invalid", message, rule, None, (alarm,))


def always_admitted(
    person: Record | None,
    credential: Record | None,
    *,
    at: datetime,
    blacklisted: bool,
    problem: str,
    face: bool = False,
    lane_kind: object = "non_motor",
) -> Decision:
    """§12: offline with an unusable snapshot (expired, or a newer one refused), every read is
    refused (:func:`refuse_without_snapshot`) except one of an active person the site flagged
    ``always_admitted`` (its own security staff, its managers): their active card or badge
    valid at ``at`` (or, on a face terminal, the person) is admitted at a people lane with its
    own reason and the monitoring centre is told. A blacklisted person is never admitted this
    way, nor anyone at a motor lane (P-01: not for people)."""
    refused = refuse_without_snapshot(problem)
    if lane_kind != "non_motor":
        return refused
    if person is None or not person.get("active") or not person.get("always_admitted"):
        return refused
    if blacklisted:
        return refused
    if not face:
        if credential is None or credential.get("person_id") != person.get("id"):
            return refused
        if credential.get("kind") not in (CredentialKind.OWNER_CARD, CredentialKind.STAFF_BADGE):
            return refused
        if credential.get("status") != CredentialStatus.ACTIVE:
            return refused
        start, end = when(credential.get("valid_from")), when(credential.get("valid_until"))
        if start is None or at < start or (end is not None and at >= end):
            return refused
    rule, message = EDGE_REASONS["edge.always_admitted"]
    note = f"断网始终放行人员通行（人员编号 {person.get('id')}）；{problem}"
    alarm = Obligation(Duty.NOTIFY_MONITORING, note=note[:200])
    return Decision(Outcome.ALLOW, "edge.always_admitted", message, rule, None, (alarm,))


def fire_exit(*, fire_on: bool, lane_direction: object) -> Decision | None:
    """S-13: while the edge's fire / emergency mode is on, a read at an exit (OUT) lane is
    admitted at once, whatever it names, and the monitoring centre is told; None otherwise
    (entries, or the mode off: decided as usual)."""
    if not fire_on or lane_direction != "out":
        return None
    rule, message = EDGE_REASONS["edge.fire_evacuation"]
    alarm = Obligation(Duty.NOTIFY_MONITORING, note="消防应急模式开启，出口放行")
    return Decision(Outcome.ALLOW, "edge.fire_evacuation", message, rule, None, (alarm,))


def fire_mode_alarm(*, on: bool, by: str = "") -> tuple[str, str]:
    """S-13 / S-05: the alarm (code, Chinese message) the edge raises when its fire mode is
    switched (the alarm carries its own time)."""
    who = f"（{by}）" if by else ""
    if on:
        return "edge.fire_on", f"边缘网关开启消防应急模式{who}：出口一律放行"
    return "edge.fire_off", f"边缘网关关闭消防应急模式{who}：恢复正常判定"


def snapshot_alarm(code: str, problem: str) -> tuple[str, str]:
    """S-05 / §12: the alarm (code, Chinese message) the edge raises when its snapshot becomes
    unusable (``code``: ``snapshot.expired``, ``snapshot.signature`` …)."""
    return code, f"边缘网关本地通行名单不可用（{problem}）：离线时将暂停放行（始终放行人员除外）"


def pend_unsupported_read() -> Decision:
    """A read the edge cannot check offline (an ID card: its look-up key stays on the server):
    the guard verifies by hand."""
    rule, message = EDGE_REASONS["edge.read_unsupported"]
    return Decision(Outcome.PENDING, "edge.read_unsupported", message, rule, Pending.VERIFY, ())


def _conflict(reason: str, edge: Decision, detail: str, note: str) -> Decision:
    """The passage recorded as the conflict ``reason``: what the edge required still stands (the
    person passed: a visitor is registered, a time limit runs), and the monitoring centre is
    alerted."""
    rule, message = EDGE_REASONS[reason]
    alarm = Obligation(Duty.NOTIFY_MONITORING, note=note[:200])
    kept = tuple(o for o in edge.obligations if o.duty is not Duty.NOTIFY_MONITORING)
    return Decision(Outcome.ALLOW, reason, f"{message}：{detail}"[:300], rule, None, (*kept, alarm))


#: The core's anti-passback refusals: judged for an upload from the presence as it stood at
#: the edge's time (:func:`passback_refusal`), not from the presence now.
PASSBACK_REASONS = frozenset({"antipassback.already_inside", "antipassback.not_inside"})


@dataclass(frozen=True)
class Passback:
    """The anti-passback facts of an uploaded admission: whether the site's policy has
    anti-passback on, the direction of the passage, and the server's presence of the card
    holder (``inside``, set at ``since``; None: none recorded)."""

    anti_passback: bool
    direction: Direction
    inside: bool | None
    since: datetime | None


def passback_refusal(facts: Passback, at: datetime) -> str | None:
    """P-02 across gates: the refusal the server's presence gives an admission the edge took at
    ``at`` without knowing it: an entry of someone already inside (entered through another gate
    and not out), an exit of someone not inside. None when the policy is off, no presence is
    recorded, or the presence was set after ``at`` (what it was at ``at`` is not known)."""
    if not facts.anti_passback or facts.inside is None or facts.since is None:
        return None
    if facts.since > at:
        return None
    if facts.direction is Direction.IN and facts.inside:
        return "antipassback.already_inside"
    if facts.direction is Direction.OUT and not facts.inside:
        return "antipassback.not_inside"
    return None


def uploaded_decision(
    edge: Decision,
    server: Decision,
    *,
    known_before_use: bool,
    invitation_taken: bool | None,
    passback: Passback | None = None,
    at: datetime | None = None,
    leave_pass_taken: bool | None = None,
) -> Decision:
    """The decision the server records for an entry an edge decided offline: the edge's own,
    unless it admitted someone the server, at that same moment, refused (``server``, judged at
    the edge's time with what the server knew), took an invitation's use that another gate
    had already taken (``invitation_taken`` False), or let a card holder in who was already
    inside, or out who was not (``passback``, the server's presence at ``at``). Then the passage
    is recorded as the conflict it is, and the monitoring centre is alerted.

    ``known_before_use``: the server's refusal rests on a change made before the offline use
    (see :data:`CHANGED_AT`). The server's own anti-passback refusal is not used: it reads the
    presence now, which may be newer than the passage.

    ``leave_pass_taken`` (T3-01): False when the student's leave pass the edge let them out on
    had already been used (at another gate, offline or online): the pass is used once, so the
    second use is the conflict ``edge.leave_pass_reused``."""
    if edge.outcome is not Outcome.ALLOW:
        return edge
    if edge.reason == "edge.fire_evacuation":
        return edge  # S-13: an evacuation opens exits to anyone; the centre was told already
    if invitation_taken is False:
        return _conflict("edge.invitation_reused", edge, edge.message, "invitation.used")
    if leave_pass_taken is False:
        return _conflict("edge.leave_pass_reused", edge, edge.message, "campus.leave_pass_used")
    if (
        server.outcome is Outcome.REFUSE
        and known_before_use
        and server.reason not in PASSBACK_REASONS
    ):
        return _conflict("edge.passed_against_rule", edge, server.message, server.reason)
    refusal = passback_refusal(passback, at) if passback is not None and at is not None else None
    if refusal is not None:
        return _conflict("edge.passback_conflict", edge, GATE_REASONS[refusal][1], refusal)
    return edge


def decision_json(decision: Decision) -> dict[str, Any]:
    """A decision as the device API answers it (without the event's id and time)."""
    return {
        "outcome": decision.outcome.value,
        "pending": decision.pending.value if decision.pending else None,
        "reason": decision.reason,
        "rule": decision.rule,
        "message": decision.message,
        "obligations": [
            {
                "duty": o.duty.value,
                "register": o.register.value if o.register else None,
                "minutes": o.minutes,
                "note": o.note,
            }
            for o in decision.obligations
        ],
    }


def decision_from_json(data: Mapping[str, Any]) -> Decision:
    """A decision an edge journaled, read back on the server; raises ``ValueError`` for one
    whose reason is not one the core or the edge gives. The rule and the message are the
    server's own for that reason (an edge of an older version may word them otherwise)."""
    reason = data.get("reason")
    known = GATE_REASONS.get(str(reason)) or EDGE_REASONS.get(str(reason))
    if known is None:
        raise ValueError(f"unknown reason {reason!r}")
    pending = data.get("pending")
    obligations = tuple(
        Obligation(
            Duty(o["duty"]),
            Register(o["register"]) if o.get("register") else None,
            o.get("minutes"),
            o.get("note") or "",
        )
        for o in data.get("obligations") or ()
    )
    return Decision(
        Outcome(data["outcome"]),
        str(reason),
        known[1],
        known[0],
        Pending(pending) if pending else None,
        obligations,
    )


# -- an edge's health as the server judges it (issue 15 §Health) ------------------------------


class EdgeTrouble(StrEnum):
    """What can be wrong with an edge as the server sees it; each is one episode at a time."""

    SILENT = "edge.silent"  # not heard from: the gate decides alone, or the box is down
    SNAPSHOT_STALE = "edge.snapshot_stale"  # heard from, but holding an old snapshot or none
    BACKLOG = "edge.backlog"  # heard from, but its journal does not drain


@dataclass(frozen=True)
class EdgeLimits:
    """When an edge is in trouble: silent longer than ``silent_after``; while heard from, its
    snapshot older than ``stale_after`` when it reported it (every delta renews it, so an edge
    that syncs and still holds an old one is refusing the server's), or none held for that long;
    more than ``backlog_above`` entries waiting to upload for ``backlog_for``."""

    silent_after: timedelta = timedelta(minutes=5)
    stale_after: timedelta = timedelta(minutes=10)
    backlog_above: int = 1000
    backlog_for: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class EdgeReport:
    """What the server knows of an edge: when it last heard from it (any request of its key;
    None: never), and what the edge last reported of itself (``reported_at``: None, never) —
    the issue time of the snapshot it held (None: none held) and its journal backlog."""

    heard_at: datetime | None
    reported_at: datetime | None = None
    snapshot_issued_at: datetime | None = None
    pending: int | None = None


@dataclass(frozen=True)
class Trouble:
    """A trouble that holds now: since when (as far as the server can tell), whether it has
    lasted long enough to alert the monitoring centre, and the alert's Chinese text."""

    kind: EdgeTrouble
    since: datetime
    due: bool
    message: str


def _minutes(span: timedelta) -> int:
    return max(0, int(span.total_seconds() // 60))


def edge_troubles(
    report: EdgeReport,
    *,
    limits: EdgeLimits,
    now: datetime,
    open_since: Mapping[EdgeTrouble, datetime] | None = None,
) -> list[Trouble]:
    """S-05 / S-06 / §12: what is wrong with an edge at ``now``, and which trouble has lasted
    long enough to alert the monitoring centre. ``open_since`` gives when each episode already
    open began; a trouble without one begins now.

    * Silent: not heard from for more than ``silent_after`` (alerted at once: the silence is
      its own duration). What it reported before it went quiet is not judged.
    * Snapshot stale: a report of the last ``silent_after`` says the edge holds no snapshot, or
      one older than ``stale_after`` when it reported. Alerted once a report made after the
      episode began still says so: the first report after an outage carries the old snapshot,
      the next one the snapshot the server just handed it.
    * Backlog: a report of the last ``silent_after`` says more than ``backlog_above`` entries
      wait to be uploaded, and they have for ``backlog_for``."""
    opened = open_since or {}
    heard = report.heard_at
    if heard is None or now - heard > limits.silent_after:
        since = opened.get(EdgeTrouble.SILENT) or heard or now
        due = heard is not None or now - since > limits.silent_after
        told = f"已 {_minutes(now - heard)} 分钟无通信" if heard is not None else "从未通信"
        message = f"边缘网关{told}：出入口可能在离线判定或已停机，请检查网络和电源"
        return [Trouble(EdgeTrouble.SILENT, since, due, message)]
    reported = report.reported_at
    if reported is None or now - reported > limits.silent_after:
        return []
    found = []
    issued = report.snapshot_issued_at
    if issued is None or reported - issued > limits.stale_after:
        since = opened.get(EdgeTrouble.SNAPSHOT_STALE) or now
        if issued is None:
            message = "边缘网关没有可用的通行名单快照：断网时将无法判定，请检查网关的公钥和日志"
        else:
            message = (
                f"边缘网关在用的通行名单快照已 {_minutes(reported - issued)} 分钟未更新"
                "（网关在线却未采用服务器下发的名单）：注销的卡可能仍被放行，请检查网关的公钥和日志"
            )
        found.append(Trouble(EdgeTrouble.SNAPSHOT_STALE, since, reported > since, message))
    if report.pending is not None and report.pending > limits.backlog_above:
        since = opened.get(EdgeTrouble.BACKLOG) or now
        message = (
            f"边缘网关有 {report.pending} 条离线记录待上传，超过 {limits.backlog_above} 条已"
            f" {_minutes(now - since)} 分钟：请检查上传是否受阻"
        )
        due = now - since >= limits.backlog_for
        found.append(Trouble(EdgeTrouble.BACKLOG, since, due, message))
    return found
