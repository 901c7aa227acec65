"""Writes of the admission app: enterprises, applications, committee decisions, the workflow,
land supervision and the reports of IP-14.

Every service is keyword-only, takes ``now`` (views pass ``timezone.now()``), runs in one
transaction and writes its audit entry in it. Every rule is the core's (``core.land``): a
service gathers the facts, calls the core, and writes only when the core agrees. Bad input raises
``InvalidInput`` with ``details["field"]`` naming the form field; nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.admission import selectors
from gatehouse.admission.models import (
    ChangeNotice,
    CommitteeDecision,
    Contract,
    CorrectionOrder,
    CriterionChoice,
    DocumentKind,
    LandAlert,
    ParkPolicy,
    ProgressReport,
    Project,
    ProjectDocument,
    ReportDuty,
    SitePlan,
    StatFiling,
    StepRecord,
    Stoppage,
    Suspension,
    UseChoice,
)
from gatehouse.admission.uploads import check_upload
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core import land
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_mobile, parse_uscc
from gatehouse.core.masking import mask_phone
from gatehouse.core.text import require_text as _text
from gatehouse.notify import messages as notify_messages
from gatehouse.people.models import Enterprise
from gatehouse.privacy import seal
from gatehouse.sites.models import Site, Zone

_SECTOR_CODE = re.compile(r"^[0-9]{2}$")


def _today(now: datetime) -> date:
    return timezone.localdate(now)


def snap(obj: Any) -> dict[str, Any] | None:
    """``audit.services.snapshot`` for records that hold a stored file: the audit's snapshot
    cannot encode a ``FieldFile``, so a file is recorded by its stored name."""
    if obj is None:
        return None
    fields = obj._meta.concrete_fields
    if not any(isinstance(f, models.FileField) for f in fields):
        return snapshot(obj)
    encoder = DjangoJSONEncoder()
    data: dict[str, Any] = {}
    for f in fields:
        value = getattr(obj, f.attname)
        if isinstance(f, models.FileField):
            data[f.attname] = value.name or ""
        elif value is None or isinstance(value, (str, int, float, bool, list, dict)):
            data[f.attname] = value
        else:
            data[f.attname] = encoder.default(value)
    return data


def _audit(
    action: str,
    obj: Any,
    *,
    actor: Actor,
    site: Site,
    now: datetime,
    before: dict[str, Any] | None = None,
) -> None:
    audit_record(
        action=action, obj=obj, actor=actor, site=site, before=before, after=snap(obj), at=now
    )


def _not_future(day: date | None, *, today: date, field: str, label: str) -> None:
    if day is not None and day > today:
        raise InvalidInput("date.future", f"{label}不能晚于今天", {"field": field})


def _not_before(day: date | None, earlier: date | None, *, field: str, message: str) -> None:
    if day is not None and earlier is not None and day < earlier:
        raise InvalidInput("date.order", message, {"field": field})


def _non_negative(value: int | Decimal | None, *, field: str, label: str) -> None:
    if value is not None and value < 0:
        raise InvalidInput("amount.negative", f"{label}不能为负数", {"field": field})


def _positive(value: int | Decimal | None, *, field: str, label: str) -> None:
    if value is None or value <= 0:
        raise InvalidInput("amount.not_positive", f"{label}必须大于0", {"field": field})


def _attach(obj: Any, upload: Any, *, file_field: str, name_field: str, field: str) -> None:
    if upload is None:
        return
    name = check_upload(upload, field=field)
    getattr(obj, file_field).save(name, upload, save=False)
    setattr(obj, name_field, name)


# == enterprises ================================================================================


def _enterprise_fields(
    site: Site,
    *,
    name: str,
    zone: Zone | None,
    uscc: str,
    industry: str,
    contact_name: str,
    exclude_pk: int | None,
) -> dict[str, Any]:
    clean_name = _text(name, field="name", label="企业名称", max_length=200)
    if zone is not None and zone.site_id != site.pk:
        raise InvalidInput("enterprise.zone_site", "所在分区不属于本园区", {"field": "zone"})
    canonical = parse_uscc(uscc) if (uscc or "").strip() else ""
    others = Enterprise.objects.filter(site=site).exclude(pk=exclude_pk)
    if others.filter(name=clean_name).exists():
        raise DomainError("enterprise.duplicate_name", "本园区已登记同名企业", {"field": "name"})
    if canonical and others.filter(uscc=canonical).exists():
        raise DomainError(
            "enterprise.duplicate_uscc", "该统一社会信用代码已在本园区登记", {"field": "uscc"}
        )
    return {
        "name": clean_name,
        "zone": zone,
        "uscc": canonical,
        "industry": _text(industry, field="industry", label="行业", max_length=100, required=False),
        "contact_name": _text(
            contact_name, field="contact_name", label="联系人", max_length=50, required=False
        ),
    }


def _set_contact_phone(enterprise: Enterprise, phone: str) -> None:
    canonical = parse_mobile(phone) if (phone or "").strip() else ""
    enterprise.contact_phone_cipher = seal("phone", canonical).cipher
    enterprise.contact_phone_masked = mask_phone(canonical) if canonical else ""


@transaction.atomic
def enterprise_create(
    *,
    site: Site,
    actor: Actor,
    name: str,
    now: datetime,
    zone: Zone | None = None,
    uscc: str = "",
    industry: str = "",
    contact_name: str = "",
    contact_phone: str = "",
) -> Enterprise:
    """Register an enterprise of the park (企业名录). The phone is stored sealed and masked."""
    fields = _enterprise_fields(
        site,
        name=name,
        zone=zone,
        uscc=uscc,
        industry=industry,
        contact_name=contact_name,
        exclude_pk=None,
    )
    enterprise = Enterprise(site=site, **fields)
    _set_contact_phone(enterprise, contact_phone)
    enterprise.save()
    _audit("enterprise.create", enterprise, actor=actor, site=site, now=now)
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    enterprise: Enterprise,
    actor: Actor,
    now: datetime,
    name: str,
    zone: Zone | None,
    uscc: str,
    industry: str,
    contact_name: str,
    contact_phone: str | None = None,
    is_active: bool = True,
) -> Enterprise:
    """Change an enterprise's record; ``contact_phone=None`` keeps the stored phone."""
    before = snap(enterprise)
    fields = _enterprise_fields(
        enterprise.site,
        name=name,
        zone=zone,
        uscc=uscc,
        industry=industry,
        contact_name=contact_name,
        exclude_pk=enterprise.pk,
    )
    for key, value in fields.items():
        setattr(enterprise, key, value)
    if contact_phone is not None:
        _set_contact_phone(enterprise, contact_phone)
    enterprise.is_active = is_active
    enterprise.save()
    _audit(
        "enterprise.update", enterprise, actor=actor, site=enterprise.site, now=now, before=before
    )
    return enterprise


