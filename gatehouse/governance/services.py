"""Writes of the governance app: property projects, the annual assessment and its sign-offs,
the credit file, tenders and the rectification campaign.

Keyword-only, given ``now``, one transaction each with its audit entry. Every rule is the
core's (``core.rating``); bad input raises ``InvalidInput`` with ``details["field"]`` naming
the form field, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import rating
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_uscc
from gatehouse.core.text import require_text as _text
from gatehouse.governance import selectors
from gatehouse.governance.models import (
    Assessment,
    AssessmentScore,
    Campaign,
    Checklist,
    ChecklistItem,
    CreditRecord,
    FollowUp,
    Inspection,
    OwnerArrears,
    Party,
    PropertyCompany,
    PropertyProject,
    RectificationItem,
    SignOff,
    Tender,
    TenderBid,
    Warning,
)
from gatehouse.governance.models import Confirmation as ConfirmationChoice
from gatehouse.governance.models import Method as MethodChoice
from gatehouse.governance.models import Stage as StageChoice
from gatehouse.sites.models import House, Site, SiteKind


def _today(now: datetime) -> date:
    return timezone.localdate(now)


def _audit(
    action: str,
    obj: Any,
    *,
    actor: Actor,
    site: Site | None,
    now: datetime,
    before: dict[str, Any] | None = None,
) -> None:
    audit_record(
        action=action,
        obj=obj,
        actor=actor,
        site=site,
        before=before,
        after=snapshot(obj),
        at=now,
    )


def _not_future(day: date | None, *, today: date, field: str, label: str) -> None:
    if day is not None and day > today:
        raise InvalidInput("date.future", f"{label}不能晚于今天", {"field": field})


def _not_before(day: date | None, earlier: date | None, *, field: str, message: str) -> None:
    if day is not None and earlier is not None and day < earlier:
        raise InvalidInput("date.order", message, {"field": field})


# == companies and projects =====================================================================


@transaction.atomic
def company_create(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    name: str,
    uscc: str = "",
    qualification: str = "",
    contact_name: str = "",
) -> PropertyCompany:
    """Register a property-service company (district-wide; ``site`` is where it was entered)."""
    clean = _text(name, field="company_name", label="物业服务企业名称", max_length=200)
    if PropertyCompany.objects.filter(name=clean).exists():
        raise DomainError(
            "company.duplicate", "该物业服务企业已经登记，请直接选择", {"field": "company_name"}
        )
    company = PropertyCompany.objects.create(
        name=clean,
        uscc=parse_uscc(uscc) if (uscc or "").strip() else "",
        qualification=_text(
            qualification, field="qualification", label="资质", max_length=100, required=False
        ),
        contact_name=_text(
            contact_name, field="contact_name", label="负责人", max_length=50, required=False
        ),
        created_at=now,
    )
    _audit("governance.company.create", company, actor=actor, site=site, now=now)
    return company


@transaction.atomic
def project_create(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    company: PropertyCompany,
    name: str,
    since: date,
) -> PropertyProject:
    """A property project: a residential site and the company that manages it."""
    if site.kind != SiteKind.RESIDENTIAL:
        raise DomainError(
            "project.not_residential", "物业服务项目只能登记在住宅小区", {"field": "name"}
        )
    if PropertyProject.objects.filter(site=site, until__isnull=True).exists():
        raise DomainError(
            "project.already_managed",
            "本小区已有在管的物业服务项目，请先登记其服务截止日期",
            {"field": "company"},
        )
    _not_future(since, today=_today(now), field="since", label="服务起始日期")
    project = PropertyProject.objects.create(
        site=site,
        company=company,
        name=_text(name, field="name", label="项目名称", max_length=200),
        since=since,
        created_at=now,
        created_by=actor_or_none(actor),
    )
    _audit("governance.project.create", project, actor=actor, site=site, now=now)
    return project


@transaction.atomic
def project_end(
    *, project: PropertyProject, actor: Actor, now: datetime, until: date
) -> PropertyProject:
    _not_before(until, project.since, field="until", message="截止日期不能早于起始日期")
    before = snapshot(project)
    project.until = until
    project.save(update_fields=["until"])
    _audit(
        "governance.project.end", project, actor=actor, site=project.site, now=now, before=before
    )
    return project


# == GV-01 / GV-05: the annual assessment =======================================================


def checklist_ensure(*, now: datetime, actor: Actor = None) -> Checklist:
    """The active checklist; the first time, stored from the core's ``SEED_CHECKLIST``."""
    found = selectors.active_checklist()
    if found is not None:
        return found
    seed = rating.SEED_CHECKLIST
    checklist = Checklist.objects.create(
        name="物业服务项目考核清单（T5/T6）",
        overdue_deduction=seed.overdue_deduction,
        created_at=now,
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            checklist=checklist,
            key=item.key,
            title=item.title,
            weight=item.weight,
            rule=item.rule,
            position=index,
        )
        for index, item in enumerate(seed.items)
    )
    audit_record(
        action="governance.checklist.seed",
        obj=checklist,
        actor=actor,
        after={"items": [i.key for i in seed.items]},
        at=now,
    )
    return checklist


