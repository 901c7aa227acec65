"""The admission and land-supervision demo at 五里工业园区, made through the real services.

Six applications of the park's own enterprises at different stages: one producing, one with a
land-use right but not started (its IP-10 breach a week away), one idle (suspended without
approval for over a year, IP-11), one relaxed by the committee (IP-05), one blocked for a
missing document (IP-07) and one refused (IP-06); statistical-report duties with an overdue
report, and a merger notified too late (IP-14). Dates are counted back from the load day, so
the timeline is always current.

Runs once: a park that already has applications is left alone (one query on a re-run). The
documents are small PDFs written once under MEDIA_ROOT/admission/demo/ and shared by the rows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor
from gatehouse.admission import services
from gatehouse.admission.models import DocumentKind, Project, ProjectDocument
from gatehouse.audit.services import audit_record
from gatehouse.core.land import add_months
from gatehouse.people.models import Enterprise
from gatehouse.sites.models import Site, Zone

WULI = "wuli"
WAN = 1_000_000  # fen in 1万元
ATTENDEES = "周建国（主任）、王立新、李秀兰、陈海涛"

_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
_DOC_NAMES = {
    DocumentKind.APPLICATION: "入园申请书.pdf",
    DocumentKind.FEASIBILITY: "可行性研究报告.pdf",
    DocumentKind.LICENCE_AND_ID: "营业执照及法定代表人身份证明.pdf",
    DocumentKind.CREDIT_PROOF: "银行资信证明.pdf",
    DocumentKind.PRIOR_APPROVAL: "环评批复及生产许可证.pdf",
}


def build_admission_demo(*, now: datetime) -> dict[str, int]:
    """Load the park's admission demo; returns ``{"wuli": rows}`` when it wrote anything."""
    site = Site.objects.filter(code=WULI).first()
    if site is None or Project.objects.filter(site=site).exists():
        return {}
    actor = get_user_model().objects.filter(username="admin").first()
    with transaction.atomic():
        count = _Park(site, actor, now).build()
    return {WULI: count} if count else {}


