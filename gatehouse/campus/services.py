"""Campus closed management (seed template T3): a parent books a pick-up or visit that the
class teacher confirms (T3-02, an invitation that waits for its host), and the class teacher
issues a leave pass that lets a student out during school hours (T3-01, judged by
:mod:`gatehouse.core.campus` at the gate)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.admission.uploads import check_upload, extension
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.campus import selectors
from gatehouse.campus.models import (
    CheckArea,
    Delivery,
    FoodSample,
    GuardCheck,
    GuardLodging,
    GuardMeal,
    LeavePass,
    Meal,
    Supplier,
    SupplierCertificate,
)
from gatehouse.core import campus as rules
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_mobile, parse_uscc
from gatehouse.core.masking import mask_phone
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


# -- 索证索票 (T3-04): suppliers, their certificates, the deliveries accepted --------------------

#: A certificate's copy: a scan or a phone photo.
COPY_TYPES = (".pdf", ".jpg", ".jpeg", ".png")


def _refuse(problem: tuple[str, str, str] | None) -> None:
    if problem is not None:
        raise InvalidInput(problem[0], problem[1], {"field": problem[2]})


@transaction.atomic
def supplier_add(
    *,
    site: Site,
    actor: Actor,
    name: str,
    now: datetime,
    credit_code: str = "",
    contact: str = "",
    phone: str = "",
    goods: str = "",
) -> Supplier:
    """A supplier of the canteen is registered (its certificates are filed next)."""
    title = clean_text(name, 100)
    if not title:
        raise InvalidInput("supplier.name", "请填写供应商名称", {"field": "name"})
    if Supplier.objects.filter(site=site, name=title).exists():
        raise InvalidInput("supplier.exists", "该供应商已经登记", {"field": "name"})
    code = ""
    if credit_code.strip():
        try:
            code = parse_uscc(credit_code)
        except InvalidInput as exc:
            raise InvalidInput(exc.code, exc.message, {"field": "credit_code"}) from None
    masked = ""
    if phone.strip():
        try:
            masked = mask_phone(parse_mobile(phone))
        except InvalidInput as exc:
            raise InvalidInput(exc.code, exc.message, {"field": "phone"}) from None
    supplier = Supplier.objects.create(
        site=site,
        name=title,
        credit_code=code,
        contact=clean_text(contact, 50),
        phone_masked=masked,
        goods=clean_text(goods, 200),
        created_at=now,
        created_by=actor_or_none(actor),
    )
    audit_record(action="supplier.add", obj=supplier, actor=actor, after=snapshot(supplier), at=now)
    return supplier


@transaction.atomic
def certificate_add(
    *,
    supplier: Supplier,
    actor: Actor,
    kind: str,
    number: str,
    now: datetime,
    valid_until: date | None = None,
    issuer: str = "",
    holder: str = "",
    copy: Any = None,
) -> SupplierCertificate:
    """A certificate of the supplier (or of its delivery staff) filed with its copy (T3-04)."""
    number = clean_text(number, 60)
    _refuse(rules.certificate_problem(kind=kind, number=number, valid_until=valid_until))
    name = ""
    if copy:
        name = check_upload(copy, field="copy")
        if extension(name) not in COPY_TYPES:
            raise InvalidInput(
                "upload.type", "复印件请上传 PDF、JPG 或 PNG 文件", {"field": "copy"}
            )
    cert = SupplierCertificate(
        supplier=supplier,
        kind=kind,
        number=number,
        holder=clean_text(holder, 50),
        issuer=clean_text(issuer, 100),
        valid_until=valid_until,
        file_name=name,
        uploaded_at=now,
        uploaded_by=actor_or_none(actor),
    )
    if copy:
        cert.file = copy
    cert.save()
    after = {"supplier": supplier.pk, "kind": kind, "number": number, "file": name}
    after["valid_until"] = str(valid_until) if valid_until else "长期"
    audit_record(action="supplier.certificate", obj=cert, actor=actor, after=after, at=now)
    return cert


@transaction.atomic
def delivery_record(
    *,
    site: Site,
    actor: Actor,
    supplier: Supplier,
    delivered_on: date,
    goods: str,
    quantity: Decimal,
    unit: str,
    receipt_no: str,
    certificates: Sequence[SupplierCertificate],
    accepted_by: str,
    now: datetime,
    batch: str = "",
) -> Delivery:
    """T3-04: a delivery is accepted and written to the 索证索票 register only when the supplier
    holds its required certificates valid on the delivery day and each certificate checked is
    the supplier's and valid that day; otherwise refused with the core's code, nothing written."""
    if supplier.site_id != site.pk:
        raise InvalidInput("supply.supplier", "请选择本校登记的供应商", {"field": "supplier"})
    held = [selectors.core_certificate(c) for c in selectors.certificates_of(supplier)]
    checked = [selectors.core_certificate(c) for c in certificates]
    _refuse(
        rules.delivery_refusal(
            supplier=supplier.pk,
            certificates=held,
            checked=checked,
            delivered_on=delivered_on,
            now=now,
        )
    )
    what = clean_text(goods, 100)
    if not what:
        raise InvalidInput("supply.goods", "请填写品名", {"field": "goods"})
    if quantity <= 0:
        raise InvalidInput("supply.quantity", "数量必须大于0", {"field": "quantity"})
    receipt = clean_text(receipt_no, 60)
    if not receipt:
        raise InvalidInput(
            "supply.receipt", "请填写票据号（送货单/发票号）", {"field": "receipt_no"}
        )
    who = clean_text(accepted_by, 50)
    if not who:
        raise InvalidInput("supply.accepted_by", "请填写验收人", {"field": "accepted_by"})
    delivery = Delivery.objects.create(
        site=site,
        supplier=supplier,
        delivered_on=delivered_on,
        goods=what,
        batch=clean_text(batch, 60),
        quantity=quantity,
        unit=clean_text(unit, 10) or "件",
        receipt_no=receipt,
        accepted_by=who,
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    delivery.certificates.set(certificates)
    after = {**(snapshot(delivery) or {}), "certificates": sorted(c.pk for c in certificates)}
    audit_record(action="supply.delivery", obj=delivery, actor=actor, after=after, at=now)
    return delivery


# -- guards living on campus (T3·9): lodging, meals, the school's supervision ------------------


@transaction.atomic
def lodging_record(
    *,
    site: Site,
    actor: Actor,
    guard: str,
    room: str,
    bed: str,
    start: date,
    now: datetime,
    end: date | None = None,
    company: str = "",
) -> GuardLodging:
    """A guard of the security company is given a bed on campus from ``start`` (to ``end``)."""
    name = clean_text(guard, 50)
    if not name:
        raise InvalidInput("lodging.guard", "请填写保安员姓名", {"field": "guard"})
    room, bed = clean_text(room, 30), clean_text(bed, 10)
    if not room or not bed:
        raise InvalidInput("lodging.bed", "请填写宿舍和床位", {"field": "bed"})
    _refuse(rules.lodging_problem(start=start, end=end, taken=selectors.bed_stays(site, room, bed)))
    stay = GuardLodging.objects.create(
        site=site,
        guard=name,
        company=clean_text(company, 100),
        room=room,
        bed=bed,
        start=start,
        end=end,
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    audit_record(action="guard_lodging.record", obj=stay, actor=actor, after=snapshot(stay), at=now)
    return stay


@transaction.atomic
def lodging_end(*, stay: GuardLodging, actor: Actor, end: date, now: datetime) -> GuardLodging:
    """The guard moves out of the bed on ``end``."""
    row = GuardLodging.objects.select_for_update().get(pk=stay.pk)
    if row.end is not None:
        raise InvalidInput("lodging.ended", "该住宿已经退宿", {"field": "end"})
    others = [
        s for s in selectors.bed_stays(row.site, row.room, row.bed) if s != (row.start, row.end)
    ]
    _refuse(rules.lodging_problem(start=row.start, end=end, taken=others))
    before = snapshot(row)
    row.end = end
    row.save(update_fields=["end"])
    audit_record(
        action="guard_lodging.end", obj=row, actor=actor, before=before, after=snapshot(row), at=now
    )
    return row


@transaction.atomic
def meal_record(
    *,
    site: Site,
    actor: Actor,
    day: date,
    meal: str,
    diners: int,
    served_by: str,
    now: datetime,
    guards: str = "",
) -> GuardMeal:
    """A meal served to the guards living on campus: the day, the meal, who ate, who served."""
    if meal not in Meal.values:
        raise InvalidInput("guard_meal.meal", "请选择餐次", {"field": "meal"})
    if day > rules.local_day(now):
        raise InvalidInput("guard_meal.future", "就餐日期不能晚于今天", {"field": "day"})
    if diners <= 0:
        raise InvalidInput("guard_meal.diners", "就餐人数必须大于0", {"field": "diners"})
    who = clean_text(served_by, 50)
    if not who:
        raise InvalidInput("guard_meal.served_by", "请填写供餐人", {"field": "served_by"})
    if selectors.meal_exists(site, day, meal):
        raise InvalidInput("guard_meal.exists", "这一餐已经登记", {"field": "meal"})
    row = GuardMeal.objects.create(
        site=site,
        day=day,
        meal=meal,
        diners=diners,
        guards=clean_text(guards, 200),
        served_by=who,
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    audit_record(action="guard_meal.record", obj=row, actor=actor, after=snapshot(row), at=now)
    return row


@transaction.atomic
def check_record(
    *,
    site: Site,
    actor: Actor,
    checked_on: date,
    area: str,
    inspector: str,
    now: datetime,
    findings: str = "",
    deadline: date | None = None,
) -> GuardCheck:
    """The school's supervision check of the guards' lodging, meals or conduct at the post; a
    finding carries a rectification deadline. A check without findings is closed at once."""
    if area not in CheckArea.values:
        raise InvalidInput("guard_check.area", "请选择检查内容", {"field": "area"})
    who = clean_text(inspector, 50)
    if not who:
        raise InvalidInput("guard_check.inspector", "请填写检查人", {"field": "inspector"})
    found = clean_text(findings, 300)
    _refuse(
        rules.check_problem(
            checked_on=checked_on, has_findings=bool(found), deadline=deadline, now=now
        )
    )
    row = GuardCheck.objects.create(
        site=site,
        checked_on=checked_on,
        area=area,
        inspector=who,
        findings=found,
        deadline=deadline if found else None,
        closed_on=None if found else checked_on,
        closed_note="" if found else "未发现问题",
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    audit_record(action="guard_check.record", obj=row, actor=actor, after=snapshot(row), at=now)
    return row


@transaction.atomic
def check_close(
    *, check: GuardCheck, actor: Actor, closed_on: date, note: str, now: datetime
) -> GuardCheck:
    """A check's rectification is done: closed once, not before the check, not in the future."""
    row = GuardCheck.objects.select_for_update().get(pk=check.pk)
    if row.closed_on is not None:
        raise InvalidInput("guard_check.closed", "该检查已经销号", {"field": "closed_on"})
    if closed_on < row.checked_on or closed_on > rules.local_day(now):
        raise InvalidInput("guard_check.closed_on", "整改完成日期不正确", {"field": "closed_on"})
    text = clean_text(note, 300)
    if not text:
        raise InvalidInput("guard_check.note", "请填写整改情况", {"field": "note"})
    before = snapshot(row)
    row.closed_on, row.closed_note = closed_on, text
    row.save(update_fields=["closed_on", "closed_note"])
    audit_record(
        action="guard_check.close", obj=row, actor=actor, before=before, after=snapshot(row), at=now
    )
    return row