@transaction.atomic
def assessment_score(
    *,
    project: PropertyProject,
    actor: Actor,
    now: datetime,
    year: int,
    assessed_on: date,
    points: Mapping[str, Decimal],
    notes: Mapping[str, str] | None = None,
) -> Assessment:
    """Score (or re-score, while not final) a project's annual assessment: the core weighs the
    checklist, deducts the year's overdue rectification items (GV-04) and rates (GV-01)."""
    today = _today(now)
    _not_future(assessed_on, today=today, field="assessed_on", label="考核日期")
    if not 2000 <= year <= assessed_on.year:
        raise InvalidInput("assessment.year", "考核年度不正确", {"field": "year"})
    existing = Assessment.objects.filter(project=project, year=year).first()
    if existing is not None and existing.finalised_at is not None:
        raise DomainError("assessment.final", "该年度考核已经定稿，不能修改", {"field": "year"})
    checklist = (
        existing.checklist if existing is not None else checklist_ensure(now=now, actor=actor)
    )
    core_list = selectors.core_checklist(checklist)
    overdue = selectors.overdue_in_year(project, year, assessed_on)
    result = rating.assess(rating.Assessment(dict(points), overdue), core_list)
    before = snapshot(existing)
    assessment = existing or Assessment(
        project=project,
        year=year,
        checklist=checklist,
        created_at=now,
        created_by=actor_or_none(actor),
    )
    assessment.assessed_on = assessed_on
    assessment.overdue_items = overdue
    assessment.subtotal = result.subtotal
    assessment.deduction = result.deduction
    assessment.total = result.total
    assessment.band = result.rating.band.value
    assessment.stars = result.rating.stars
    assessment.message = result.rating.message[:300]
    assessment.save()
    assessment.scores.all().delete()
    AssessmentScore.objects.bulk_create(
        AssessmentScore(
            assessment=assessment,
            key=item.key,
            points=item.given,
            note=((notes or {}).get(item.key) or "")[:200],
        )
        for item in result.items
    )
    action = "governance.assessment.rescore" if existing else "governance.assessment.score"
    _audit(action, assessment, actor=actor, site=project.site, now=now, before=before)
    return assessment


