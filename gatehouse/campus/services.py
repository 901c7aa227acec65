"""Campus closed management (seed template T3): a parent books a pick-up or visit that the
class teacher confirms (T3-02, an invitation that waits for its host), and the class teacher
issues a leave pass that lets a student out during school hours (T3-01, judged by
:mod:`gatehouse.core.campus` at the gate)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.campus import selectors
from gatehouse.campus.models import FoodSample, LeavePass, Meal
from gatehouse.core import campus as rules
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.text import clean_text
from gatehouse.people.models import Guardianship, Person, PersonKind
from gatehouse.sites.models import Site
from gatehouse.visitors.invitations import invitation_create
from gatehouse.visitors.models import Invitation

PICKUP_PURPOSE = "接孩子"


def _teacher_of_student(student: Person) -> Person:
    house = selectors.class_of(student)
    teacher = selectors.class_teacher_of(house) if house is not None else None
    if teacher is None:
        raise DomainError("campus.no_class_teacher", "该学生的班级没有登记班主任，请联系学校")
    return teacher


@transaction.atomic
def pickup_book(
    *,
    parent: Person,
    student: Person,
    actor: Actor,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    purpose: str = "",
) -> Invitation:
    """T3-02: a parent books a pick-up (or a visit) of their child; the class teacher is the
    host and must confirm before the gate admits the parent."""
    if parent.kind != PersonKind.PARENT or not parent.is_active:
        raise DomainError("campus.not_parent", "只有登记的家长可以预约接送")
    if not Guardianship.objects.filter(parent=parent, student=student).exists():
        raise InvalidInput("campus.not_your_child", "只能为自己的孩子预约", {"field": "student"})
    teacher = _teacher_of_student(student)
    return invitation_create(
        host=teacher,
        actor=actor,
        visitor_name=parent.name,
        purpose=clean_text(purpose, 200) or f"{PICKUP_PURPOSE}（{student.name}）",
        window_start=window_start,
        window_end=window_end,
        max_uses=1,
        now=now,
        house=selectors.class_of(student),
        booked_by=parent,
        pupil=student,
    )


def _check_teacher(teacher: Person, student: Person) -> None:
    if teacher.kind != PersonKind.TEACHER or not teacher.is_active:
        raise DomainError("leave_pass.not_teacher", "只有老师可以开具请假条")
    if student.site_id != teacher.site_id or student.kind != PersonKind.STUDENT:
        raise InvalidInput("leave_pass.student", "请选择本校学生", {"field": "student"})
    house = selectors.class_of(student)
    if house is None or selectors.class_teacher_of(house) != teacher:
        raise DomainError("leave_pass.not_class_teacher", "只有该生的班主任可以开具请假条")


@transaction.atomic
def leave_pass_issue(
    *,
    teacher: Person,
    student: Person,
    actor: Actor,
    reason: str,
    window_start: datetime,
    window_end: datetime,
    now: datetime,
    picked_up_by: str = "",
) -> LeavePass:
    """T3-01: the class teacher issues a leave pass for a window; used once at the gate."""
    _check_teacher(teacher, student)
    text = clean_text(reason, 200)
    if not text:
        raise InvalidInput("leave_pass.reason_empty", "请填写请假事由", {"field": "reason"})
    problem = rules.leave_pass_problem(window_start=window_start, window_end=window_end, now=now)
    if problem is not None:
        raise InvalidInput(problem[0], problem[1], {"field": "window_end"})
    lp = LeavePass.objects.create(
        site_id=teacher.site_id,
        student=student,
        teacher=teacher,
        reason=text,
        picked_up_by=clean_text(picked_up_by, 50),
        window_start=window_start,
        window_end=window_end,
        issued_at=now,
        issued_by=actor_or_none(actor),
    )
    audit_record(action="leave_pass.issue", obj=lp, actor=actor, after=snapshot(lp), at=now)
    return lp


@transaction.atomic
def leave_pass_revoke(
    *, leave_pass: LeavePass, teacher: Person, actor: Actor, now: datetime
) -> LeavePass:
    lp = LeavePass.objects.select_for_update().get(pk=leave_pass.pk)
    if lp.teacher_id != teacher.pk:
        raise DomainError("leave_pass.not_teacher", "只有开具的老师可以撤销请假条")
    if lp.used_at is not None:
        raise DomainError("leave_pass.used", "学生已凭此请假条出校，不能撤销")
    if lp.revoked_at is not None:
        raise DomainError("leave_pass.revoked", "该请假条已经撤销")
    before = snapshot(lp)
    lp.revoked_at = now
    lp.save(update_fields=["revoked_at"])
    audit_record(
        action="leave_pass.revoke", obj=lp, actor=actor, before=before, after=snapshot(lp), at=now
    )
    return lp


# -- the canteen's 留样 (T3-03) ------------------------------------------------------------------


@transaction.atomic
def sample_record(
    *,
    site: Site,
    actor: Actor,
    meal: str,
    dish: str,
    grams: int,
    kept_at: datetime,
    keeper: str,
    now: datetime,
) -> FoodSample:
    """T3-03: record a dish's sample; its disposal falls due 48 hours later."""
    if meal not in Meal.values:
        raise InvalidInput("sample.meal", "请选择餐次", {"field": "meal"})
    name = clean_text(dish, 100)
    if not name:
        raise InvalidInput("sample.dish_empty", "请填写菜品", {"field": "dish"})
    who = clean_text(keeper, 50)
    if not who:
        raise InvalidInput("sample.keeper_empty", "请填写留样人", {"field": "keeper"})
    problem = rules.sample_problem(grams=grams, kept_at=kept_at, now=now)
    if problem is not None:
        raise InvalidInput(problem[0], problem[1], {"field": "grams"})
    sample = FoodSample.objects.create(
        site=site,
        meal=meal,
        dish=name,
        grams=grams,
        kept_at=kept_at,
        keeper=who,
        dispose_due=rules.sample_dispose_due(kept_at),
        recorded_by=actor_or_none(actor),
    )
    audit_record(action="sample.record", obj=sample, actor=actor, after=snapshot(sample), at=now)
    return sample


@transaction.atomic
def sample_dispose(*, sample: FoodSample, actor: Actor, by: str, now: datetime) -> FoodSample:
    """T3-03: dispose of a sample once its 48 hours are over."""
    row = FoodSample.objects.select_for_update().get(pk=sample.pk)
    problem = rules.dispose_problem(kept_at=row.kept_at, disposed_at=row.disposed_at, now=now)
    if problem is not None:
        raise DomainError(problem[0], problem[1])
    who = clean_text(by, 50)
    if not who:
        raise InvalidInput("sample.disposer_empty", "请填写处理人", {"field": "by"})
    before = snapshot(row)
    row.disposed_at, row.disposed_by = now, who
    row.save(update_fields=["disposed_at", "disposed_by"])
    audit_record(
        action="sample.dispose", obj=row, actor=actor, before=before, after=snapshot(row), at=now
    )
    return row
