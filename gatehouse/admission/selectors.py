"""Reads of the admission app: records of the current site only, and the plain facts the core
judges (``core.land``). Nothing here decides a rule; it gathers values and calls the core."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from gatehouse.admission.models import (
    ChangeNotice,
    CommitteeDecision,
    Contract,
    LandAlert,
    ParkPolicy,
    Project,
    ProjectDocument,
    ReportDuty,
    StepChoice,
    StepRecord,
)
from gatehouse.core import land
from gatehouse.core.errors import DomainError
from gatehouse.people.models import Enterprise
from gatehouse.sites.models import Site, Zone

_FOCUS_SPLIT = re.compile(r"[、，,；;/和及与]+")
_PAREN = re.compile(r"[（(].*?[)）]")


# -- projects ------------------------------------------------------------------------------------


def projects_at(site: Site) -> QuerySet[Project]:
    return (
        Project.objects.filter(site=site)
        .select_related("zone", "enterprise")
        .prefetch_related("documents", "decisions", "steps")
        .order_by("-applied_on", "-pk")
    )


def project_at(site: Site, pk: int) -> Project | None:
    return projects_at(site).filter(pk=pk).first()


def line_at(model: Any, site: Site, pk: int) -> Any:
    """One line of a land project (a suspension, a stoppage, a correction order) of the site."""
    return model.objects.filter(pk=pk, project__site=site).first()


def zones_at(site: Site) -> QuerySet[Zone]:
    return Zone.objects.filter(site=site).order_by("code")


def enterprises_at(site: Site) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(site=site).select_related("zone").order_by("name")


def focus_sectors(zone: Zone) -> frozenset[str]:
    """The sub-park's focus as sector labels: T1's seed (``core.land.SUB_PARK_FOCUS``) for a
    sub-park named after T1 第九条, else the zone's ``industry_focus`` split at 、，和 …"""
    base = _PAREN.sub("", zone.name).strip()
    seeded = land.SUB_PARK_FOCUS.get(base)
    if seeded is not None:
        return seeded
    parts = (p.strip() for p in _FOCUS_SPLIT.split(zone.industry_focus or ""))
    return frozenset(p for p in parts if p)


def sector_suggestions(site: Site) -> list[str]:
    found: set[str] = set()
    for zone in zones_at(site):
        found |= focus_sectors(zone)
    return sorted(found)


def application_of(project: Project) -> land.Application:
    """The project as the core's ``Application``: the documents are the kinds uploaded."""
    documents = frozenset(land.Document(d.kind) for d in project.documents.all())
    return land.Application(
        registered_capital_fen=project.registered_capital_fen,
        paid_in_capital_fen=project.paid_in_capital_fen,
        fixed_investment_fen=project.fixed_investment_fen,
        land_mu=project.land_mu,
        sector=project.sector,
        documents=documents,
        sub_park=project.zone.name,
        focus_sectors=focus_sectors(project.zone),
        special_sector=project.special_sector,
        high_tech=project.high_tech,
        high_pollution=project.high_pollution,
        high_energy=project.high_energy,
        low_output=project.low_output,
        banned_process=project.banned_process,
        unmet_criteria=frozenset(land.Criterion(c) for c in project.unmet_criteria),
        requests_own_land=project.requests_own_land,
    )


def screening_of(project: Project) -> land.Screening:
    return land.screen(application_of(project))


DECIDABLE = frozenset({land.Severity.RELAXABLE, land.Severity.FLAG})


@dataclass(frozen=True)
class AdmissionState:
    """The screening with the committee's decisions applied.

    ``code``: ``blocked`` (a document missing: IP-07), ``refused`` (a rule says no, or the
    committee declined a relaxation), ``awaiting_decision`` (a relaxable or flagged finding not
    yet decided), ``admissible`` (the feasibility review may be recorded).
    """

    code: str
    screening: land.Screening
    decisions: dict[str, CommitteeDecision]
    undecided: tuple[land.Finding, ...]
    declined: tuple[CommitteeDecision, ...]

    @property
    def admissible(self) -> bool:
        return self.code == "admissible"