@transaction.atomic
def signoff_record(
    *,
    assessment: Assessment,
    actor: Actor,
    now: datetime,
    party: str,
    signer: str,
    opinion: str,
    signed_on: date,
) -> SignOff:
    """One party's opinion on the assessment (T5: 乡镇政府、社区居委会、派出所、业主委员会)."""
    if party not in Party.values:
        raise InvalidInput("signoff.party", "签署单位不正确", {"field": "party"})
    if assessment.finalised_at is not None:
        raise DomainError("assessment.final", "该年度考核已经定稿", {"field": "party"})
    _not_future(signed_on, today=_today(now), field="signed_on", label="签署日期")
    _not_before(
        signed_on, assessment.assessed_on, field="signed_on", message="签署日期不能早于考核日期"
    )
    signoff = SignOff(
        assessment=assessment,
        party=party,
        signer=_text(signer, field="signer", label="签署人", max_length=50),
        opinion=_text(opinion, field="opinion", label="意见", max_length=500),
        signed_on=signed_on,
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    try:
        with transaction.atomic():
            signoff.save()
    except IntegrityError as exc:
        raise DomainError("signoff.duplicate", "该单位已签署意见", {"field": "party"}) from exc
    _audit("governance.signoff", signoff, actor=actor, site=assessment.project.site, now=now)
    return signoff


@transaction.atomic
def assessment_finalise(
    *, assessment: Assessment, actor: Actor, now: datetime, rectify_deadline: date | None = None
) -> Assessment:
    """Close the assessment once every party signed. Under the pass mark (GV-01) it needs a
    rectification deadline; past it, unrectified, the company is blacklisted (core)."""
    if assessment.finalised_at is not None:
        raise DomainError("assessment.final", "该年度考核已经定稿", {})
    missing = selectors.missing_parties(assessment)
    if missing:
        names = "、".join(str(Party(p).label) for p in missing)
        raise DomainError(
            "assessment.signoffs_missing", f"尚缺以下单位的签署意见：{names}", {"missing": missing}
        )
    before = snapshot(assessment)
    if assessment.band == rating.Band.RECTIFY:
        if rectify_deadline is None or rectify_deadline <= assessment.assessed_on:
            raise InvalidInput(
                "assessment.deadline",
                "得分低于60分，须限期整改：请填写晚于考核日期的整改期限",
                {"field": "rectify_deadline"},
            )
        assessment.rectify_deadline = rectify_deadline
    assessment.finalised_at = now
    assessment.save(update_fields=["finalised_at", "rectify_deadline"])
    _audit(
        "governance.assessment.finalise",
        assessment,
        actor=actor,
        site=assessment.project.site,
        now=now,
        before=before,
    )
    return assessment


@transaction.atomic
def assessment_rectified(
    *, assessment: Assessment, actor: Actor, now: datetime, rectified_on: date
) -> Assessment:
    """The rectification of a project under the pass mark was completed (GV-01)."""
    if assessment.band != rating.Band.RECTIFY or assessment.rectify_deadline is None:
        raise DomainError("assessment.not_rectifying", "该考核不需要限期整改", {})
    _not_future(rectified_on, today=_today(now), field="rectified_on", label="整改完成日期")
    _not_before(
        rectified_on,
        assessment.assessed_on,
        field="rectified_on",
        message="整改完成日期不能早于考核日期",
    )
    before = snapshot(assessment)
    assessment.rectified_on = rectified_on
    assessment.save(update_fields=["rectified_on"])
    _audit(
        "governance.assessment.rectified",
        assessment,
        actor=actor,
        site=assessment.project.site,
        now=now,
        before=before,
    )
    return assessment


@transaction.atomic
def blacklist_clear(
    *, assessment: Assessment, actor: Actor, now: datetime, cleared_on: date
) -> Assessment:
    """The bad record removed (消除不良记录): tenders are open again from that day."""
    listed = (
        rating.blacklist_from(
            deadline=assessment.rectify_deadline, rectified_on=assessment.rectified_on
        )
        if assessment.rectify_deadline is not None
        else None
    )
    if listed is None:
        raise DomainError("blacklist.not_listed", "该项目未被列入黑名单", {})
    _not_future(cleared_on, today=_today(now), field="cleared_on", label="消除日期")
    _not_before(cleared_on, listed, field="cleared_on", message="消除日期不能早于列入黑名单日期")
    before = snapshot(assessment)
    assessment.blacklist_cleared_on = cleared_on
    assessment.save(update_fields=["blacklist_cleared_on"])
    _audit(
        "governance.blacklist.clear",
        assessment,
        actor=actor,
        site=assessment.project.site,
        now=now,
        before=before,
    )
    return assessment


# == GV-02: the credit file =====================================================================


@transaction.atomic
def credit_record_add(
    *,
    company: PropertyCompany,
    site: Site,
    actor: Actor,
    now: datetime,
    recorded_on: date,
    reason: str,
    source: str = "",
) -> CreditRecord:
    """Dishonesty entered in the company's credit file: no tenders for five years (core)."""
    _not_future(recorded_on, today=_today(now), field="recorded_on", label="列入日期")
    record = CreditRecord.objects.create(
        company=company,
        site=site,
        recorded_on=recorded_on,
        reason=_text(reason, field="reason", label="失信事实", max_length=300),
        source=_text(source, field="source", label="依据", max_length=200, required=False),
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("governance.credit.add", record, actor=actor, site=site, now=now)
    return record


@transaction.atomic
def arrears_record(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    owner_name: str,
    arrears_fen: int,
    house_number: str = "",
    confirmed_by: str = "",
    confirmed_on: date | None = None,
    case_ref: str = "",
) -> tuple[OwnerArrears, rating.Reason | None]:
    """An owner's unpaid fees; returns the core's credit-record entry (None: not on it)."""
    if arrears_fen < 0:
        raise InvalidInput("amount.negative", "欠费金额不能为负数", {"field": "arrears"})
    if confirmed_by and confirmed_by not in ConfirmationChoice.values:
        raise InvalidInput("arrears.confirmation", "确认方式不正确", {"field": "confirmed_by"})
    if bool(confirmed_by) != (confirmed_on is not None):
        raise InvalidInput(
            "arrears.confirmation_incomplete",
            "仲裁或判决须同时填写确认方式和确认日期",
            {"field": "confirmed_on"},
        )
    _not_future(confirmed_on, today=_today(now), field="confirmed_on", label="确认日期")
    house = None
    number = (house_number or "").strip()
    if number:
        house = House.objects.filter(site=site, number=number).first()
        if house is None:
            raise InvalidInput("arrears.house", "本小区没有这个房号", {"field": "house_number"})
    arrears = OwnerArrears.objects.create(
        site=site,
        owner_name=_text(owner_name, field="owner_name", label="业主姓名", max_length=50),
        house=house,
        arrears_fen=arrears_fen,
        confirmed_by=confirmed_by,
        confirmed_on=confirmed_on,
        case_ref=_text(case_ref, field="case_ref", label="案号", max_length=100, required=False),
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("governance.arrears.add", arrears, actor=actor, site=site, now=now)
    return arrears, selectors.credit_entry(arrears, _today(now))


@transaction.atomic
def arrears_update(
    *, arrears: OwnerArrears, actor: Actor, now: datetime, arrears_fen: int
) -> OwnerArrears:
    """The amount still owed after a payment (0: paid up, off the credit record)."""
    if arrears_fen < 0:
        raise InvalidInput("amount.negative", "欠费金额不能为负数", {"field": "arrears"})
    before = snapshot(arrears)
    arrears.arrears_fen = arrears_fen
    arrears.save(update_fields=["arrears_fen"])
    _audit(
        "governance.arrears.update", arrears, actor=actor, site=arrears.site, now=now, before=before
    )
    return arrears


# == GV-03: tenders =============================================================================


@transaction.atomic
def tender_record(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    stage: str,
    method: str,
    bidders: Sequence[PropertyCompany],
    winner: PropertyCompany,
    decided_on: date,
    small_estate: bool = False,
    bureau_approved: bool = False,
    approval_ref: str = "",
    incumbent_bids: bool = False,
    incumbent_consulted: bool = False,
    note: str = "",
) -> Tender:
    """Record how a company was chosen. The core checks the method (GV-03: tender; fewer than
    3 bidders or a small estate only by agreement with the bureau's approval; never direct
    designation) and each bidder's eligibility on the day (GV-01 blacklist, GV-02 five-year
    ban, GV-04 warning); a refusal writes nothing."""
    if stage not in StageChoice.values or method not in MethodChoice.values:
        raise InvalidInput("tender.choice", "阶段或选聘方式不正确", {"field": "method"})
    _not_future(decided_on, today=_today(now), field="decided_on", label="选聘日期")
    unique = list({c.pk: c for c in bidders}.values())
    if winner.pk not in {c.pk for c in unique}:
        raise InvalidInput(
            "tender.winner_not_bidder", "选定的企业须在参与企业之中", {"field": "winner"}
        )
    if bureau_approved and not (approval_ref or "").strip():
        raise InvalidInput(
            "tender.approval_ref", "经区房管局批准的，请填写批准文号", {"field": "approval_ref"}
        )
    check = rating.check_selection(
        rating.SelectionFacts(
            method=rating.Method(method),
            bidders=len(unique),
            stage=rating.Stage(stage),
            small_estate=small_estate,
            bureau_approved=bureau_approved,
            incumbent_bids=incumbent_bids,
            incumbent_consulted=incumbent_consulted,
        )
    )
    if not check.allowed:
        raise DomainError(check.code, check.message, {"field": "method", "rule": check.rule})
    barred = []
    for company in unique:
        verdict = selectors.eligibility(company, decided_on)
        if not verdict.allowed:
            barred.append(f"{company.name}：" + "；".join(r.message for r in verdict.reasons))
    if barred:
        raise DomainError(
            "tender.bidder_barred",
            "以下企业不得参与物业服务招投标：" + "；".join(barred),
            {"field": "bidders"},
        )
    tender = Tender.objects.create(
        site=site,
        stage=stage,
        method=method,
        small_estate=small_estate,
        bureau_approved=bureau_approved,
        approval_ref=(approval_ref or "").strip()[:100],
        incumbent_bids=incumbent_bids,
        incumbent_consulted=incumbent_consulted,
        decided_on=decided_on,
        winner=winner,
        code=check.code,
        message=check.message[:300],
        note=(note or "").strip()[:300],
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    TenderBid.objects.bulk_create(TenderBid(tender=tender, company=c) for c in unique)
    _audit("governance.tender", tender, actor=actor, site=site, now=now)
    return tender


# == GV-04: the rectification campaign ==========================================================


@transaction.atomic
def campaign_create(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    title: str,
    starts_on: date,
    ends_on: date,
    leader: str = "",
) -> Campaign:
    _not_before(ends_on, starts_on, field="ends_on", message="结束日期不能早于开始日期")
    campaign = Campaign.objects.create(
        site=site,
        title=_text(title, field="title", label="名称", max_length=200),
        starts_on=starts_on,
        ends_on=ends_on,
        leader=_text(leader, field="leader", label="领导小组", max_length=200, required=False),
        created_at=now,
        created_by=actor_or_none(actor),
    )
    _audit("governance.campaign", campaign, actor=actor, site=site, now=now)
    return campaign


@transaction.atomic
def inspection_record(
    *,
    campaign: Campaign,
    project: PropertyProject,
    actor: Actor,
    now: datetime,
    inspected_on: date,
    inspectors: str,
    summary: str = "",
) -> Inspection:
    if project.site_id != campaign.site_id:
        raise InvalidInput("inspection.project_site", "项目不在本小区", {"field": "project"})
    _not_future(inspected_on, today=_today(now), field="inspected_on", label="督查日期")
    _not_before(
        inspected_on, campaign.starts_on, field="inspected_on", message="督查日期早于整治开始日期"
    )
    inspection = Inspection.objects.create(
        campaign=campaign,
        project=project,
        inspected_on=inspected_on,
        inspectors=_text(inspectors, field="inspectors", label="督查人员", max_length=200),
        summary=_text(summary, field="summary", label="督查情况", max_length=500, required=False),
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("governance.inspection", inspection, actor=actor, site=campaign.site, now=now)
    return inspection


@transaction.atomic
def item_issue(
    *,
    inspection: Inspection,
    actor: Actor,
    now: datetime,
    ref: str,
    finding: str,
    deadline: date,
    standard: str = "",
) -> RectificationItem:
    """A finding and its rectification notice with a deadline (限期整改通知书)."""
    _not_before(
        deadline, inspection.inspected_on, field="deadline", message="整改期限不能早于督查日期"
    )
    if standard and standard not in {
        i.key for i in selectors.items_of(selectors.active_checklist())
    }:
        raise InvalidInput("item.standard", "对应考核项目不正确", {"field": "standard"})
    item = RectificationItem.objects.create(
        inspection=inspection,
        ref=_text(ref, field="ref", label="通知书编号", max_length=60),
        finding=_text(finding, field="finding", label="存在问题", max_length=300),
        standard=standard,
        deadline=deadline,
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("governance.item", item, actor=actor, site=inspection.campaign.site, now=now)
    return item


@transaction.atomic
def follow_up_record(
    *, item: RectificationItem, actor: Actor, now: datetime, on: date, note: str
) -> FollowUp:
    """The day's follow-up of an item (每天一督查)."""
    _not_future(on, today=_today(now), field="on", label="督查日期")
    _not_before(on, item.inspection.inspected_on, field="on", message="跟踪日期早于发现日期")
    follow = FollowUp(
        item=item,
        on=on,
        note=_text(note, field="note", label="进展", max_length=300),
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    try:
        with transaction.atomic():
            follow.save()
    except IntegrityError as exc:
        raise DomainError("follow_up.duplicate", "当天已登记跟踪记录", {"field": "on"}) from exc
    _audit("governance.follow_up", follow, actor=actor, site=item.inspection.campaign.site, now=now)
    return follow


@transaction.atomic
def item_rectified(
    *, item: RectificationItem, actor: Actor, now: datetime, rectified_on: date
) -> RectificationItem:
    if item.rectified_on is not None:
        raise DomainError("item.already_rectified", "该事项已登记整改完成", {})
    _not_future(rectified_on, today=_today(now), field="rectified_on", label="整改完成日期")
    _not_before(
        rectified_on,
        item.inspection.inspected_on,
        field="rectified_on",
        message="整改完成日期早于发现日期",
    )
    before = snapshot(item)
    item.rectified_on = rectified_on
    item.save(update_fields=["rectified_on"])
    _audit(
        "governance.item.rectified",
        item,
        actor=actor,
        site=item.inspection.campaign.site,
        now=now,
        before=before,
    )
    return item


@transaction.atomic
def warning_issue(
    *,
    campaign: Campaign,
    company: PropertyCompany,
    actor: Actor,
    now: datetime,
    start: date,
    end: date,
    reason: str = "",
) -> Warning:
    """GV-04: warn a company whose items went past their deadline unrectified (core
    ``overdue_items``); while the warning lasts it may not tender."""
    _not_before(end, start, field="end", message="警示结束日期不能早于开始日期")
    overdue = selectors.overdue_for(campaign, company, start)
    if not overdue:
        raise DomainError(
            "warning.nothing_overdue",
            "该企业在本次整治中没有逾期未整改的事项，不能予以警示",
            {"field": "company"},
        )
    refs = "、".join(i.ref for i in overdue)
    text = (reason or "").strip() or f"限期整改仍不到位（{refs}）"
    warning = Warning.objects.create(
        company=company,
        campaign=campaign,
        start=start,
        end=end,
        reason=text[:300],
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("governance.warning", warning, actor=actor, site=campaign.site, now=now)
    return warning
