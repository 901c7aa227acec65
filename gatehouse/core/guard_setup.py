"""The security manager's set-up of a site (issue 17 §6): patrol routes, emergency plans and the
guard settings, checked before they are saved. SPEC S-04 (patrol windows), S-13 (the reporting
chain of an emergency plan) and the configuration section (the numbers the source leaves open,
per site) say what they carry; the limits here keep them usable: a round of patrol fits in a
day, a plan has someone to report to, every link acknowledges within two hours.

Pure Python: the caller hands the values; errors are ``InvalidInput`` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from gatehouse.core.errors import InvalidInput
from gatehouse.core.text import clean_text

NAME_MAX = 60
PLAN_NAME_MAX = 100
ROUNDS_MAX = 24
EVERY_MIN, EVERY_MAX = 10, 1440
GRACE_MAX = 120
STEP_MINUTES_MAX = 120
STEPS_MAX = 12


def check_name(raw: str, *, limit: int, field: str = "name") -> str:
    name = clean_text(raw, limit)
    if len(name) < 2:
        raise InvalidInput("setup.name", "请填写名称（至少2个字）", {"field": field})
    return name


@dataclass(frozen=True)
class RouteSpec:
    name: str
    rounds: int
    every_minutes: int
    window_minutes: int | None
    grace_minutes: int
    stops: tuple[str, ...]  # checkpoint keys in patrol order


def check_route(
    *,
    name: str,
    rounds: int,
    every_minutes: int,
    window_minutes: int | None,
    grace_minutes: int,
    orders: Mapping[str, int | None],
) -> RouteSpec:
    """A patrol route (S-04): ``orders`` gives each checkpoint's place on the route (None: not
    on it); places must be distinct; the rounds must fit in a day."""
    clean = check_name(name, limit=NAME_MAX)
    if not 1 <= rounds <= ROUNDS_MAX:
        raise InvalidInput("route.rounds", f"轮数应在1到{ROUNDS_MAX}之间", {"field": "rounds"})
    if not EVERY_MIN <= every_minutes <= EVERY_MAX:
        raise InvalidInput(
            "route.every",
            f"每轮间隔应在{EVERY_MIN}到{EVERY_MAX}分钟之间",
            {"field": "every_minutes"},
        )
    if rounds * every_minutes > EVERY_MAX:
        raise InvalidInput("route.too_long", "全部轮次应在24小时内完成", {"field": "rounds"})
    if window_minutes is not None and not 1 <= window_minutes <= every_minutes:
        raise InvalidInput(
            "route.window", "每轮时限应在1分钟到每轮间隔之间", {"field": "window_minutes"}
        )
    if not 0 <= grace_minutes <= GRACE_MAX:
        raise InvalidInput(
            "route.grace", f"宽限应在0到{GRACE_MAX}分钟之间", {"field": "grace_minutes"}
        )
    chosen = [(order, key) for key, order in orders.items() if order is not None]
    if not chosen:
        raise InvalidInput("route.no_stops", "请至少为一个巡更点填写顺序", {"field": "__all__"})
    places = [order for order, _key in chosen]
    if len(set(places)) != len(places):
        raise InvalidInput("route.order_twice", "巡更点的顺序不能重复", {"field": "__all__"})
    stops = tuple(key for _order, key in sorted(chosen))
    return RouteSpec(clean, rounds, every_minutes, window_minutes, grace_minutes, stops)


@dataclass(frozen=True)
class StepSpec:
    who: str
    minutes: int
    phone: str


def parse_chain(text: str) -> tuple[StepSpec, ...]:
    """The reporting chain (S-13, 逐级报告), one link a line: ``报告对象，时限分钟[，电话]``
    (Chinese or ASCII commas). Each link once, acknowledged within 1–120 minutes."""
    steps: list[StepSpec] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        details = {"field": "chain", "line": number}
        if len(parts) not in (2, 3) or not parts[0]:
            raise InvalidInput(
                "plan.chain_line",
                f"第{number}行格式不对，应为：报告对象，确认时限（分钟），电话（可省）",
                details,
            )
        who = clean_text(parts[0], 50)
        try:
            minutes = int(parts[1])
        except ValueError:
            minutes = 0
        if not 1 <= minutes <= STEP_MINUTES_MAX:
            raise InvalidInput(
                "plan.chain_minutes",
                f"第{number}行的确认时限应在1到{STEP_MINUTES_MAX}分钟之间",
                details,
            )
        phone = clean_text(parts[2], 20) if len(parts) == 3 else ""
        if any(s.who == who for s in steps):
            raise InvalidInput("plan.chain_twice", f"第{number}行：{who}已在报告链中", details)
        steps.append(StepSpec(who, minutes, phone))
    if not steps:
        raise InvalidInput("plan.chain_empty", "报告链至少要有一级", {"field": "chain"})
    if len(steps) > STEPS_MAX:
        raise InvalidInput("plan.chain_long", f"报告链最多{STEPS_MAX}级", {"field": "chain"})
    return tuple(steps)


def chain_text(steps: Sequence[StepSpec]) -> str:
    """The chain as the form shows it (the inverse of :func:`parse_chain`)."""
    return "\n".join(f"{s.who}，{s.minutes}" + (f"，{s.phone}" if s.phone else "") for s in steps)


#: The guard settings' bounds: field → (least, most).
SETTING_BOUNDS: dict[str, tuple[int, int]] = {
    "early_minutes": (0, 60),
    "ack_critical_minutes": (1, 30),
    "ack_high_minutes": (1, 60),
    "ack_medium_minutes": (1, 120),
    "ack_low_minutes": (1, 240),
    "answer_within_minutes": (1, 240),
    "follow_up_within_hours": (1, 168),
    "visit_back_within_days": (1, 60),
    "repeat_within_days": (1, 3650),
    "fine_fen": (0, 1_000_000),
}


def check_settings(values: Mapping[str, int | None]) -> dict[str, int | None]:
    """Each number within its bounds (``repeat_within_days`` may be left open); acknowledgement
    times ordered from the critical to the minor (a critical anomaly is never given longer)."""
    out: dict[str, int | None] = {}
    for field, (low, high) in SETTING_BOUNDS.items():
        value = values.get(field)
        if value is None and field == "repeat_within_days":
            out[field] = None
            continue
        if value is None or not low <= value <= high:
            raise InvalidInput(
                "settings.range",
                f"应在{low}到{high}之间",
                {"field": field, "low": low, "high": high},
            )
        out[field] = value
    acks = [out[f] for f in ("ack_critical_minutes", "ack_high_minutes", "ack_medium_minutes")]
    acks.append(out["ack_low_minutes"])
    if any(a is not None and b is not None and a > b for a, b in pairwise(acks)):
        raise InvalidInput(
            "settings.ack_order",
            "确认时限应按特急、紧急、一般、轻微依次不减",
            {"field": "ack_high_minutes"},
        )
    return out