def admission_state(project: Project) -> AdmissionState:
    screening = screening_of(project)
    decisions = {d.finding_code: d for d in project.decisions.all()}
    decidable = [f for f in screening.findings if f.severity in DECIDABLE]
    undecided = tuple(f for f in decidable if f.code not in decisions)
    declined = tuple(
        decisions[f.code]
        for f in decidable
        if f.code in decisions and not decisions[f.code].approved
    )
    if screening.verdict is land.Verdict.BLOCKED:
        code = "blocked"
    elif screening.verdict is land.Verdict.REFUSED or declined:
        code = "refused"
    elif undecided:
        code = "awaiting_decision"
    else:
        code = "admissible"
    return AdmissionState(code, screening, decisions, undecided, declined)


def steps_done(project: Project) -> dict[land.Step, Any]:
    """Recorded steps by ``core.land.Step``, each with its record."""
    return {land.Step(s.step): s for s in project.steps.all()}


def current_step(project: Project) -> land.Step | None:
    """The last step recorded (the project's stage)."""
    done = steps_done(project)
    recorded = [s for s in land.STEPS if s in done]
    return recorded[-1] if recorded else None


STEP_LABELS = dict(StepChoice.choices)


# -- land supervision ----------------------------------------------------------------------------


def policy_of(site: Site) -> ParkPolicy | None:
    return ParkPolicy.objects.filter(site=site).first()


def control_limits(site: Site) -> land.ControlLimits:
    """The park's control values over the core's defaults (a blank value keeps the default)."""
    policy = policy_of(site)
    defaults = land.ControlLimits()
    if policy is None:
        return defaults
    plot = dict(defaults.min_plot_ratio)
    plot.update({str(k): Decimal(str(v)) for k, v in (policy.plot_ratio_min or {}).items()})
    return land.ControlLimits(
        min_plot_ratio=plot,
        min_building_coverage=_or(policy.min_building_coverage, defaults.min_building_coverage),
        max_admin_share=_or(policy.max_admin_share, defaults.max_admin_share),
        max_green_ratio=_or(policy.max_green_ratio, defaults.max_green_ratio),
    )


def _or(value: Decimal | None, default: Decimal) -> Decimal:
    return default if value is None else value


def supervision_policy(site: Site) -> land.SupervisionPolicy:
    policy = policy_of(site)
    rate = policy.idle_fee_rate if policy is not None else None
    return land.SupervisionPolicy(idle_fee_rate=rate)


def contract_of(project: Project) -> Contract | None:
    try:
        return project.contract
    except Contract.DoesNotExist:
        return None


def supervised_at(site: Site) -> QuerySet[Project]:
    """Projects with a contract: the ones whose land is supervised."""
    return (
        Project.objects.filter(site=site, contract__isnull=False)
        .select_related("zone", "enterprise", "contract")
        .prefetch_related(
            "steps",
            "suspensions",
            "stoppages",
            "corrections",
            Prefetch("progress"),
            Prefetch("alerts", queryset=LandAlert.objects.filter(settled=True), to_attr="settled"),
        )
        .order_by("contract__contracted_start", "pk")
    )


def _readings(contract: Contract, report: Any) -> tuple[land.IndicatorReading, ...]:
    pairs = (
        (land.Indicator.INVESTMENT_AMOUNT, contract.std_investment_fen, report.investment_fen),
        (
            land.Indicator.INVESTMENT_INTENSITY,
            contract.std_intensity_fen_per_mu,
            report.intensity_fen_per_mu,
        ),
        (land.Indicator.CONSTRUCTION_SPEED, contract.std_speed_pct, report.speed_pct),
        (land.Indicator.OUTPUT_DENSITY, contract.std_output_fen_per_mu, report.output_fen_per_mu),
    )
    return tuple(
        land.IndicatorReading(indicator, standard, actual)
        for indicator, standard, actual in pairs
        if standard is not None and actual is not None
    )


