"""Writes of guard duties (SPEC S-07 the gatehouse cleaning rota, S-10 weekly spot checks and the
ledger of notices and fines, S-11 hazard inspections, S-12 the 24-hour hotline).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from gatehouse.access.models import NoticeAudience
from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import guard as core
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_mobile
from gatehouse.core.masking import mask_phone
from gatehouse.core.text import clean_text
from gatehouse.guard.absence.services import commute_windows
from gatehouse.guard.duties import selectors
from gatehouse.guard.duties.selectors import core_finding, core_hazard, penalty_policy, rota_guards
from gatehouse.guard.models import (
    CleaningDone,
    CleaningMember,
    CleaningRota,
    FindingStatus,
    HazardFinding,
    Penalty,
    SpotCheck,
    SpotFinding,
    Ticket,
)
from gatehouse.guard.shared import guard_name, is_member, local_time, settings_for
from gatehouse.guard.writes import write_audit, write_notice
from gatehouse.sites.models import Site

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@transaction.atomic
def rota_set(
    *, site: Site, actor: Actor, guards: Sequence[Any], first_day: date, now: datetime
) -> CleaningRota:
    """S-07: the guards in turn for the 门卫日常卫生轮流表, from ``first_day``."""
    core.cleaner_on(guards=[str(g.pk) for g in guards], first_day=first_day, day=first_day)
    if len({g.pk for g in guards}) != len(guards):
        raise InvalidInput("rota.duplicate", "同一门卫不能在轮流表中出现两次", {"field": "guards"})
    if any(not is_member(g, site) for g in guards):
        raise DomainError("rota.not_staff", "轮流表中有人不是本场所的安保人员")
    rota, _created = CleaningRota.objects.update_or_create(
        site=site, defaults={"first_day": first_day}
    )
    rota.members.all().delete()
    CleaningMember.objects.bulk_create(
        CleaningMember(rota=rota, guard=g, order=i) for i, g in enumerate(guards)
    )
    audit_record(
        action="guard.rota.set",
        obj=rota,
        actor=actor,
        after={"first_day": first_day.isoformat(), "guards": [g.pk for g in guards]},
        at=now,
    )
    return rota


@transaction.atomic
def cleaning_done(*, site: Site, actor: User, day: date, now: datetime) -> CleaningDone:
    """S-07: the guard on duty (the core's ``cleaner_on``) marks the day's cleaning done."""
    rota, guards = rota_guards(site)
    if rota is None or not guards:
        raise DomainError("rota.empty", "尚未制定卫生轮流表")
    on = core.cleaner_on(guards=[str(g.pk) for g in guards], first_day=rota.first_day, day=day)
    if on != str(actor.pk):
        raise DomainError("cleaning.not_yours", "今天不是您值日")
    try:
        with transaction.atomic():
            done = CleaningDone.objects.create(site=site, day=day, guard=actor, done_at=now)
    except IntegrityError:
        raise DomainError("cleaning.done", "今天的保洁已登记完成") from None
    write_audit("guard.cleaning.done", done, actor, now)
    return done


@transaction.atomic
def hazard_record(
    *,
    site: Site,
    actor: Actor,
    place: str,
    description: str,
    owner: str,
    found_on: date,
    deadline: date,
    key_location: Any = None,
    now: datetime,
) -> HazardFinding:
    """S-11: a hazard found at a key place, with the person to fix it and the deadline."""
    try:
        core.KeyPlace(place)
    except ValueError:
        raise InvalidInput("hazard.place", "请选择部位类型", {"field": "place"}) from None
    description, owner = clean_text(description, 300), clean_text(owner, 50)
    if not description or not owner:
        raise InvalidInput("hazard.text", "请填写隐患和整改责任人", {"field": "description"})
    if deadline < found_on:
        raise InvalidInput("hazard.deadline", "整改期限不能早于发现日期", {"field": "deadline"})
    if key_location is not None and key_location.site_id != site.pk:
        raise DomainError("hazard.place", "重点部位不属于本场所")
    h = HazardFinding.objects.create(
        site=site,
        place=place,
        key_location=key_location,
        description=description,
        owner=owner,
        found_on=found_on,
        deadline=deadline,
        found_by=actor,
    )
    write_audit("guard.hazard.record", h, actor, now)
    return h


@transaction.atomic
def hazard_fix(
    *, finding: HazardFinding, actor: Actor, fixed_on: date, note: str, now: datetime
) -> core.FixState:
    """S-11: the fix is recorded; returns the state the core gives (fixed, or fixed late)."""
    h = HazardFinding.objects.select_for_update().get(pk=finding.pk)
    if h.fixed_on is not None:
        raise DomainError("hazard.fixed", "该隐患已经整改完成")
    if fixed_on < h.found_on or fixed_on > local_time(now).date():
        raise InvalidInput("hazard.fixed_on", "整改日期不正确", {"field": "fixed_on"})
    before = snapshot(h)
    h.fixed_on, h.fix_note = fixed_on, clean_text(note, 300)
    h.save(update_fields=["fixed_on", "fix_note"])
    write_audit("guard.hazard.fix", h, actor, now, before)
    return core.hazard_state(core_hazard(h), today=local_time(now).date())


@transaction.atomic
def ticket_open(
    *,
    site: Site,
    actor: Actor,
    kind: str,
    caller: str,
    phone: str,
    subject: str,
    now: datetime,
    caller_type: str = "",
) -> Ticket:
    """S-12: a hotline call or complaint becomes a ticket. The phone is kept masked only. The
    caller's type (T3·16) defaults to the one the site's kind hears most."""
    caller, subject = clean_text(caller, 50), clean_text(subject, 300)
    if kind not in ("call", "complaint"):
        raise InvalidInput("ticket.kind", "请选择类型", {"field": "kind"})
    caller_type = caller_type or core.default_caller_type(site.kind)
    if caller_type not in core.CALLER_TYPES:
        raise InvalidInput("ticket.caller_type", "请选择来电人类别", {"field": "caller_type"})
    if not caller or not subject:
        raise InvalidInput("ticket.text", "请填写来电人和事项", {"field": "subject"})
    masked = mask_phone(parse_mobile(phone)) if phone.strip() else ""
    t = Ticket.objects.create(
        site=site,
        kind=kind,
        caller_type=caller_type,
        caller=caller,
        phone_masked=masked,
        subject=subject,
        received_at=now,
        received_by=actor,
    )
    write_audit("guard.ticket.open", t, actor, now)
    return t


TICKET_STEPS = {
    "answer": ("answered_at", "answer", None, "请先答复来电人"),
    "follow_up": ("followed_up_at", "follow_up", "answered_at", "请先答复来电人"),
    "close": ("closed_at", None, "followed_up_at", "请先跟进处理"),
    "visit_back": ("visited_back_at", "visit_back", "closed_at", "请先办结工单"),
}


@transaction.atomic
def ticket_step(*, ticket: Ticket, actor: Actor, step: str, text: str, now: datetime) -> Ticket:
    """S-12: answer, follow up, close, visit back: each once, in that order."""
    if step not in TICKET_STEPS:
        raise InvalidInput("ticket.step", "未知的处理步骤", {"field": "step"})
    at_field, text_field, needs, needs_msg = TICKET_STEPS[step]
    t = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if getattr(t, at_field) is not None:
        raise DomainError("ticket.done", "此步骤已经完成")
    if needs is not None and getattr(t, needs) is None:
        raise DomainError("ticket.order", needs_msg)
    text = clean_text(text, 300)
    if text_field is not None and not text:
        raise InvalidInput("ticket.text", "请填写处理内容", {"field": "text"})
    before = snapshot(t)
    setattr(t, at_field, now)
    fields = [at_field]
    if text_field is not None:
        setattr(t, text_field, text)
        fields.append(text_field)
    t.save(update_fields=fields)
    write_audit(f"guard.ticket.{step}", t, actor, now, before)
    return t


def _name_map(users: Iterable[Any]) -> dict[str, Any]:
    return {guard_name(u): u for u in users if u is not None}


@transaction.atomic
def spot_check_run(
    *, site: Site, as_of: datetime, days: int = 7, registers: core.WeekRegisters | None = None
) -> tuple[SpotCheck, int]:
    """S-10: audit a week of the registers (the core's ``spot_check``) and file each finding
    for the manager to confirm. Idempotent: a finding already filed is not filed again.
    Returns the spot check and how many findings were new."""
    Site.objects.select_for_update().filter(pk=site.pk).first()
    start = as_of - timedelta(days=days)
    facts, users = (
        selectors.week_registers(site, start, as_of) if registers is None else (registers, [])
    )
    found = core.spot_check(
        registers=facts,
        as_of=as_of,
        commute=commute_windows(site),
        early_minutes=settings_for(site).early_minutes,
    )
    check = SpotCheck.objects.create(site=site, period_start=start, as_of=as_of)
    by_name = _name_map(users)
    fresh = 0
    for f in found:
        exists = SpotFinding.objects.filter(
            site=site, guard_name=f.guard[:60], kind=f.kind.value, at=f.at, ref=f.ref[:120]
        ).exists()
        if exists:
            continue
        SpotFinding.objects.create(
            site=site,
            spot_check=check,
            guard=by_name.get(f.guard),
            guard_name=f.guard[:60],
            kind=f.kind.value,
            rule=f.rule,
            at=f.at,
            ref=f.ref[:120],
            detail=f.detail[:120],
            message=f.message[:300],
        )
        fresh += 1
    check.found = fresh
    check.save(update_fields=["found"])
    audit_record(action="guard.spot_check.run", obj=check, after=snapshot(check), at=as_of)
    return check, fresh


@transaction.atomic
def finding_confirm(*, finding: SpotFinding, actor: Actor, now: datetime) -> Penalty:
    """S-10: the manager confirms a finding; the core's ``penalty_for`` decides: a first
    violation is posted as a notice, a repeat of the same violation is fined. The penalty is a
    row of the guard's ledger and is posted to the guards."""
    f = SpotFinding.objects.select_for_update().get(pk=finding.pk)
    if f.status != FindingStatus.OPEN:
        raise DomainError("finding.decided", "该项已经处理过了")
    history = [
        core.PastViolation(p.guard_name, core.FindingKind(p.kind), local_time(p.at).date())
        for p in SpotFinding.objects.filter(
            site=f.site, guard_name=f.guard_name, status=FindingStatus.CONFIRMED
        )
    ]
    policy = penalty_policy(f.site)
    decided = core.penalty_for(history=history, finding=core_finding(f), policy=policy)
    before = snapshot(f)
    f.status, f.decided_at, f.decided_by = FindingStatus.CONFIRMED, now, actor
    f.save(update_fields=["status", "decided_at", "decided_by"])
    notice = write_notice(
        f.site,
        NoticeAudience.GUARD,
        f"spotcheck.{decided.kind.value}",
        ("通报：" if decided.kind is core.PenaltyKind.NOTICE else "罚款：") + decided.message,
        f"finding:{f.pk}",
        now,
    )
    penalty = Penalty.objects.create(
        site=f.site,
        finding=f,
        guard=f.guard,
        guard_name=f.guard_name,
        kind=decided.kind.value,
        amount_fen=decided.amount_fen,
        repeat_of=decided.repeat_of,
        message=decided.message[:300],
        at=now,
        notice=notice,
    )
    write_audit("guard.finding.confirm", f, actor, now, before)
    write_audit("guard.penalty.add", penalty, actor, now)
    return penalty


@transaction.atomic
def finding_dismiss(*, finding: SpotFinding, actor: Actor, now: datetime) -> SpotFinding:
    f = SpotFinding.objects.select_for_update().get(pk=finding.pk)
    if f.status != FindingStatus.OPEN:
        raise DomainError("finding.decided", "该项已经处理过了")
    before = snapshot(f)
    f.status, f.decided_at, f.decided_by = FindingStatus.DISMISSED, now, actor
    f.save(update_fields=["status", "decided_at", "decided_by"])
    write_audit("guard.finding.dismiss", f, actor, now, before)
    return f


@transaction.atomic
def ticket_escalate(
    *,
    ticket: Ticket,
    actor: Actor,
    who: str,
    reference: str,
    now: datetime,
    at: datetime | None = None,
) -> Ticket:
    """T3·16: the ticket is reported to the education bureau (教育局): who reported it, when
    (``at``, by default now) and the reference of the report."""
    t = Ticket.objects.select_for_update().get(pk=ticket.pk)
    who, reference = clean_text(who, 50), clean_text(reference, 60)
    when = at or now
    problem = core.escalation_problem(
        received_at=t.received_at, escalated_at=t.escalated_at, at=when, who=who, now=now
    )
    if problem is not None:
        raise DomainError(problem[0], problem[1], {"field": problem[2]})
    before = snapshot(t)
    t.escalated_at, t.escalated_by, t.escalation_ref = when, who, reference
    t.save(update_fields=["escalated_at", "escalated_by", "escalation_ref"])
    write_audit("guard.ticket.escalate", t, actor, now, before)
    return t


@transaction.atomic
def ticket_bureau_reply(*, ticket: Ticket, actor: Actor, reply: str, now: datetime) -> Ticket:
    """T3·16: the education bureau's reply to a ticket reported to it, recorded once."""
    t = Ticket.objects.select_for_update().get(pk=ticket.pk)
    text = clean_text(reply, 300)
    problem = core.bureau_reply_problem(
        escalated_at=t.escalated_at, replied_at=t.bureau_replied_at, reply=text
    )
    if problem is not None:
        raise DomainError(problem[0], problem[1], {"field": problem[2]})
    before = snapshot(t)
    t.bureau_reply, t.bureau_replied_at = text, now
    t.save(update_fields=["bureau_reply", "bureau_replied_at"])
    write_audit("guard.ticket.bureau_reply", t, actor, now, before)
    return t