class _Park:
    def __init__(self, site: Site, actor: Actor, now: datetime) -> None:
        self.site = site
        self.actor = actor
        self.now = now
        self.today = timezone.localdate(now)
        self.zones = {z.code: z for z in Zone.objects.filter(site=site)}
        self.enterprises = {e.name: e for e in Enterprise.objects.filter(site=site)}
        self.count = 0

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    # -- helpers --------------------------------------------------------------------------------
    def apply(self, enterprise: str, zone: str, *, docs: int = 5, **kw: Any) -> Project | None:
        found = self.enterprises.get(enterprise)
        if found is None or zone not in self.zones:
            return None
        project = services.project_apply(
            site=self.site,
            actor=self.actor,
            now=self.now,
            enterprise=found,
            zone=self.zones[zone],
            **kw,
        )
        for kind in list(DocumentKind)[:docs]:
            self._document(project, kind)
        self.count += 1
        return project

    def _document(self, project: Project, kind: DocumentKind) -> None:
        name = f"admission/demo/{kind.value}.pdf"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(_PDF))
        doc = ProjectDocument.objects.create(
            project=project,
            kind=kind.value,
            file=name,
            original_name=_DOC_NAMES[kind],
            size=len(_PDF),
            uploaded_at=self.now,
            uploaded_by=self.actor,
        )
        audit_record(
            action="admission.document",
            obj=doc,
            actor=self.actor,
            site=self.site,
            after={"kind": kind.value, "file": name},
            at=self.now,
        )

    def steps(self, project: Project, dated: list[tuple[str, date, str]]) -> None:
        for step, day, note in dated:
            services.step_record(
                project=Project.objects.get(pk=project.pk),
                step=step,
                done_on=day,
                note=note,
                actor=self.actor,
                now=self.now,
            )

    def fresh(self, project: Project) -> Project:
        return Project.objects.get(pk=project.pk)

    # -- the demo ---------------------------------------------------------------------------------
    def build(self) -> int:
        services.policy_save(
            site=self.site,
            actor=self.actor,
            now=self.now,
            idle_fee_rate=Decimal("0.2"),
            min_building_coverage=None,
            max_admin_share=None,
            max_green_ratio=None,
            plot_ratio_min={},
        )
        self._producing()
        self._breach_coming()
        self._idle()
        self._relaxed()
        self._blocked()
        self._refused()
        self._reports()
        services.land_deadlines_raise(site=self.site, now=self.now, actor=self.actor)
        return self.count

    def _producing(self) -> None:
        """石墨导热膜: admitted three years ago, built, producing, indicators met."""
        start = self.ago(1100)
        project = self.apply(
            "陕西秦岭石墨新材料有限公司",
            "materials",
            name="高导热石墨膜生产线",
            sector="新型材料",
            registered_capital_fen=5000 * WAN,
            paid_in_capital_fen=5000 * WAN,
            fixed_investment_fen=18000 * WAN,
            land_mu=Decimal(120),
            applied_on=start,
            profile_note="无废水排放；年综合能耗约2600吨标准煤，低于行业准入值",
        )
        if project is None:
            return
        self.steps(
            project,
            [
                ("feasibility_review", start + timedelta(days=20), "评审通过：符合新型材料园定位"),
                ("contract", start + timedelta(days=35), "签订入园项目投资建设合同书"),
                ("land_procedures", start + timedelta(days=95), "规划审查、勘测定界、土地征收完成"),
                ("land_use_right", start + timedelta(days=130), "取得国有建设用地使用权证"),
                ("construction", start + timedelta(days=150), "开工建设"),
                ("production", start + timedelta(days=600), "一期投产"),
            ],
        )
        services.contract_save(
            project=self.fresh(project),
            actor=self.actor,
            now=self.now,
            signed_on=start + timedelta(days=35),
            land_mu=Decimal(120),
            land_price_fen_per_mu=18 * WAN,
            contracted_start=start + timedelta(days=160),
            planned_floor_area_m2=Decimal(64000),
            total_investment_fen=18000 * WAN,
            contracted_production=start + timedelta(days=640),
            completed_on=start + timedelta(days=560),
            std_intensity_fen_per_mu=150 * WAN,
            std_output_fen_per_mu=300 * WAN,
        )
        services.progress_report(
            project=self.fresh(project),
            actor=self.actor,
            now=self.now,
            reported_on=self.ago(40),
            built_floor_area_m2=Decimal(64000),
            invested_fen=18000 * WAN,
            intensity_fen_per_mu=150 * WAN,
            output_fen_per_mu=320 * WAN,
            note="年度考核",
        )
        services.site_plan_save(
            project=self.fresh(project),
            actor=self.actor,
            now=self.now,
            sector_code="26",
            land_area_m2=Decimal(80000),
            floor_area_m2=Decimal(64000),
            footprint_m2=Decimal(36000),
            green_area_m2=Decimal(12000),
            admin_living_area_m2=Decimal(4000),
        )

    def _breach_coming(self) -> None:
        """汽车线束: land-use right obtained, contracted to start about three months ago, not
        started: the IP-10 breach takes effect in a week."""
        contracted_start = add_months(self.today, -3) + timedelta(days=6)
        start = contracted_start - timedelta(days=150)
        project = self.apply(
            "安康汉江汽车零部件有限公司",
            "auto",
            name="新能源汽车线束总成项目",
            sector="汽车零配件加工",
            registered_capital_fen=2000 * WAN,
            paid_in_capital_fen=2000 * WAN,
            fixed_investment_fen=12000 * WAN,
            land_mu=Decimal(100),
            applied_on=start,
        )
        if project is None:
            return
        self.steps(
            project,
            [
                ("feasibility_review", start + timedelta(days=15), "评审通过"),
                ("contract", start + timedelta(days=30), "签订入园项目投资建设合同书"),
                ("land_procedures", start + timedelta(days=80), "用地手续办结"),
                ("land_use_right", start + timedelta(days=120), "取得土地使用权"),
            ],
        )
        services.contract_save(
            project=self.fresh(project),
            actor=self.actor,
            now=self.now,
            signed_on=start + timedelta(days=30),
            land_mu=Decimal(100),
            land_price_fen_per_mu=20 * WAN,
            contracted_start=contracted_start,
            planned_floor_area_m2=Decimal(52000),
            total_investment_fen=12000 * WAN,
        )

    def _idle(self) -> None:
        """冷链分拣中心二期: started, 20% built, stopped without approval 14 months ago."""
        start = self.ago(900)
        project = self.apply(
            "安康汇通冷链物流有限公司",
            "logistics",
            name="冷链分拣中心二期",
            sector="现代物流",
            registered_capital_fen=3000 * WAN,
            paid_in_capital_fen=1500 * WAN,
            fixed_investment_fen=8000 * WAN,
            land_mu=Decimal(60),
            applied_on=start,
        )
        if project is None:
            return
        built = start + timedelta(days=170)
        self.steps(
            project,
            [
                ("feasibility_review", start + timedelta(days=20), "评审通过"),
                ("contract", start + timedelta(days=40), "签订合同"),
                ("land_procedures", start + timedelta(days=100), "用地手续办结"),
                ("land_use_right", start + timedelta(days=150), "取得土地使用权"),
                ("construction", built, "开工建设"),
            ],
        )
        services.contract_save(
            project=self.fresh(project),
            actor=self.actor,
            now=self.now,
            signed_on=start + timedelta(days=40),
            land_mu=Decimal(60),
            land_price_fen_per_mu=16 * WAN,
            contracted_start=built,
            planned_floor_area_m2=Decimal(30000),
            total_investment_fen=8000 * WAN,
        )
        services.progress_report(
            project=self.fresh(project),
            actor=self.actor,
            now=self.now,
            reported_on=self.ago(430),
            built_floor_area_m2=Decimal(6000),
            invested_fen=1600 * WAN,
            note="主体结构完成一层后停工",
        )
        services.suspension_record(
            project=self.fresh(project),
            actor=self.actor,
            now=self.now,
            start=self.ago(425),
            reason="资金链紧张，未经批准停工",
        )

    def _relaxed(self) -> None:
        """智能小家电: provincial high-tech, intensity below 100万元/亩, relaxed by the
        committee (IP-05), review passed, contract being negotiated."""
        start = self.ago(75)
        project = self.apply(
            "安康恒远电器制造有限公司",
            "chaoyang",
            name="智能小家电扩产项目",
            sector="电器加工",
            registered_capital_fen=1500 * WAN,
            paid_in_capital_fen=1200 * WAN,
            fixed_investment_fen=5400 * WAN,
            land_mu=Decimal(60),
            high_tech=True,
            applied_on=start,
        )
        if project is None:
            return
        services.decision_record(
            project=self.fresh(project),
            actor=self.actor,
            now=self.now,
            finding_code="intensity.relaxable",
            approved=True,
            decided_on=start + timedelta(days=30),
            attendees=ATTENDEES,
            minutes="企业持有陕西省高新技术企业证书，项目属省级高新技术项目；"
            "经管委会主任办公会研究，同意投资强度放宽至90万元/亩。",
        )
        self.steps(
            project,
            [("feasibility_review", start + timedelta(days=35), "评审通过（投资强度已放宽）")],
        )

    def _blocked(self) -> None:
        """魔芋精深加工: the prior approval is missing: the review cannot proceed (IP-07)."""
        self.apply(
            "汉滨区瀛湖魔芋制品有限公司",
            "fuxi-food",
            docs=4,
            name="魔芋精深加工项目",
            sector="富硒食品",
            registered_capital_fen=1200 * WAN,
            paid_in_capital_fen=1000 * WAN,
            fixed_investment_fen=6500 * WAN,
            land_mu=Decimal(55),
            applied_on=self.ago(12),
        )

    def _refused(self) -> None:
        """建材煅烧窑: high pollution and high energy: refused (IP-06)."""
        self.apply(
            "安康富源新型建材有限公司",
            "materials",
            name="轻质骨料煅烧窑扩建项目",
            sector="新型材料",
            registered_capital_fen=2000 * WAN,
            paid_in_capital_fen=2000 * WAN,
            fixed_investment_fen=11000 * WAN,
            land_mu=Decimal(80),
            high_pollution=True,
            high_energy=True,
            applied_on=self.ago(30),
            profile_note="回转窑燃煤，粉尘及二氧化硫排放量大",
        )

    def _reports(self) -> None:
        """Monthly statistical reports for three enterprises; one is behind (IP-14)."""
        since = add_months(self.today.replace(day=1), -6)
        for name, late in (
            ("陕西秦岭石墨新材料有限公司", False),
            ("安康汉江汽车零部件有限公司", False),
            ("安康汇通冷链物流有限公司", True),
        ):
            enterprise = self.enterprises.get(name)
            if enterprise is None:
                continue
            services.report_duty_set(
                enterprise=enterprise,
                actor=self.actor,
                now=self.now,
                since=since,
                period="monthly",
                due_day=15,
            )
            period = since
            index = 0
            while add_months(period, 1) <= self.today.replace(day=1):
                if not late or index < 3:
                    filed = add_months(period, 1) + timedelta(days=9 + index % 3)
                    if filed <= self.today:
                        services.filing_record(
                            enterprise=enterprise,
                            actor=self.actor,
                            now=self.now,
                            period_start=period,
                            filed_on=filed,
                        )
                period = add_months(period, 1)
                index += 1
        enterprise = self.enterprises.get("安康五里农副产品加工有限公司")
        if enterprise is not None:
            services.change_notice_record(
                enterprise=enterprise,
                actor=self.actor,
                now=self.now,
                change="merger",
                decided_on=self.ago(20),
                notified_on=self.ago(18),
                note="与安康秦巴硒茶有限公司吸收合并，决定作出后才书面告知",
            )