def latest_report(project: Project) -> Any:
    reports = sorted(project.progress.all(), key=lambda r: (r.reported_on, r.pk))
    return reports[-1] if reports else None


def land_project_of(project: Project) -> land.LandProject | None:
    """The project's land as the core's ``LandProject``; None before a contract is entered.

    The start and production days are the workflow's (IP-08 steps), progress comes from the
    latest report, the indicators from the latest report that gave any, and ``settled`` from
    the alerts the committee closed."""
    contract = contract_of(project)
    if contract is None:
        return None
    done = steps_done(project)
    start = done.get(land.Step.CONSTRUCTION)
    producing = done.get(land.Step.PRODUCTION)
    reports = sorted(project.progress.all(), key=lambda r: (r.reported_on, r.pk))
    latest = reports[-1] if reports else None
    indicators: tuple[land.IndicatorReading, ...] = ()
    checked_on: date | None = None
    for report in reversed(reports):
        readings = _readings(contract, report)
        if readings:
            indicators, checked_on = readings, report.reported_on
            break
    appraised = {
        year: value
        for year, value in ((1, contract.appraised_year1_fen), (2, contract.appraised_year2_fen))
        if value is not None
    }
    settled = getattr(project, "settled", None)
    if settled is None:
        settled = list(project.alerts.filter(settled=True))
    return land.LandProject(
        land_mu=contract.land_mu,
        land_price_fen_per_mu=contract.land_price_fen_per_mu,
        contracted_start=contract.contracted_start,
        planned_floor_area_m2=contract.planned_floor_area_m2,
        total_investment_fen=contract.total_investment_fen,
        actual_start=start.done_on if start is not None else None,
        built_floor_area_m2=latest.built_floor_area_m2 if latest else Decimal(0),
        invested_fen=latest.invested_fen if latest else 0,
        suspensions=tuple(
            land.Suspension(
                start=s.start,
                end=s.end,
                approved=s.approved,
                notice=(
                    land.IdleNotice(s.notice_served_on, s.pay_by, s.resume_by, s.paid_on)
                    if s.notice_served_on and s.pay_by and s.resume_by
                    else None
                ),
            )
            for s in sorted(project.suspensions.all(), key=lambda s: (s.start, s.pk))
        ),
        completed_on=contract.completed_on,
        contracted_production=contract.contracted_production,
        production_started=producing.done_on if producing is not None else None,
        land_price_relief=contract.land_price_relief,
        appraised_value_fen=appraised,
        stoppages=tuple(
            land.Stoppage(s.start, s.end)
            for s in sorted(project.stoppages.all(), key=lambda s: (s.start, s.pk))
        ),
        indicators=indicators,
        indicators_checked_on=checked_on,
        corrections=tuple(
            land.CorrectionOrder(c.ref, c.issued_on, c.deadline, c.corrected_on)
            for c in sorted(project.corrections.all(), key=lambda c: (c.issued_on, c.pk))
        ),
        settled=frozenset(a.key for a in settled),
    )


@dataclass
class Supervision:
    """A supervised project with its timeline (or the input error that stops it)."""

    project: Project
    facts: land.LandProject | None
    deadlines: tuple[land.Deadline, ...] = ()
    error: str = ""
    recompute: land.LandRecompute | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def overdue(self) -> list[land.Deadline]:
        return [d for d in self.deadlines if d.status is land.Status.OVERDUE]

    @property
    def due(self) -> list[land.Deadline]:
        return [d for d in self.deadlines if d.status is land.Status.DUE]

    @property
    def effective(self) -> list[land.Deadline]:
        """Deadlines that took effect (today included)."""
        return [d for d in self.deadlines if d.status is not land.Status.FUTURE]

    @property
    def coming(self) -> list[land.Deadline]:
        return [d for d in self.deadlines if d.status is land.Status.FUTURE]