# == admission: application, documents, decisions, workflow (IP-01 … IP-08) =====================


@transaction.atomic
def project_apply(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    enterprise: Enterprise,
    zone: Zone,
    name: str,
    sector: str,
    registered_capital_fen: int,
    paid_in_capital_fen: int,
    fixed_investment_fen: int,
    land_mu: Decimal,
    applied_on: date,
    requests_own_land: bool = True,
    special_sector: bool = False,
    high_tech: bool = False,
    high_pollution: bool = False,
    high_energy: bool = False,
    low_output: bool = False,
    banned_process: bool = False,
    unmet_criteria: Iterable[str] = (),
    profile_note: str = "",
    documents: Mapping[str, Any] | None = None,
) -> Project:
    """Receive an application (受理): the project, its documents and the first workflow step.

    The core screens it as it is; a missing document does not stop the filing (the screening
    then blocks the review, IP-07) so the clerk can add it later."""
    if enterprise.site_id != site.pk:
        raise InvalidInput("admission.enterprise_site", "企业不在本园区", {"field": "enterprise"})
    if zone.site_id != site.pk:
        raise InvalidInput("admission.zone_site", "分园不属于本园区", {"field": "zone"})
    criteria = sorted(set(unmet_criteria))
    if any(c not in CriterionChoice.values for c in criteria):
        raise InvalidInput("admission.criteria", "入园条件选项不正确", {"field": "unmet_criteria"})
    _not_future(applied_on, today=_today(now), field="applied_on", label="申请日期")
    project = Project(
        site=site,
        zone=zone,
        enterprise=enterprise,
        name=_text(name, field="name", label="项目名称", max_length=200),
        sector=_text(sector, field="sector", label="项目行业", max_length=100),
        registered_capital_fen=registered_capital_fen,
        paid_in_capital_fen=paid_in_capital_fen,
        fixed_investment_fen=fixed_investment_fen,
        land_mu=land_mu,
        requests_own_land=requests_own_land,
        special_sector=special_sector,
        high_tech=high_tech,
        high_pollution=high_pollution,
        high_energy=high_energy,
        low_output=low_output,
        banned_process=banned_process,
        unmet_criteria=criteria,
        profile_note=(profile_note or "").strip()[:2000],
        applied_on=applied_on,
        created_at=now,
        created_by=actor_or_none(actor),
    )
    _screen_input(project)
    project.save()
    for kind, upload in (documents or {}).items():
        if upload is not None:
            _document_add(project, kind, upload, actor=actor, now=now)
    StepRecord.objects.create(
        project=project,
        step=land.Step.APPLICATION.value,
        done_on=applied_on,
        note="受理入园申请",
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("admission.apply", project, actor=actor, site=site, now=now)
    return project


def _screen_input(project: Project) -> None:
    """Let the core refuse impossible figures (no land, negative amounts) before a write."""
    app = land.Application(
        registered_capital_fen=project.registered_capital_fen,
        paid_in_capital_fen=project.paid_in_capital_fen,
        fixed_investment_fen=project.fixed_investment_fen,
        land_mu=project.land_mu,
        sector=project.sector,
        documents=frozenset(),
    )
    try:
        land.screen(app)
    except InvalidInput as exc:
        field = "land_mu" if exc.code == "land.mu_not_positive" else exc.details.get("field", "")
        field = str(field).removesuffix("_fen")
        raise InvalidInput(exc.code, exc.message, {**exc.details, "field": field}) from exc


def _document_add(project: Project, kind: str, upload: Any, *, actor: Actor, now: datetime) -> Any:
    if kind not in DocumentKind.values:
        raise InvalidInput("document.kind", "材料类别不正确", {"field": "kind"})
    doc = ProjectDocument(
        project=project,
        kind=kind,
        uploaded_at=now,
        uploaded_by=actor_or_none(actor),
        size=upload.size,
    )
    _attach(doc, upload, file_field="file", name_field="original_name", field=kind)
    doc.save()
    return doc


@transaction.atomic
def document_attach(
    *, project: Project, kind: str, upload: Any, actor: Actor, now: datetime
) -> ProjectDocument:
    """Add one of the five documents (a missing one, or a newer version)."""
    if upload is None:
        raise InvalidInput("upload.missing", "请选择要上传的文件", {"field": "file"})
    doc = _document_add(project, kind, upload, actor=actor, now=now)
    _audit("admission.document", doc, actor=actor, site=project.site, now=now)
    return doc


@transaction.atomic
def decision_record(
    *,
    project: Project,
    actor: Actor,
    now: datetime,
    finding_code: str,
    approved: bool,
    decided_on: date,
    attendees: str,
    minutes: str,
    minutes_file: Any = None,
) -> CommitteeDecision:
    """Record the committee's decision on a finding the core leaves to it (IP-05 relaxation,
    IP-04 own land, IP-01 sector outside the focus): who, when, minutes or reason."""
    state = selectors.admission_state(project)
    finding = state.screening.finding(finding_code)
    if finding is None or finding.severity not in selectors.DECIDABLE:
        raise DomainError(
            "decision.not_decidable",
            "该审查事项不需要园区管委会决定",
            {"field": "finding_code", "code": finding_code},
        )
    if finding_code in state.decisions:
        raise DomainError(
            "decision.already_recorded", "该事项已有管委会决定", {"field": "finding_code"}
        )
    if land.Step.FEASIBILITY_REVIEW in selectors.steps_done(project):
        raise DomainError("decision.after_review", "入园可行性评审已经完成，不能再补登决定", {})
    _not_future(decided_on, today=_today(now), field="decided_on", label="决定日期")
    _not_before(
        decided_on, project.applied_on, field="decided_on", message="决定日期不能早于申请日期"
    )
    decision = CommitteeDecision(
        project=project,
        rule=finding.rule,
        finding_code=finding_code,
        approved=approved,
        decided_on=decided_on,
        attendees=_text(attendees, field="attendees", label="参会人员", max_length=300),
        minutes=_text(minutes, field="minutes", label="会议纪要或理由", max_length=2000),
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _attach(
        decision,
        minutes_file,
        file_field="minutes_file",
        name_field="minutes_name",
        field="minutes_file",
    )
    decision.save()
    _audit("admission.decision", decision, actor=actor, site=project.site, now=now)
    return decision


def _not_admissible(state: selectors.AdmissionState) -> DomainError:
    if state.code == "blocked":
        missing = [f.message for f in state.screening.findings if f.severity is land.Severity.BLOCK]
        return DomainError(
            "admission.blocked",
            "申请材料不全，不能进入入园可行性评审：" + "；".join(missing),
            {"field": "step"},
        )
    if state.code == "refused":
        reasons = [
            f.message for f in state.screening.findings if f.severity is land.Severity.REFUSE
        ]
        reasons += [f"管委会未同意：{d.minutes}" for d in state.declined]
        return DomainError(
            "admission.refused", "不符合入园条件：" + "；".join(reasons), {"field": "step"}
        )
    pending = "；".join(f.message for f in state.undecided)
    return DomainError(
        "admission.awaiting_decision",
        f"以下事项须先由园区管委会作出决定：{pending}",
        {"field": "step"},
    )


@transaction.atomic
def step_record(
    *,
    project: Project,
    step: str,
    done_on: date,
    actor: Actor,
    now: datetime,
    note: str = "",
    document: Any = None,
) -> StepRecord:
    """IP-08: record a workflow step. The core says whether the step may come now (every earlier
    step done; construction never before the land-use right); the feasibility review also needs
    an admissible screening (IP-07: not with a document missing)."""
    try:
        wanted = land.Step(step)
    except ValueError as exc:
        raise InvalidInput("workflow.step", "流程环节不正确", {"field": "step"}) from exc
    Project.objects.select_for_update().filter(pk=project.pk).first()  # one step at a time
    done = selectors.steps_done(project)
    land.check_step(wanted, done=done)
    if wanted is land.Step.FEASIBILITY_REVIEW:
        state = selectors.admission_state(project)
        if not state.admissible:
            raise _not_admissible(state)
    _not_future(done_on, today=_today(now), field="done_on", label="完成日期")
    latest = max((s.done_on for s in done.values()), default=None)
    _not_before(done_on, latest, field="done_on", message="完成日期不能早于上一环节的完成日期")
    record = StepRecord(
        project=project,
        step=wanted.value,
        done_on=done_on,
        note=(note or "").strip()[:2000],
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _attach(record, document, file_field="document", name_field="document_name", field="document")
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:  # a concurrent request recorded it first
        raise DomainError(
            "workflow.already_recorded", "该环节已经登记，不能重复登记", {"field": "step"}
        ) from exc
    _audit(f"admission.step.{wanted.value}", record, actor=actor, site=project.site, now=now)
    _check_timeline(project, _today(now))
    return record


# == land supervision (IP-09 … IP-13) ===========================================================


def _check_timeline(project: Project, today: date) -> None:
    """Let the core read the supervision facts as they now stand; an inconsistent record (a
    suspension ending before it starts …) raises and the write is rolled back."""
    fresh = Project.objects.get(pk=project.pk)
    facts = selectors.land_project_of(fresh)
    if facts is not None:
        land.timeline(facts, today, policy=selectors.supervision_policy(project.site))


def _require_step(project: Project, step: land.Step, message: str) -> StepRecord:
    record = selectors.steps_done(project).get(step)
    if record is None:
        raise DomainError("land.step_missing", message, {"step": step.value})
    return record


_CONTRACT_FIELDS = (
    "signed_on",
    "land_mu",
    "land_price_fen_per_mu",
    "contracted_start",
    "planned_floor_area_m2",
    "total_investment_fen",
    "contracted_production",
    "land_price_relief",
    "appraised_year1_fen",
    "appraised_year2_fen",
    "completed_on",
    "std_investment_fen",
    "std_intensity_fen_per_mu",
    "std_speed_pct",
    "std_output_fen_per_mu",
)


_STANDARDS = {
    "std_investment_fen": "std_investment",
    "std_intensity_fen_per_mu": "std_intensity",
    "std_speed_pct": "std_speed_pct",
    "std_output_fen_per_mu": "std_output",
}


@transaction.atomic
def contract_save(*, project: Project, actor: Actor, now: datetime, **terms: Any) -> Contract:
    """Enter or correct the contract's terms (after the contract step is recorded)."""
    unknown = set(terms) - set(_CONTRACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contract terms: {sorted(unknown)}")
    _require_step(project, land.Step.CONTRACT, "须先登记“签订入园项目投资建设合同书”环节")
    today = _today(now)
    _positive(terms.get("land_mu"), field="land_mu", label="合同用地面积")
    _non_negative(terms.get("land_price_fen_per_mu"), field="land_price", label="土地出让价")
    _positive(terms.get("planned_floor_area_m2"), field="planned_floor_area_m2", label="建设总面积")
    _positive(terms.get("total_investment_fen"), field="total_investment", label="总投资额")
    for name in ("appraised_year1_fen", "appraised_year2_fen"):
        _non_negative(terms.get(name), field=name.removesuffix("_fen"), label="评估价")
    for name in _STANDARDS:
        if terms.get(name) is not None:
            _positive(terms[name], field=_STANDARDS[name], label="指标标准值")
    _not_future(terms.get("signed_on"), today=today, field="signed_on", label="签订日期")
    _not_future(terms.get("completed_on"), today=today, field="completed_on", label="竣工日期")
    _not_before(
        terms.get("contracted_start"),
        terms.get("signed_on"),
        field="contracted_start",
        message="约定开工日不能早于合同签订日期",
    )
    existing = selectors.contract_of(project)
    before = snap(existing)
    contract = existing or Contract(project=project)
    for name in _CONTRACT_FIELDS:
        if name in terms:
            setattr(contract, name, terms[name])
    contract.updated_at = now
    contract.updated_by = actor_or_none(actor)
    contract.save()
    action = "land.contract.update" if existing else "land.contract.create"
    _audit(action, contract, actor=actor, site=project.site, now=now, before=before)
    _check_timeline(project, today)
    return contract


def _require_contract(project: Project) -> Contract:
    contract = selectors.contract_of(project)
    if contract is None:
        raise DomainError("land.no_contract", "请先录入投资建设合同条款", {})
    return contract


@transaction.atomic
def progress_report(
    *,
    project: Project,
    actor: Actor,
    now: datetime,
    reported_on: date,
    built_floor_area_m2: Decimal,
    invested_fen: int,
    investment_fen: int | None = None,
    intensity_fen_per_mu: int | None = None,
    speed_pct: Decimal | None = None,
    output_fen_per_mu: int | None = None,
    note: str = "",
) -> ProgressReport:
    """A periodic report: progress to date and the four indicators of IP-09 (each optional)."""
    _require_contract(project)
    _not_future(reported_on, today=_today(now), field="reported_on", label="填报日期")
    _non_negative(built_floor_area_m2, field="built_floor_area_m2", label="已建面积")
    _non_negative(invested_fen, field="invested", label="累计投资")
    for name, value in (
        ("investment", investment_fen),
        ("intensity", intensity_fen_per_mu),
        ("speed_pct", speed_pct),
        ("output", output_fen_per_mu),
    ):
        _non_negative(value, field=name, label="指标实际值")
    report = ProgressReport.objects.create(
        project=project,
        reported_on=reported_on,
        built_floor_area_m2=built_floor_area_m2,
        invested_fen=invested_fen,
        investment_fen=investment_fen,
        intensity_fen_per_mu=intensity_fen_per_mu,
        speed_pct=speed_pct,
        output_fen_per_mu=output_fen_per_mu,
        note=(note or "").strip()[:200],
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("land.progress", report, actor=actor, site=project.site, now=now)
    _check_timeline(project, _today(now))
    return report


@transaction.atomic
def suspension_record(
    *,
    project: Project,
    actor: Actor,
    now: datetime,
    start: date,
    end: date | None = None,
    approved: bool = False,
    reason: str = "",
) -> Suspension:
    """Construction stopped (IP-11); only after construction started."""
    _require_contract(project)
    started = _require_step(project, land.Step.CONSTRUCTION, "项目尚未开工建设，无中止建设可登记")
    today = _today(now)
    _not_future(start, today=today, field="start", label="中止日期")
    _not_future(end, today=today, field="end", label="复工日期")
    _not_before(start, started.done_on, field="start", message="中止日期不能早于开工日期")
    suspension = Suspension.objects.create(
        project=project,
        start=start,
        end=end,
        approved=approved,
        reason=(reason or "").strip()[:200],
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("land.suspension", suspension, actor=actor, site=project.site, now=now)
    _check_timeline(project, today)
    return suspension


@transaction.atomic
def suspension_update(
    *,
    suspension: Suspension,
    actor: Actor,
    now: datetime,
    end: date | None,
    notice_served_on: date | None,
    pay_by: date | None,
    resume_by: date | None,
    paid_on: date | None,
) -> Suspension:
    """Record the resumption, and the idle-land notice served under IP-11 with its deadlines."""
    today = _today(now)
    notice = (notice_served_on, pay_by, resume_by)
    if any(notice) and not all(notice):
        raise InvalidInput(
            "suspension.notice_incomplete",
            "闲置土地通知须同时填写送达日、缴费期限和复工期限",
            {"field": "notice_served_on"},
        )
    _not_future(end, today=today, field="end", label="复工日期")
    _not_future(notice_served_on, today=today, field="notice_served_on", label="送达日")
    _not_future(paid_on, today=today, field="paid_on", label="缴费日期")
    _not_before(pay_by, notice_served_on, field="pay_by", message="缴费期限不能早于送达日")
    _not_before(resume_by, notice_served_on, field="resume_by", message="复工期限不能早于送达日")
    if paid_on is not None and notice_served_on is None:
        raise InvalidInput(
            "suspension.paid_without_notice", "尚未送达闲置通知", {"field": "paid_on"}
        )
    before = snap(suspension)
    suspension.end = end
    suspension.notice_served_on = notice_served_on
    suspension.pay_by = pay_by
    suspension.resume_by = resume_by
    suspension.paid_on = paid_on
    suspension.save()
    project = suspension.project
    _audit(
        "land.suspension.update", suspension, actor=actor, site=project.site, now=now, before=before
    )
    _check_timeline(project, today)
    return suspension


@transaction.atomic
def stoppage_record(
    *,
    project: Project,
    actor: Actor,
    now: datetime,
    start: date,
    end: date | None = None,
    reason: str = "",
) -> Stoppage:
    """Production stopped (IP-12); only after production started."""
    _require_contract(project)
    producing = _require_step(project, land.Step.PRODUCTION, "项目尚未投产，无停产可登记")
    today = _today(now)
    _not_future(start, today=today, field="start", label="停产日期")
    _not_future(end, today=today, field="end", label="恢复生产日期")
    _not_before(start, producing.done_on, field="start", message="停产日期不能早于投产日期")
    stoppage = Stoppage.objects.create(
        project=project,
        start=start,
        end=end,
        reason=(reason or "").strip()[:200],
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("land.stoppage", stoppage, actor=actor, site=project.site, now=now)
    _check_timeline(project, today)
    return stoppage


@transaction.atomic
def stoppage_end(*, stoppage: Stoppage, actor: Actor, now: datetime, end: date) -> Stoppage:
    _not_future(end, today=_today(now), field="end", label="恢复生产日期")
    before = snap(stoppage)
    stoppage.end = end
    stoppage.save(update_fields=["end"])
    _audit(
        "land.stoppage.end",
        stoppage,
        actor=actor,
        site=stoppage.project.site,
        now=now,
        before=before,
    )
    _check_timeline(stoppage.project, _today(now))
    return stoppage


@transaction.atomic
def correction_issue(
    *,
    project: Project,
    actor: Actor,
    now: datetime,
    ref: str,
    finding: str,
    issued_on: date,
    deadline: date,
) -> CorrectionOrder:
    """IP-13: an order to correct a control-indicator violation by a deadline."""
    _not_future(issued_on, today=_today(now), field="issued_on", label="下达日期")
    _not_before(deadline, issued_on, field="deadline", message="改正期限不能早于下达日期")
    order = CorrectionOrder.objects.create(
        project=project,
        ref=_text(ref, field="ref", label="通知文号", max_length=60),
        finding=_text(finding, field="finding", label="违规事项", max_length=300),
        issued_on=issued_on,
        deadline=deadline,
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("land.correction", order, actor=actor, site=project.site, now=now)
    _check_timeline(project, _today(now))
    return order


@transaction.atomic
def correction_done(
    *, order: CorrectionOrder, actor: Actor, now: datetime, corrected_on: date
) -> CorrectionOrder:
    _not_future(corrected_on, today=_today(now), field="corrected_on", label="改正日期")
    _not_before(
        corrected_on, order.issued_on, field="corrected_on", message="改正日期不能早于下达日期"
    )
    before = snap(order)
    order.corrected_on = corrected_on
    order.save(update_fields=["corrected_on"])
    _audit(
        "land.correction.done", order, actor=actor, site=order.project.site, now=now, before=before
    )
    return order


@transaction.atomic
def site_plan_save(
    *,
    project: Project,
    actor: Actor,
    now: datetime,
    sector_code: str,
    land_area_m2: Decimal,
    floor_area_m2: Decimal,
    footprint_m2: Decimal,
    green_area_m2: Decimal,
    admin_living_area_m2: Decimal,
    uses: Iterable[str] = (),
) -> tuple[SitePlan, tuple[land.Finding, ...]]:
    """IP-13: store the plan's figures and return the core's findings against the park's
    control values (forbidden uses included)."""
    code = (sector_code or "").strip()
    if not _SECTOR_CODE.match(code):
        raise InvalidInput(
            "plan.sector_code", "行业代码应为两位数字（GB/T 4754 大类）", {"field": "sector_code"}
        )
    chosen = sorted(set(uses))
    if any(u not in UseChoice.values for u in chosen):
        raise InvalidInput("plan.uses", "用途选项不正确", {"field": "uses"})
    for name, value in (
        ("floor_area_m2", floor_area_m2),
        ("footprint_m2", footprint_m2),
        ("green_area_m2", green_area_m2),
        ("admin_living_area_m2", admin_living_area_m2),
    ):
        _non_negative(value, field=name, label="面积")
    _positive(land_area_m2, field="land_area_m2", label="总用地面积")
    existing = getattr(project, "site_plan", None)
    before = snap(existing)
    plan = existing or SitePlan(project=project)
    plan.sector_code = code
    plan.land_area_m2 = land_area_m2
    plan.floor_area_m2 = floor_area_m2
    plan.footprint_m2 = footprint_m2
    plan.green_area_m2 = green_area_m2
    plan.admin_living_area_m2 = admin_living_area_m2
    plan.uses = chosen
    plan.updated_at = now
    plan.updated_by = actor_or_none(actor)
    plan.save()
    project.site_plan = plan
    findings = selectors.plan_findings(project) or ()
    _audit("land.site_plan", plan, actor=actor, site=project.site, now=now, before=before)
    return plan, findings


@transaction.atomic
def policy_save(
    *,
    site: Site,
    actor: Actor,
    now: datetime,
    idle_fee_rate: Decimal | None,
    min_building_coverage: Decimal | None,
    max_admin_share: Decimal | None,
    max_green_ratio: Decimal | None,
    plot_ratio_min: Mapping[str, Decimal],
) -> ParkPolicy:
    """A park's own numbers (blank: the core's default)."""
    for name, value in (
        ("idle_fee_rate", idle_fee_rate),
        ("min_building_coverage", min_building_coverage),
        ("max_admin_share", max_admin_share),
        ("max_green_ratio", max_green_ratio),
    ):
        if value is not None and not Decimal(0) <= value <= Decimal(1):
            raise InvalidInput("policy.ratio", "比例应在0到1之间", {"field": name})
    plot: dict[str, str] = {}
    for code, value in plot_ratio_min.items():
        if not _SECTOR_CODE.match(code) or value <= 0:
            raise InvalidInput(
                "policy.plot_ratio",
                "容积率下限应写作“行业代码=下限”，如 36=0.8",
                {"field": "plot_ratio_min"},
            )
        plot[code] = str(value)
    existing = selectors.policy_of(site)
    before = snap(existing)
    policy = existing or ParkPolicy(site=site)
    policy.idle_fee_rate = idle_fee_rate
    policy.min_building_coverage = min_building_coverage
    policy.max_admin_share = max_admin_share
    policy.max_green_ratio = max_green_ratio
    policy.plot_ratio_min = plot
    policy.updated_at = now
    policy.save()
    _audit("land.policy", policy, actor=actor, site=site, now=now, before=before)
    return policy


@transaction.atomic
def land_deadlines_raise(*, site: Site, now: datetime, actor: Actor = None) -> int:
    """Raise, for the park committee, every land deadline that takes effect today (core
    ``due_on``) and any earlier one not raised yet (a day the job did not run, a report entered
    late): one ``LandAlert`` per project and deadline key. Safe to run any number of times a
    day. Returns how many alerts were created. ``actor``: who runs it (None: the daily job)."""
    Site.objects.select_for_update().filter(pk=site.pk).first()  # serialise runs per site
    today = _today(now)
    policy = selectors.supervision_policy(site)
    fresh: list[LandAlert] = []
    for project in selectors.supervised_at(site):
        facts = selectors.land_project_of(project)
        if facts is None:
            continue
        try:
            due = land.due_on(facts, today, policy=policy)
            missed = [
                d
                for d in land.timeline(facts, today, policy=policy)
                if d.status is land.Status.OVERDUE
            ]
        except DomainError:
            continue  # an inconsistent record; its page shows the error
        raised = set(project.alerts.values_list("key", flat=True))
        for deadline, late in [(d, False) for d in due] + [(d, True) for d in missed]:
            if deadline.key in raised:
                continue
            raised.add(deadline.key)
            fresh.append(
                LandAlert(
                    site=site,
                    project=project,
                    key=deadline.key,
                    rule=deadline.rule,
                    code=deadline.code,
                    day=deadline.day,
                    message=deadline.message,
                    amount_fen=deadline.amount_fen,
                    raised_at=now,
                    late=late,
                )
            )
    LandAlert.objects.bulk_create(fresh)
    for alert in fresh:
        notify_messages.land_deadline(alert=alert, now=now)  # to the committee's group
    if fresh:
        audit_record(
            action="land.alerts.raise",
            actor=actor,
            site=site,
            object_type="admission.landalert",
            after={"count": len(fresh), "keys": [a.key for a in fresh]},
            at=now,
        )
    return len(fresh)


@transaction.atomic
def alert_handle(
    *, alert: LandAlert, actor: Actor, now: datetime, note: str, settled: bool
) -> LandAlert:
    """The committee deals with an alert; ``settled`` takes the deadline off the timeline."""
    if alert.handled_at is not None:
        raise DomainError("alert.already_handled", "该提醒已经处理", {})
    before = snap(alert)
    alert.handling_note = _text(note, field="note", label="处理意见", max_length=300)
    alert.handled_at = now
    alert.handled_by = actor_or_none(actor)
    alert.settled = settled
    alert.save(update_fields=["handling_note", "handled_at", "handled_by", "settled"])
    _audit("land.alert.handle", alert, actor=actor, site=alert.site, now=now, before=before)
    return alert


# == IP-14: statistical reports and prior notice ================================================


@transaction.atomic
def report_duty_set(
    *,
    enterprise: Enterprise,
    actor: Actor,
    now: datetime,
    since: date,
    period: str,
    due_day: int,
    months_after: int = 1,
) -> ReportDuty:
    try:
        land.ReportSchedule(land.ReportPeriod(period), due_day, months_after)
    except ValueError as exc:
        raise InvalidInput("report.period", "报表周期不正确", {"field": "period"}) from exc
    existing = selectors.duty_of(enterprise)
    before = snap(existing)
    duty = existing or ReportDuty(enterprise=enterprise)
    duty.since = since
    duty.period = period
    duty.due_day = due_day
    duty.months_after = months_after
    duty.save()
    _audit(
        "enterprise.report_duty", duty, actor=actor, site=enterprise.site, now=now, before=before
    )
    return duty


@transaction.atomic
def filing_record(
    *,
    enterprise: Enterprise,
    actor: Actor,
    now: datetime,
    period_start: date,
    filed_on: date,
    note: str = "",
) -> StatFiling:
    """A statistical report received; only for a period the schedule asks for and has ended."""
    today = _today(now)
    periods = {r.period_start: r for r in selectors.report_rows(enterprise, today)}
    row = periods.get(period_start)
    if row is None:
        raise InvalidInput(
            "filing.period", "该报表期不在报送要求内或尚未结束", {"field": "period_start"}
        )
    if row.filed_on is not None:
        raise DomainError("filing.duplicate", "该期报表已登记报送", {"field": "period_start"})
    _not_future(filed_on, today=today, field="filed_on", label="报送日期")
    _not_before(filed_on, period_start, field="filed_on", message="报送日期不能早于报表期")
    filing = StatFiling.objects.create(
        enterprise=enterprise,
        period_start=period_start,
        filed_on=filed_on,
        note=(note or "").strip()[:200],
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _audit("enterprise.filing", filing, actor=actor, site=enterprise.site, now=now)
    return filing


@transaction.atomic
def change_notice_record(
    *,
    enterprise: Enterprise,
    actor: Actor,
    now: datetime,
    change: str,
    decided_on: date,
    notified_on: date | None,
    written: bool = True,
    note: str = "",
    document: Any = None,
) -> tuple[ChangeNotice, land.Finding | None]:
    """IP-14: a merger, split or deregistration; returns the core's finding (None: notified in
    writing before the decision, as 第十七条 asks)."""
    try:
        kind = land.CorporateChange(change)
    except ValueError as exc:
        raise InvalidInput("notice.change", "变更事项不正确", {"field": "change"}) from exc
    today = _today(now)
    _not_future(notified_on, today=today, field="notified_on", label="告知日期")
    notice = ChangeNotice(
        enterprise=enterprise,
        change=kind.value,
        decided_on=decided_on,
        notified_on=notified_on,
        written=written,
        note=(note or "").strip()[:200],
        recorded_at=now,
        recorded_by=actor_or_none(actor),
    )
    _attach(notice, document, file_field="document", name_field="document_name", field="document")
    notice.save()
    finding = land.check_prior_notice(
        change=kind, decided_on=decided_on, notified_on=notified_on, written=written
    )
    _audit("enterprise.change_notice", notice, actor=actor, site=enterprise.site, now=now)
    return notice, finding
