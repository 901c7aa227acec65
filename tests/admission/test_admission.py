"""Admission (SPEC §9, IP-01 … IP-08) through the services: the application, its documents, the
screening the core explains, the committee's decisions and the workflow."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gatehouse.admission import selectors, services
from gatehouse.admission.models import CommitteeDecision, Project, ProjectDocument, StepRecord
from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.people.models import Enterprise
from tests.conftest import NOW

from .conftest import ALL_DOCS, PNG, TODAY, WAN, apply, pdf, record_steps, reload

pytestmark = pytest.mark.django_db


# -- enterprises ----------------------------------------------------------------------------------


def test_enterprise_create_seals_the_phone_and_audits(site_b, auto_zone, committee_b):
    e = services.enterprise_create(
        site=site_b,
        actor=committee_b,
        now=NOW,
        name="  安康新材料 科技有限公司 ",
        zone=auto_zone,
        uscc="91110000710925462X",
        contact_phone="13912345678",
    )
    assert e.name == "安康新材料 科技有限公司"
    assert e.contact_phone_masked == "139****5678"
    assert "13912345678" not in e.contact_phone_cipher
    entry = AuditEntry.objects.get(action="enterprise.create", object_id=str(e.pk))
    assert entry.actor == committee_b and entry.site == site_b
    assert "contact_phone_cipher" not in entry.after


def test_enterprise_create_refuses_bad_input_and_duplicates(site_b, enterprise_b, committee_b):
    with pytest.raises(InvalidInput) as bad:
        services.enterprise_create(
            site=site_b, actor=committee_b, now=NOW, name="某公司", uscc="123"
        )
    assert bad.value.code.startswith("uscc")
    with pytest.raises(DomainError) as dup:
        services.enterprise_create(site=site_b, actor=committee_b, now=NOW, name=enterprise_b.name)
    assert dup.value.code == "enterprise.duplicate_name"
    assert dup.value.details["field"] == "name"
    assert Enterprise.objects.filter(site=site_b).count() == 1


def test_enterprise_update_keeps_the_phone_unless_given(enterprise_b, committee_b, mixed_zone):
    services.enterprise_update(
        enterprise=enterprise_b,
        actor=committee_b,
        now=NOW,
        name="安康精工汽车部件有限公司",
        zone=mixed_zone,
        uscc="",
        industry="电子加工",
        contact_name="陈志强",
        contact_phone=None,
    )
    enterprise_b.refresh_from_db()
    assert enterprise_b.zone == mixed_zone and enterprise_b.contact_phone_masked == "139****5678"
    entry = AuditEntry.objects.get(action="enterprise.update")
    assert entry.before["name"] == "安康精工汽车零部件有限公司"
    assert entry.after["name"] == "安康精工汽车部件有限公司"


# -- application and screening --------------------------------------------------------------------


def test_apply_files_the_project_documents_and_first_step(project_b, committee_b):
    # rule IP-07: the five documents are stored; rule IP-08: the application is the first step
    assert sorted(project_b.documents.values_list("kind", flat=True)) == sorted(ALL_DOCS)
    doc = project_b.documents.get(kind="feasibility")
    assert doc.original_name == "feasibility.pdf" and doc.file.read().startswith(b"%PDF-")
    assert "feasibility" not in doc.file.name  # stored under a random name
    step = project_b.steps.get()
    assert (step.step, step.done_on, step.recorded_by) == (
        "application",
        project_b.applied_on,
        committee_b,
    )
    assert AuditEntry.objects.filter(action="admission.apply", object_id=str(project_b.pk)).exists()
    state = selectors.admission_state(project_b)
    # rule IP-03: the intensity is computed and explained with its numbers
    assert state.code == "admissible"
    assert state.screening.codes() == ("intensity.ok",)
    assert "投资强度 = 固定资产投资120,000,000.00元 ÷ 100亩 = 1,200,000.00元/亩" in (
        state.screening.findings[0].message
    )


@pytest.mark.parametrize(
    ("changes", "code", "rule", "severity", "state", "text"),
    [
        # rule IP-02
        (
            {"paid_in_capital_fen": 800 * WAN},
            "capital.paid_in_too_low",
            "IP-02",
            "refuse",
            "refused",
            "实收资本8,000,000.00元，低于入园要求的10,000,000.00元",
        ),
        # rule IP-03
        (
            {"fixed_investment_fen": 9000 * WAN},
            "intensity.too_low",
            "IP-03",
            "refuse",
            "refused",
            "= 900,000.00元/亩，低于一般行业1,000,000.00元/亩",
        ),
        # rule IP-03: a special sector needs 80万元/亩 only
        (
            {"fixed_investment_fen": 9000 * WAN, "special_sector": True},
            "intensity.ok",
            "IP-03",
            "info",
            "admissible",
            "达到特殊行业800,000.00元/亩的要求",
        ),
        # rule IP-05: a provincial high-tech project may be relaxed by the committee
        (
            {"fixed_investment_fen": 9000 * WAN, "high_tech": True},
            "intensity.relaxable",
            "IP-05",
            "relaxable",
            "awaiting_decision",
            "省级以上高新技术项目投资额度可以放宽，须由园区管委会决定",
        ),
        # rule IP-04: under 5000万元 and under 50 mu: standard factory, own land needs a decision
        (
            {"fixed_investment_fen": 4000 * WAN, "land_mu": Decimal(30)},
            "land.own_land_requested",
            "IP-04",
            "relaxable",
            "awaiting_decision",
            "原则上不单独供地，应进驻标准化工业厂房",
        ),
        # rule IP-06
        (
            {"high_pollution": True},
            "profile.high_pollution",
            "IP-06",
            "refuse",
            "refused",
            "高污染企业不得入园",
        ),
        # rule IP-06
        (
            {"banned_process": True},
            "profile.banned_process",
            "IP-06",
            "refuse",
            "refused",
            "国家明令禁止和淘汰的生产工艺及设备不得入园",
        ),
        # rule IP-01: a criterion found unmet refuses
        (
            {"unmet_criteria": ["environment_safety"]},
            "criteria.environment_safety",
            "IP-01",
            "refuse",
            "refused",
            "不符合环境保护和安全生产要求，不得入园",
        ),
        # rule IP-01: a sector outside the sub-park's focus is for the committee
        (
            {"sector": "新型材料"},
            "sector.outside_focus",
            "IP-01",
            "flag",
            "awaiting_decision",
            "项目行业“新型材料”不在汽车产业城的重点发展方向",
        ),
        # rule IP-07
        (
            {"docs": ALL_DOCS[:-1]},
            "documents.missing.prior_approval",
            "IP-07",
            "block",
            "blocked",
            "缺少申请材料：有效的前置审批项目批准文件或生产经营许可证；材料不全，不能进入入园评审",
        ),
    ],
)
def test_screening_explains_each_rule(
    site_b, committee_b, enterprise_b, auto_zone, changes, code, rule, severity, state, text
):
    project = apply(site_b, committee_b, enterprise_b, auto_zone, **changes)
    result = selectors.admission_state(project)
    finding = result.screening.finding(code)
    assert finding is not None, result.screening.codes()
    assert (finding.rule, finding.severity) == (rule, severity)
    assert text in finding.message
    assert result.code == state


def test_the_sub_park_focus_follows_t1(auto_zone, mixed_zone, site_b):
    from gatehouse.sites.models import Zone

    # rule IP-01: T1 第九条's focus, also for a sub-park named with its alias in brackets
    assert selectors.focus_sectors(auto_zone) == {"汽车零配件加工", "汽车整装", "机械加工制造"}
    assert "电子加工" in selectors.focus_sectors(mixed_zone)
    other = Zone.objects.create(site=site_b, code="x", name="北区", industry_focus="光伏、储能")
    assert selectors.focus_sectors(other) == {"光伏", "储能"}


def test_apply_refuses_impossible_figures_and_writes_nothing(
    site_b, committee_b, enterprise_b, auto_zone
):
    with pytest.raises(InvalidInput) as exc:
        apply(site_b, committee_b, enterprise_b, auto_zone, land_mu=Decimal(0))
    assert exc.value.code == "land.mu_not_positive" and exc.value.details["field"] == "land_mu"
    with pytest.raises(InvalidInput) as future:
        apply(site_b, committee_b, enterprise_b, auto_zone, applied_on=TODAY + timedelta(days=1))
    assert future.value.details["field"] == "applied_on"
    assert not Project.objects.exists() and not ProjectDocument.objects.exists()


def test_apply_refuses_an_enterprise_of_another_site(site_a, site_b, committee_b, auto_zone):
    other = Enterprise.objects.create(site=site_a, name="别处公司")
    with pytest.raises(InvalidInput) as exc:
        apply(site_b, committee_b, other, auto_zone)
    assert exc.value.code == "admission.enterprise_site"


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("setup.exe", b"MZ\x90\x00"), "upload.type"),
        (SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00 not a pdf"), "upload.content"),
        (SimpleUploadedFile("scan.png", b"%PDF-1.4"), "upload.content"),
        (SimpleUploadedFile("empty.pdf", b""), "upload.empty"),
    ],
)
def test_uploads_are_checked_by_type_and_content(
    site_b, committee_b, enterprise_b, auto_zone, upload, code
):
    docs = {"application": upload}
    with pytest.raises(InvalidInput) as exc:
        apply(site_b, committee_b, enterprise_b, auto_zone, docs=(), documents=docs)
    assert exc.value.code == code and exc.value.details["field"] == "application"
    assert not Project.objects.exists()


def test_uploads_are_limited_in_size(project_b, committee_b, monkeypatch):
    from gatehouse.admission import uploads

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(InvalidInput) as exc:
        services.document_attach(
            project=project_b, kind="application", upload=pdf(), actor=committee_b, now=NOW
        )
    assert exc.value.code == "upload.too_large"
    png = SimpleUploadedFile("licence.png", PNG)
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    doc = services.document_attach(
        project=project_b, kind="licence_and_id", upload=png, actor=committee_b, now=NOW
    )
    assert doc.file.name.endswith(".png") and doc.size == len(PNG)


# -- the committee's decisions --------------------------------------------------------------------


def _high_tech(site_b, committee_b, enterprise_b, auto_zone):
    return apply(
        site_b,
        committee_b,
        enterprise_b,
        auto_zone,
        fixed_investment_fen=9000 * WAN,
        high_tech=True,
    )


def test_a_relaxation_is_a_recorded_committee_decision(
    site_b, committee_b, enterprise_b, auto_zone
):
    # rule IP-05
    project = _high_tech(site_b, committee_b, enterprise_b, auto_zone)
    minutes = SimpleUploadedFile("纪要.pdf", b"%PDF-1.7 minutes")
    decision = services.decision_record(
        project=project,
        actor=committee_b,
        now=NOW,
        finding_code="intensity.relaxable",
        approved=True,
        decided_on=TODAY - timedelta(days=150),
        attendees="周建国、王立新、李秀兰",
        minutes="省级高新技术企业认定证书有效，同意放宽投资强度。",
        minutes_file=minutes,
    )
    assert (decision.rule, decision.recorded_by, decision.minutes_name) == (
        "IP-05",
        committee_b,
        "纪要.pdf",
    )
    assert selectors.admission_state(reload(project)).code == "admissible"
    entry = AuditEntry.objects.get(action="admission.decision")
    assert entry.after["attendees"] == "周建国、王立新、李秀兰" and entry.site == site_b
    record_steps(reload(project), committee_b, ["feasibility_review"])
    assert reload(project).steps.filter(step="feasibility_review").exists()


def test_a_declined_relaxation_refuses_the_project(site_b, committee_b, enterprise_b, auto_zone):
    # rule IP-05
    project = _high_tech(site_b, committee_b, enterprise_b, auto_zone)
    services.decision_record(
        project=project,
        actor=committee_b,
        now=NOW,
        finding_code="intensity.relaxable",
        approved=False,
        decided_on=TODAY,
        attendees="周建国",
        minutes="投资强度过低，不予放宽。",
    )
    state = selectors.admission_state(reload(project))
    assert state.code == "refused"
    with pytest.raises(DomainError) as exc:
        record_steps(reload(project), committee_b, ["feasibility_review"])
    assert exc.value.code == "admission.refused"
    assert "管委会未同意：投资强度过低，不予放宽。" in exc.value.message


def test_only_decidable_findings_take_a_decision_and_only_once(
    site_b, committee_b, enterprise_b, auto_zone, project_b
):
    kwargs = {
        "actor": committee_b,
        "now": NOW,
        "approved": True,
        "decided_on": TODAY,
        "attendees": "周建国",
        "minutes": "同意",
    }
    with pytest.raises(DomainError) as exc:
        services.decision_record(project=project_b, finding_code="intensity.ok", **kwargs)
    assert exc.value.code == "decision.not_decidable"
    project = _high_tech(site_b, committee_b, enterprise_b, auto_zone)
    services.decision_record(project=project, finding_code="intensity.relaxable", **kwargs)
    with pytest.raises(DomainError) as again:
        services.decision_record(
            project=reload(project), finding_code="intensity.relaxable", **kwargs
        )
    assert again.value.code == "decision.already_recorded"
    second = _high_tech(site_b, committee_b, enterprise_b, auto_zone)
    with pytest.raises(InvalidInput) as blank:
        services.decision_record(
            project=second, finding_code="intensity.relaxable", **{**kwargs, "attendees": " "}
        )
    assert blank.value.details["field"] == "attendees"
    assert CommitteeDecision.objects.count() == 1


# -- the workflow ---------------------------------------------------------------------------------

FULL = [
    "feasibility_review",
    "contract",
    "land_procedures",
    "land_use_right",
    "construction",
    "production",
]


def test_the_workflow_runs_in_order_with_who_when_and_documents(project_b, committee_b):
    # rule IP-08
    last = record_steps(project_b, committee_b, FULL[:2])
    services.step_record(
        project=reload(project_b),
        step="land_procedures",
        done_on=last + timedelta(days=5),
        note="勘测定界完成，土地征收补偿到位",
        document=pdf("勘测定界图.pdf"),
        actor=committee_b,
        now=NOW,
    )
    record = StepRecord.objects.get(project=project_b, step="land_procedures")
    assert record.document_name == "勘测定界图.pdf" and record.recorded_by == committee_b
    assert record.recorded_at == NOW
    assert selectors.current_step(reload(project_b)).value == "land_procedures"
    assert AuditEntry.objects.filter(action="admission.step.land_procedures").exists()


@pytest.mark.parametrize(
    ("done", "step", "code"),
    [
        # rule IP-08: construction only after the land-use right (第二十四条)
        (FULL[:3], "construction", "workflow.construction_without_land_right"),
        # rule IP-08
        ([], "contract", "workflow.out_of_order"),
        # rule IP-08
        (FULL[:1], "feasibility_review", "workflow.already_recorded"),
    ],
)
def test_the_workflow_refuses_a_step_out_of_turn(project_b, committee_b, done, step, code):
    record_steps(project_b, committee_b, done)
    before = StepRecord.objects.count()
    with pytest.raises(DomainError) as exc:
        services.step_record(
            project=reload(project_b), step=step, done_on=TODAY, actor=committee_b, now=NOW
        )
    assert exc.value.code == code
    if code == "workflow.construction_without_land_right":
        assert "未依法取得土地使用权，不得开工建设" in exc.value.message
    assert StepRecord.objects.count() == before


def test_the_review_cannot_proceed_with_a_document_missing(
    site_b, committee_b, enterprise_b, auto_zone
):
    # rule IP-07
    project = apply(site_b, committee_b, enterprise_b, auto_zone, docs=ALL_DOCS[:3])
    with pytest.raises(DomainError) as exc:
        record_steps(project, committee_b, ["feasibility_review"])
    assert exc.value.code == "admission.blocked"
    assert "银行提供的资信证明或有效资产证明" in exc.value.message
    for kind in ALL_DOCS[3:]:
        services.document_attach(
            project=project, kind=kind, upload=pdf(), actor=committee_b, now=NOW
        )
    record_steps(reload(project), committee_b, ["feasibility_review"])


def test_a_refused_project_is_not_reviewed(site_b, committee_b, enterprise_b, auto_zone):
    # rule IP-06
    project = apply(site_b, committee_b, enterprise_b, auto_zone, high_energy=True)
    with pytest.raises(DomainError) as exc:
        record_steps(project, committee_b, ["feasibility_review"])
    assert exc.value.code == "admission.refused" and "高耗能企业不得入园" in exc.value.message


def test_step_dates_are_checked(project_b, committee_b):
    with pytest.raises(InvalidInput) as early:
        services.step_record(
            project=project_b,
            step="feasibility_review",
            done_on=project_b.applied_on - timedelta(days=1),
            actor=committee_b,
            now=NOW,
        )
    assert early.value.code == "date.order"
    with pytest.raises(InvalidInput) as future:
        services.step_record(
            project=project_b,
            step="feasibility_review",
            done_on=TODAY + timedelta(days=1),
            actor=committee_b,
            now=NOW,
        )
    assert future.value.code == "date.future"
