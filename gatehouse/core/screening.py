"""Screenings with follow-up and campaigns with the police at a school (seed template T3 rows
5, 6, 10–13): pure rules, handed ``today``/``now``, no Django.

A screening case is one of three kinds — mental health (students and staff), a dispute among
students (parties, cause, mediation), key personnel (cleaners, guards, canteen staff:
background, health certificate, conduct). Its narrative is restricted: only the role that
handles the kind reads it; anyone else sees that the case exists, with the text masked.

Rule ids (cited by the tests, SPEC has no campus section yet):

* T3-05 — a case's restricted fields are read only by the role handling its kind (心理老师 for
  mental health, 德育安保主任 for disputes and key personnel) and every such reading is
  audited; others see “受限”. A follow-up not done by its due date is overdue; an isolated
  student's case (T3·12) closes only after a care follow-up has been done; a case closes with
  who and why, once.
* T3-06 — a campaign with the police (收缴管制刀具, 防坠楼) inspects its places and keeps
  its findings (the hazard findings of S-11) with deadlines; its progress counts the places
  done, the findings open and those overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

#: What another user sees in place of a restricted field.
MASKED = "受限"


class Kind(StrEnum):
    MENTAL_HEALTH = "mental_health"
    DISPUTE = "dispute"
    KEY_PERSONNEL = "key_personnel"


class Risk(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


#: The role (by its code) that handles each kind and so reads its restricted fields.
COUNSELLOR = "counsellor"
SCHOOL_SAFETY = "school_safety"
HANDLERS: dict[Kind, frozenset[str]] = {
    Kind.MENTAL_HEALTH: frozenset({COUNSELLOR}),
    Kind.DISPUTE: frozenset({SCHOOL_SAFETY}),
    Kind.KEY_PERSONNEL: frozenset({SCHOOL_SAFETY}),
}

#: Person kinds (by code) a case of each kind may be about.
STUDENT = "student"
STAFF = frozenset({"teacher", "school_staff"})
KEY_STAFF = frozenset({"school_staff", "guard", "property_staff", "other"})
SUBJECTS: dict[Kind, frozenset[str]] = {
    Kind.MENTAL_HEALTH: frozenset({STUDENT}) | STAFF,
    Kind.DISPUTE: frozenset({STUDENT}),
    Kind.KEY_PERSONNEL: KEY_STAFF,
}


def may_read(kind: str, roles: Iterable[str]) -> bool:
    """T3-05: whether a user holding ``roles`` reads the restricted fields of a ``kind`` case."""
    return bool(HANDLERS[Kind(kind)] & set(roles))


def shown(value: str, *, readable: bool) -> str:
    """T3-05: the value itself for its handler, “受限” for everyone else (empty stays empty)."""
    if not value:
        return ""
    return value if readable else MASKED


def subject_problem(kind: str, person_kind: str) -> tuple[str, str] | None:
    """What is wrong with opening a ``kind`` case about a person of ``person_kind``."""
    try:
        k = Kind(kind)
    except ValueError:
        return ("screening.kind", "请选择排查类型")
    if person_kind not in SUBJECTS[k]:
        messages = {
            Kind.MENTAL_HEALTH: "心理健康排查的对象应为本校学生或教职工",
            Kind.DISPUTE: "矛盾纠纷排查的对象应为本校学生",
            Kind.KEY_PERSONNEL: "重点人员排查的对象应为保洁、保安、食堂等工作人员",
        }
        return ("screening.subject", messages[k])
    return None


def followup_overdue(*, due_on: date, done_on: date | None, today: date) -> bool:
    """T3-05: a follow-up not done by the end of its due day is overdue."""
    return done_on is None and today > due_on


def followup_problem(*, action: str, due_on: date, today: date) -> tuple[str, str] | None:
    if not action:
        return ("followup.action", "请填写跟进措施")
    if due_on < today:
        return ("followup.due_past", "完成期限不能早于今天")
    return None


def done_problem(
    *, done_on: date | None, done: date, created: date, today: date
) -> tuple[str, str] | None:
    if done_on is not None:
        return ("followup.done", "该跟进措施已经完成")
    if done > today or done < created:
        return ("followup.done_on", "完成日期不正确")
    return None


@dataclass(frozen=True, slots=True)
class FollowUpFacts:
    done: bool
    care: bool


def close_problem(
    *, closed: bool, reason: str, isolated: bool, followups: Iterable[FollowUpFacts]
) -> tuple[str, str] | None:
    """T3-05: a case closes once, with a reason, when its follow-ups are done; an isolated
    student's case (T3·12) needs at least one care or counselling follow-up done first."""
    if closed:
        return ("screening.closed", "该案例已经结案")
    if not reason:
        return ("screening.close_reason", "请填写结案理由")
    items = list(followups)
    if any(not f.done for f in items):
        return ("screening.open_followups", "还有未完成的跟进措施，不能结案")
    if isolated and not any(f.done and f.care for f in items):
        return ("screening.no_care", "孤立学生须完成关爱帮扶或心理辅导后才能结案")
    return None


# -- campaigns with the police (T3·11 收缴管制刀具, T3·13 防坠楼) --------------------------------


class CampaignKind(StrEnum):
    KNIVES = "knives"
    FALLS = "falls"


class Measure(StrEnum):
    """防坠楼's three kinds of defence at a key place."""

    PEOPLE = "people"  # 人防
    PHYSICAL = "physical"  # 物防
    TECHNICAL = "technical"  # 技防


@dataclass(frozen=True, slots=True)
class FindingFacts:
    deadline: date
    fixed_on: date | None


@dataclass(frozen=True, slots=True)
class Progress:
    places_done: int
    places_total: int
    findings_open: int
    findings_overdue: int
    findings_total: int

    @property
    def percent(self) -> int:
        if not self.places_total:
            return 0
        return self.places_done * 100 // self.places_total


def campaign_progress(
    *, places: Iterable[bool], findings: Iterable[FindingFacts], today: date
) -> Progress:
    """T3-06: places inspected of all, findings still open, and open past their deadline."""
    done = list(places)
    found = list(findings)
    still_open = [f for f in found if f.fixed_on is None]
    return Progress(
        places_done=sum(1 for d in done if d),
        places_total=len(done),
        findings_open=len(still_open),
        findings_overdue=sum(1 for f in still_open if today > f.deadline),
        findings_total=len(found),
    )


def campaign_problem(
    *, title: str, partner: str, starts_on: date, ends_on: date
) -> tuple[str, str] | None:
    if not title:
        return ("campaign.title", "请填写专项行动名称")
    if not partner:
        return ("campaign.partner", "请填写协同的派出所")
    if ends_on < starts_on:
        return ("campaign.dates", "结束日期不能早于开始日期")
    return None
