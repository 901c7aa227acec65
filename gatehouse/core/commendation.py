"""文明物业小区 selection and the rotating red flag (流动红旗) between communities (issue 17 §3;
sources T6 "开展‘文明物业小区’评选活动" and "一栏四牌"、流动红旗; T5 表彰奖励; SPEC GV-01, GV-04).

Pure: handed each community's standing over a period as plain values.

For a period (a month or a quarter) the association looks at every community it rates:

* its *score* — the total of its latest annual assessment (GV-01) up to the period's end;
* whether its company was *under a warning* (GV-04) on any day of the period;
* how many rectification items or notices went *overdue* within the period.

A community is *selected as a 文明物业小区* with a score of at least :data:`CIVILISED_MIN`
(three stars), no warning and nothing overdue. The *red flag* goes to the community with the
highest score among those with at least :data:`FLAG_MIN`, no warning and nothing overdue; on a
tie the holder of the period before keeps it, else the first by name. Nobody eligible: the flag
is withheld for the period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gatehouse.core.errors import InvalidInput

CIVILISED_MIN = Decimal(90)
FLAG_MIN = Decimal(80)


@dataclass(frozen=True)
class Standing:
    key: int
    name: str
    score: Decimal | None
    warned: bool
    overdue: int


@dataclass(frozen=True)
class Verdict:
    key: int
    civilised: bool
    flag_eligible: bool
    code: str
    message: str


@dataclass(frozen=True)
class Award:
    winner: int | None
    code: str
    message: str
    verdicts: tuple[Verdict, ...]


def _verdict(s: Standing) -> Verdict:
    if s.score is None:
        return Verdict(s.key, False, False, "no_score", "尚无年度考核得分")
    if s.warned:
        return Verdict(s.key, False, False, "warned", "评比期间物业服务企业处于警示期")
    if s.overdue:
        return Verdict(s.key, False, False, "overdue", f"评比期间有{s.overdue}项逾期未整改")
    if s.score < FLAG_MIN:
        return Verdict(s.key, False, False, "low_score", f"考核得分{s.score}分，低于{FLAG_MIN}分")
    if s.score < CIVILISED_MIN:
        return Verdict(s.key, False, True, "flag_only", f"考核得分{s.score}分，可参评流动红旗")
    return Verdict(s.key, True, True, "civilised", f"考核得分{s.score}分，无警示、无逾期整改")


def check_period(start: date | None, end: date | None) -> None:
    if start is None or end is None:
        raise InvalidInput("award.period_empty", "请填写评比期间", {"field": "period_start"})
    if end < start:
        raise InvalidInput(
            "award.period_order", "评比期间结束日期不能早于开始日期", {"field": "period_end"}
        )


def award(standings: Sequence[Standing], *, holder: int | None = None) -> Award:
    """Rule GV-04 with GV-01: the period's 文明物业小区 and who holds the red flag."""
    verdicts = tuple(_verdict(s) for s in standings)
    by_key = {s.key: s for s in standings}
    eligible = [by_key[v.key] for v in verdicts if v.flag_eligible]
    if not eligible:
        return Award(None, "withheld", "本期无符合条件的小区，流动红旗暂不授予", verdicts)
    best = max(s.score or Decimal(0) for s in eligible)
    top = sorted((s for s in eligible if s.score == best), key=lambda s: (s.name, s.key))
    if holder is not None and any(s.key == holder for s in top):
        return Award(holder, "kept", f"以{best}分保持流动红旗", verdicts)
    winner = top[0]
    code = "first" if holder is None else "moved"
    return Award(winner.key, code, f"{winner.name}以{best}分获得流动红旗", verdicts)
