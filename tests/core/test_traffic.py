"""The parking-violation rules (issue 17 §5; seed T7 第七–十一条, 第十四条). SPEC has no id for
them; the reasons name T7's articles (``T7-14``) and the tests say so."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.traffic import (
    ARTICLE,
    REASONS,
    Kind,
    Policy,
    Step,
    StepDone,
    check_outcome,
    check_step,
    escalation,
    handled,
    repeat_count,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SH)
DAY = timedelta(days=1)
POLICY = Policy()


@pytest.mark.parametrize(
    ("kind", "count", "step", "reason"),
    [
        # rule T7-14: by seriousness — persuasion first for the everyday kinds
        (Kind.OTHERS_BAY, 1, Step.WARNING, "violation.warning"),
        (Kind.DISABLED_BAY, 1, Step.WARNING, "violation.warning"),
        (Kind.SPEEDING, 1, Step.WARNING, "violation.warning"),
        (Kind.HORN, 1, Step.WARNING, "violation.warning"),
        # rule T7-14: a blocked fire lane and damage are told to the employer at once
        (Kind.FIRE_LANE, 1, Step.EMPLOYER, "violation.employer_serious"),
        (Kind.DAMAGE, 1, Step.EMPLOYER, "violation.employer_serious"),
        # rule T7-14: repeats raise the step (the 2nd: employer; the 3rd: police)
        (Kind.HORN, 2, Step.EMPLOYER, "violation.employer_repeat"),
        (Kind.FIRE_LANE, 2, Step.EMPLOYER, "violation.employer_repeat"),
        (Kind.OTHERS_BAY, 3, Step.POLICE, "violation.police_repeat"),
        (Kind.DAMAGE, 7, Step.POLICE, "violation.police_repeat"),
    ],
)
def test_t7_14_the_step_a_violation_calls_for(
    kind: Kind, count: int, step: Step, reason: str
) -> None:
    found = escalation(kind, count=count, policy=POLICY)  # rule T7-14
    assert found.step is step
    assert found.reason == reason
    assert found.rule == REASONS[reason][0] == "T7-14"
    assert found.count == count
    assert found.message == REASONS[reason][1].format(n=count, days=90)


def test_t7_14_the_repeat_message_counts_in_the_site_s_window() -> None:
    found = escalation(Kind.HORN, count=2, policy=Policy(window_days=30))  # rule T7-14
    assert found.message == "该车30天内第2次违规：当场劝阻，并通报驾驶人所在单位或车主"


def test_t7_14_a_site_may_set_its_own_thresholds() -> None:
    strict = Policy(employer_at=1, police_at=2)  # rule T7-14
    assert escalation(Kind.HORN, count=1, policy=strict).step is Step.EMPLOYER
    assert escalation(Kind.HORN, count=2, policy=strict).step is Step.POLICE
    lenient = Policy(employer_at=3, police_at=5)
    assert escalation(Kind.HORN, count=2, policy=lenient).step is Step.WARNING
    assert (
        escalation(Kind.FIRE_LANE, count=2, policy=lenient).reason == "violation.employer_serious"
    )


def test_t7_14_repeats_are_counted_within_the_window_only() -> None:
    earlier = [NOW - 89 * DAY, NOW - 90 * DAY, NOW - 200 * DAY, NOW + DAY]  # rule T7-14
    # this one, and the one 89 days ago; exactly 90 days ago is outside; later ones do not count
    assert repeat_count(earlier, NOW, POLICY) == 2
    assert repeat_count([], NOW, POLICY) == 1


def test_every_kind_names_its_article_of_t7() -> None:
    assert set(ARTICLE) == set(Kind)
    assert ARTICLE[Kind.FIRE_LANE] == "T7-11"
    assert ARTICLE[Kind.DAMAGE] == "T7-08"
    assert ARTICLE[Kind.HORN] == "T7-09"
    assert ARTICLE[Kind.SPEEDING] == "T7-07"


@pytest.mark.parametrize(
    "changes",
    [
        {"window_days": 0},
        {"employer_at": 0},
        {"police_at": True},
        {"window_days": 731},
        {"employer_at": 3, "police_at": 2},
    ],
)
def test_a_policy_that_cannot_be_read_is_refused(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput) as caught:
        Policy(**changes)  # type: ignore[arg-type]
    assert caught.value.code == "violation.policy"


def test_a_count_below_one_is_refused() -> None:
    with pytest.raises(InvalidInput):
        escalation(Kind.HORN, count=0, policy=POLICY)


def test_t7_14_each_step_is_recorded_once_and_not_before_the_report() -> None:
    done = [StepDone(Step.WARNING, NOW)]  # rule T7-14
    check_step(Step.EMPLOYER, done, at=NOW, reported_at=NOW)
    with pytest.raises(DomainError) as twice:
        check_step(Step.WARNING, done, at=NOW, reported_at=NOW)
    assert twice.value.code == "violation.step_twice"
    with pytest.raises(DomainError) as early:
        check_step(Step.POLICE, done, at=NOW - DAY, reported_at=NOW)
    assert early.value.code == "violation.step_before"


def test_t7_14_the_police_outcome_follows_the_call_once() -> None:
    with pytest.raises(DomainError) as none:
        check_outcome([StepDone(Step.WARNING, NOW)], "交警到场")  # rule T7-14
    assert none.value.code == "violation.no_police"
    check_outcome([StepDone(Step.POLICE, NOW)], "交警到场贴单，车已挪走")
    with pytest.raises(DomainError) as twice:
        check_outcome([StepDone(Step.POLICE, NOW, "已挪车")], "再次登记")
    assert twice.value.code == "violation.outcome_twice"
    with pytest.raises(InvalidInput):
        check_outcome([StepDone(Step.POLICE, NOW)], " ")


def test_t7_14_handled_once_a_step_as_high_as_required_is_done() -> None:
    warned = [StepDone(Step.WARNING, NOW)]  # rule T7-14
    assert handled(Step.WARNING, warned)
    assert not handled(Step.EMPLOYER, warned)
    told = [*warned, StepDone(Step.EMPLOYER, NOW)]
    assert handled(Step.EMPLOYER, told)
    assert not handled(Step.POLICE, told)
    called = [*told, StepDone(Step.POLICE, NOW)]
    assert not handled(Step.POLICE, called)  # the outcome is still to come
    assert handled(Step.POLICE, [*told, StepDone(Step.POLICE, NOW, "交警到场处理")])
    assert handled(Step.WARNING, [StepDone(Step.EMPLOYER, NOW)])


def test_naive_times_are_refused() -> None:
    with pytest.raises(InvalidInput):
        repeat_count([], NOW.replace(tzinfo=None), POLICY)
