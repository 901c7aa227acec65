"""Vehicles inside the site: the parking-violation register's rules (issue 17 §5; seed T7).

SPEC has no rule id for driving and parking inside the site; the rules come from T7 (苏州工业园区
优租房小区机动车辆管理规定) and the reasons name its articles as their rule (``T7-11`` …):

* 第七条 drive by the signs and lines, slowly, pedestrians first (speeding);
* 第八条 no driving over greenery or damaging public facilities, damage paid for (damage);
* 第九条 no horns, no repairs, driving practice or lessons (horn, repair/practice);
* 第十一条 park in bays only: not in another's bay, not across bays, not on pavements, roads,
  green belts, in a disabled bay or a fire lane (parking);
* 第十四条 a violation is handled by its seriousness ("根据情节轻重"): persuasion (劝阻), telling
  the driver's employer (通报所在单位), or calling the police (报警).

:func:`escalation` decides the step a violation calls for: the step of its kind (blocking a fire
lane or damaging facilities is told to the employer at once; the rest start with persuasion)
raised by the plate's repeats — the site's policy says from which violation within how many days
the employer is told and the police called (T7 leaves the numbers to the property; the defaults
are the 2nd and the 3rd within 90 days). :func:`check_step` says whether a step may be recorded
(each once; the police step with its outcome, which may follow later) and :func:`handled`
whether the steps done answer the step required.

Pure Python: handed the facts and ``now``, it reads no clock and no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from gatehouse.core.errors import DomainError, InvalidInput

WINDOW_DAYS_MAX = 730
NOTE_MAX = 300


class Kind(StrEnum):
    FIRE_LANE = "fire_lane"  # 占用消防通道（含消防登高位）
    OTHERS_BAY = "others_bay"  # 占用他人专用车位
    DISABLED_BAY = "disabled_bay"  # 占用残疾人专用车位
    OFF_BAY = "off_bay"  # 跨车位或在车位以外（人行道、车行道、绿化带）停放
    SPEEDING = "speeding"  # 超速、未缓速行驶
    HORN = "horn"  # 鸣喇叭
    REPAIR = "repair"  # 在园内修车、练车
    DAMAGE = "damage"  # 碾压绿化、损坏公共设施


class Step(IntEnum):
    """The ways of handling a violation (T7 第十四条), in rising order."""

    WARNING = 1  # 劝阻、警告
    EMPLOYER = 2  # 通报所在单位（或车主）
    POLICE = 3  # 报警


#: The article of T7 each kind breaks.
ARTICLE: dict[Kind, str] = {
    Kind.FIRE_LANE: "T7-11",
    Kind.OTHERS_BAY: "T7-11",
    Kind.DISABLED_BAY: "T7-11",
    Kind.OFF_BAY: "T7-11",
    Kind.SPEEDING: "T7-07",
    Kind.HORN: "T7-09",
    Kind.REPAIR: "T7-09",
    Kind.DAMAGE: "T7-08",
}

#: The step a kind calls for on its own: a blocked fire lane and damage are serious (情节较重).
BASE_STEP: dict[Kind, Step] = dict.fromkeys(Kind, Step.WARNING) | {
    Kind.FIRE_LANE: Step.EMPLOYER,
    Kind.DAMAGE: Step.EMPLOYER,
}

# reason code -> (rule, Chinese sentence; ``{n}`` the plate's count in the window, ``{days}``)
REASONS: dict[str, tuple[str, str]] = {
    "violation.warning": ("T7-14", "首次违规：当场劝阻、警告，请驾驶人立即改正"),
    "violation.employer_serious": (
        "T7-14",
        "情节较重（占用消防通道或损坏设施）：当场劝阻，并通报驾驶人所在单位或车主",
    ),
    "violation.employer_repeat": (
        "T7-14",
        "该车{days}天内第{n}次违规：当场劝阻，并通报驾驶人所在单位或车主",
    ),
    "violation.police_repeat": (
        "T7-14",
        "该车{days}天内第{n}次违规：屡劝不改，报警处理，并通报所在单位",
    ),
}

STEP_WORDS: dict[Step, str] = {
    Step.WARNING: "劝阻警告",
    Step.EMPLOYER: "通报所在单位",
    Step.POLICE: "报警",
}


@dataclass(frozen=True, slots=True)
class Policy:
    """A site's repeat thresholds (T7 第十四条 leaves them to the property)."""

    window_days: int = 90
    employer_at: int = 2  # the plate's Nth violation in the window is told to the employer
    police_at: int = 3  # the Nth calls the police

    def __post_init__(self) -> None:
        for name in ("window_days", "employer_at", "police_at"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInput(
                    "violation.policy", "违规升级设置必须是正整数。", {"field": name}
                )
        if self.window_days > WINDOW_DAYS_MAX:
            raise InvalidInput(
                "violation.policy",
                f"统计期间最长{WINDOW_DAYS_MAX}天。",
                {"field": "window_days"},
            )
        if self.police_at < self.employer_at:
            raise InvalidInput(
                "violation.policy",
                "报警的次数不能少于通报所在单位的次数。",
                {"field": "police_at"},
            )


@dataclass(frozen=True, slots=True)
class Escalation:
    """What a violation calls for: the step, why (reason, rule, sentence), and the plate's
    count of violations in the window, this one included."""

    step: Step
    reason: str
    rule: str
    message: str
    count: int


def _aware(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput("time.naive", "时间必须带时区。", {"field": field})
    return moment


def repeat_count(earlier: Iterable[datetime], at: datetime, policy: Policy) -> int:
    """The plate's violations in the window ending at ``at``, the one at ``at`` included:
    ``earlier`` are the times of its other violations (later ones are not counted)."""
    _aware(at, "at")
    since = at - timedelta(days=policy.window_days)
    return 1 + sum(1 for t in earlier if since < _aware(t, "earlier") <= at)


def escalation(kind: Kind, *, count: int, policy: Policy) -> Escalation:
    """The step a violation of ``kind`` calls for, the plate's ``count``-th in the window
    (T7 第十四条: by seriousness; repeats raise it)."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise InvalidInput("violation.count", "违规次数必须是正整数。", {"field": "count"})
    if count >= policy.police_at:
        reason = "violation.police_repeat"
    elif count >= policy.employer_at:
        reason = "violation.employer_repeat"
    elif BASE_STEP[kind] >= Step.EMPLOYER:
        reason = "violation.employer_serious"
    else:
        reason = "violation.warning"
    step = {
        "violation.police_repeat": Step.POLICE,
        "violation.employer_repeat": Step.EMPLOYER,
        "violation.employer_serious": Step.EMPLOYER,
        "violation.warning": Step.WARNING,
    }[reason]
    rule, template = REASONS[reason]
    return Escalation(step, reason, rule, template.format(n=count, days=policy.window_days), count)


@dataclass(frozen=True, slots=True)
class StepDone:
    """A step recorded on a violation; ``outcome`` is the police's result (出警结果)."""

    step: Step
    at: datetime
    outcome: str = ""


def check_step(
    step: Step, done: Iterable[StepDone], *, at: datetime, reported_at: datetime
) -> None:
    """May ``step`` be recorded at ``at`` on a violation reported at ``reported_at`` with the
    steps ``done``? Each step once, not before the violation was reported."""
    _aware(at, "at")
    if at < _aware(reported_at, "reported_at"):
        raise DomainError(
            "violation.step_before", "处理时间不能早于违规登记时间。", {"field": "at"}
        )
    if any(d.step is step for d in done):
        raise DomainError(
            "violation.step_twice",
            f"“{STEP_WORDS[step]}”已经登记过了。",
            {"field": "step"},
        )


def check_outcome(done: Iterable[StepDone], outcome: str) -> None:
    """The police's outcome is recorded once, on a violation whose police step is recorded."""
    police = next((d for d in done if d.step is Step.POLICE), None)
    if police is None:
        raise DomainError("violation.no_police", "尚未登记报警，不能登记出警结果。", {})
    if police.outcome:
        raise DomainError("violation.outcome_twice", "出警结果已经登记过了。", {})
    if len(outcome.strip()) < 2:
        raise InvalidInput(
            "violation.outcome", "请填写出警结果（至少2个字）。", {"field": "outcome"}
        )


def handled(required: Step, done: Iterable[StepDone]) -> bool:
    """Whether the steps ``done`` answer ``required``: a step at least as high is recorded
    (and a police step has its outcome)."""
    return any(d.step >= required and (d.step is not Step.POLICE or d.outcome) for d in done)