def supervision(project: Project, today: date, policy: land.SupervisionPolicy) -> Supervision:
    facts = land_project_of(project)
    result = Supervision(project, facts)
    if facts is None:
        return result
    try:
        result.deadlines = land.timeline(facts, today, policy=policy)
        if facts.indicators:
            result.recompute = land.recompute_land(
                readings=facts.indicators,
                land_mu=facts.land_mu,
                land_price_fen_per_mu=facts.land_price_fen_per_mu,
                multiple=policy.multiple,
            )
    except DomainError as exc:
        result.error = exc.message
    return result


def plan_findings(project: Project) -> tuple[land.Finding, ...] | None:
    """IP-13: the site plan checked against the park's control values; None without a plan."""
    plan = getattr(project, "site_plan", None)
    if plan is None:
        return None
    return land.check_controls(
        land.SitePlan(
            sector_code=plan.sector_code,
            land_area_m2=plan.land_area_m2,
            floor_area_m2=plan.floor_area_m2,
            footprint_m2=plan.footprint_m2,
            green_area_m2=plan.green_area_m2,
            admin_living_area_m2=plan.admin_living_area_m2,
            uses=frozenset(land.NonProductiveUse(u) for u in plan.uses),
        ),
        control_limits(project.site),
    )


def alerts_at(site: Site, *, open_only: bool = False) -> QuerySet[LandAlert]:
    qs = LandAlert.objects.filter(site=site).select_related("project", "project__enterprise")
    if open_only:
        qs = qs.filter(handled_at__isnull=True)
    return qs.order_by("handled_at", "-day", "-pk")


def alert_at(site: Site, pk: int) -> LandAlert | None:
    return alerts_at(site).filter(pk=pk).first()


# -- enterprises (IP-14) -------------------------------------------------------------------------


def enterprise_at(site: Site, pk: int) -> Enterprise | None:
    return enterprises_at(site).filter(pk=pk).first()


def duty_of(enterprise: Enterprise) -> ReportDuty | None:
    try:
        return enterprise.report_duty
    except ReportDuty.DoesNotExist:
        return None


def report_rows(enterprise: Enterprise, today: date) -> tuple[land.ReportDue, ...]:
    """IP-14: every report from the duty's start up to the last period ended, with status."""
    duty = duty_of(enterprise)
    if duty is None:
        return ()
    schedule = land.ReportSchedule(land.ReportPeriod(duty.period), duty.due_day, duty.months_after)
    filed = dict(enterprise.stat_filings.values_list("period_start", "filed_on"))
    return land.report_status(schedule, since=duty.since, today=today, filed=filed)


def notice_rows(enterprise: Enterprise) -> list[tuple[ChangeNotice, tuple[land.Finding, ...]]]:
    """IP-14: each merger/split/deregistration with the core's finding (none: in order)."""
    rows: list[tuple[ChangeNotice, tuple[land.Finding, ...]]] = []
    for notice in enterprise.change_notices.order_by("-decided_on", "-pk"):
        finding = land.check_prior_notice(
            change=land.CorporateChange(notice.change),
            decided_on=notice.decided_on,
            notified_on=notice.notified_on,
            written=notice.written,
        )
        rows.append((notice, (finding,) if finding is not None else ()))
    return rows


FILES: dict[str, tuple[Any, str, str, str]] = {
    # kind: (model, path to the site, file field, name field)
    "document": (ProjectDocument, "project__site", "file", "original_name"),
    "decision": (CommitteeDecision, "project__site", "minutes_file", "minutes_name"),
    "step": (StepRecord, "project__site", "document", "document_name"),
    "notice": (ChangeNotice, "enterprise__site", "document", "document_name"),
}


def stored_file(site: Site, kind: str, pk: int) -> tuple[Any, str] | None:
    """A stored document of the site (``kind`` one of FILES) and the name to download it as;
    None when there is no such record or it has no file."""
    spec = FILES.get(kind)
    if spec is None:
        return None
    model, path, file_field, name_field = spec
    obj = model.objects.filter(pk=pk, **{path: site}).first()
    stored = getattr(obj, file_field, None) if obj is not None else None
    if not stored:
        return None
    return stored, getattr(obj, name_field) or stored.name.rsplit("/", 1)[-1]
