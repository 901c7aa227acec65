"""Reads of the governance app: records of the current site, and the plain facts the core judges
(``core.rating``). Nothing here decides a rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from gatehouse.core import rating
from gatehouse.governance.models import (
    Assessment,
    Campaign,
    Checklist,
    CreditRecord,
    OwnerArrears,
    Party,
    PropertyCompany,
    PropertyProject,
    RectificationItem,
    Tender,
    Warning,
)
from gatehouse.sites.models import Site

SHANGHAI = ZoneInfo("Asia/Shanghai")


# -- projects and companies ----------------------------------------------------------------------


def projects_at(site: Site) -> QuerySet[PropertyProject]:
    return (
        PropertyProject.objects.filter(site=site)
        .select_related("company")
        .order_by("until", "-since", "pk")
    )


def project_at(site: Site, pk: int) -> PropertyProject | None:
    return projects_at(site).filter(pk=pk).first()


def companies_at(site: Site) -> QuerySet[PropertyCompany]:
    """Companies the site deals with: those managing (or having managed) a project there, those
    that bid in its tenders, and those whose credit record was entered there."""
    return (
        PropertyCompany.objects.filter(
            Q(projects__site=site)
            | Q(pk__in=_bidder_ids(site))
            | Q(pk__in=_winner_ids(site))
            | Q(pk__in=CreditRecord.objects.filter(site=site).values("company_id"))
        )
        .distinct()
        .order_by("name")
    )


def _bidder_ids(site: Site) -> Any:
    from gatehouse.governance.models import TenderBid

    return TenderBid.objects.filter(tender__site=site).values("company_id")


def _winner_ids(site: Site) -> Any:
    return Tender.objects.filter(site=site).values("winner_id")


def company_at(site: Site, pk: int) -> PropertyCompany | None:
    return companies_at(site).filter(pk=pk).first()


def all_companies() -> QuerySet[PropertyCompany]:
    """Every registered company (to pick a bidder or the company of a new project)."""
    return PropertyCompany.objects.order_by("name")


# -- the checklist -------------------------------------------------------------------------------


def active_checklist() -> Checklist | None:
    return (
        Checklist.objects.filter(is_active=True)
        .prefetch_related("items")
        .order_by("-created_at", "-pk")
        .first()
    )


def items_of(checklist: Checklist | None) -> list[rating.ChecklistItem]:
    """The checklist's items in order (the core's seed when none is stored yet)."""
    if checklist is None:
        return list(rating.SEED_CHECKLIST.items)
    rows = sorted(checklist.items.all(), key=lambda i: (i.position, i.pk))
    return [rating.ChecklistItem(r.key, r.title, r.weight, r.rule) for r in rows]


def core_checklist(checklist: Checklist | None) -> rating.Checklist:
    """The stored checklist as the core's ``Checklist`` (which checks it sums to 100)."""
    if checklist is None:
        return rating.SEED_CHECKLIST
    return rating.Checklist(tuple(items_of(checklist)), checklist.overdue_deduction)


# -- assessments ---------------------------------------------------------------------------------


def assessment_at(site: Site, pk: int) -> Assessment | None:
    return (
        Assessment.objects.filter(pk=pk, project__site=site)
        .select_related("project", "project__company", "checklist")
        .prefetch_related("scores", "signoffs", "checklist__items")
        .first()
    )


def missing_parties(assessment: Assessment) -> list[str]:
    signed = {s.party for s in assessment.signoffs.all()}
    return [p for p in Party.values if p not in signed]


def items_of_project(project: PropertyProject) -> list[RectificationItem]:
    return list(
        RectificationItem.objects.filter(inspection__project=project).order_by("deadline", "pk")
    )


def core_item(item: RectificationItem) -> rating.RectificationItem:
    return rating.RectificationItem(
        ref=item.ref,
        found_on=item.inspection.inspected_on,
        deadline=item.deadline,
        rectified_on=item.rectified_on,
        finding=item.finding,
    )


def overdue_in_year(project: PropertyProject, year: int, on: date) -> int:
    """GV-04: rectification items with a deadline in ``year`` that count against the rating."""
    items = [
        core_item(i)
        for i in RectificationItem.objects.filter(inspection__project=project).select_related(
            "inspection"
        )
    ]
    return rating.overdue_in_period(items, start=date(year, 1, 1), end=date(year, 12, 31), on=on)


@dataclass(frozen=True)
class Evidence:
    """Counts from the site's own registers for the year, as supporting evidence (GV-05)."""

    visits: int
    access_events: int
    notices: int
    notices_acknowledged: int
    staff_exits: int
    mail: int


def _year_window(year: int) -> tuple[datetime, datetime]:
    start = datetime.combine(date(year, 1, 1), time(0), SHANGHAI)
    return start, datetime.combine(date(year + 1, 1, 1), time(0), SHANGHAI)


def evidence(site: Site, year: int) -> Evidence:
    from gatehouse.access.models import AccessEvent, Notice, StaffExit
    from gatehouse.visitors.models import MailItem, Visit

    start, end = _year_window(year)
    notices = Notice.objects.filter(site=site, created_at__gte=start, created_at__lt=end)
    return Evidence(
        visits=Visit.objects.filter(
            site=site, registered_at__gte=start, registered_at__lt=end
        ).count(),
        access_events=AccessEvent.objects.filter(site=site, at__gte=start, at__lt=end).count(),
        notices=notices.count(),
        notices_acknowledged=notices.filter(acknowledged_at__isnull=False).count(),
        staff_exits=StaffExit.objects.filter(site=site, out_at__gte=start, out_at__lt=end).count(),
        mail=MailItem.objects.filter(
            site=site, received_at__gte=start, received_at__lt=end
        ).count(),
    )


# -- credit and tenders --------------------------------------------------------------------------


def company_facts(company: PropertyCompany, on: date) -> rating.CompanyFacts:
    """The company's record district-wide, as the core's ``CompanyFacts`` on ``on``.

    Blacklisting is the core's (``blacklist_from``) for every assessment under the pass mark
    whose rectification deadline passed; the listing in force on ``on`` (else the next one)
    is handed over with its clearance."""
    listed: list[tuple[date, date | None]] = []
    rectifying: list[date] = []
    for a in Assessment.objects.filter(
        project__company=company, band=rating.Band.RECTIFY.value, finalised_at__isnull=False
    ).exclude(rectify_deadline=None):
        day = rating.blacklist_from(deadline=a.rectify_deadline, rectified_on=a.rectified_on)
        if day is not None:
            listed.append((day, a.blacklist_cleared_on))
        if a.rectified_on is None or a.rectified_on > on:
            rectifying.append(a.rectify_deadline)
    in_force = [x for x in listed if x[0] <= on and (x[1] is None or x[1] > on)]
    chosen = max(in_force) if in_force else (min(listed) if listed else (None, None))
    return rating.CompanyFacts(
        blacklisted_on=chosen[0],
        blacklist_cleared_on=chosen[1],
        dishonest_on=tuple(
            CreditRecord.objects.filter(company=company)
            .order_by("recorded_on")
            .values_list("recorded_on", flat=True)
        ),
        warnings=tuple(
            rating.WarningPeriod(w.start, w.end)
            for w in Warning.objects.filter(company=company).order_by("start")
        ),
        rectifying_until=max(rectifying) if rectifying else None,
    )


def eligibility(company: PropertyCompany, on: date) -> rating.TenderEligibility:
    return rating.may_tender(company_facts(company, on), on)


def credit_records(company: PropertyCompany) -> list[dict[str, Any]]:
    return [
        {"record": r, "ban_until": rating.ban_last_day(r.recorded_on)}
        for r in CreditRecord.objects.filter(company=company).order_by("-recorded_on", "-pk")
    ]


def arrears_row_at(site: Site, pk: int) -> OwnerArrears | None:
    """One owner's arrears of the site."""
    return OwnerArrears.objects.filter(site=site, pk=pk).first()


def arrears_at(site: Site, today: date) -> list[dict[str, Any]]:
    """GV-02: each owner's arrears with the core's verdict on the personal credit record."""
    return [
        {"arrears": a, "record": credit_entry(a, today)}
        for a in OwnerArrears.objects.filter(site=site)
        .select_related("house")
        .order_by("-recorded_at", "-pk")
    ]


def credit_entry(arrears: OwnerArrears, today: date) -> rating.Reason | None:
    confirmed = rating.Confirmation(arrears.confirmed_by) if arrears.confirmed_by else None
    return rating.owner_credit_record(
        rating.OwnerArrears(arrears.arrears_fen, confirmed, arrears.confirmed_on), on=today
    )


def tenders_at(site: Site) -> QuerySet[Tender]:
    return (
        Tender.objects.filter(site=site)
        .select_related("winner")
        .prefetch_related("bids__company")
        .order_by("-decided_on", "-pk")
    )


# -- rectification -------------------------------------------------------------------------------


def campaigns_at(site: Site) -> QuerySet[Campaign]:
    return Campaign.objects.filter(site=site).order_by("-starts_on", "-pk")


def campaign_at(site: Site, pk: int) -> Campaign | None:
    return campaigns_at(site).filter(pk=pk).first()


def campaign_items(campaign: Campaign) -> QuerySet[RectificationItem]:
    return (
        RectificationItem.objects.filter(inspection__campaign=campaign)
        .select_related("inspection", "inspection__project", "inspection__project__company")
        .prefetch_related("follow_ups")
        .order_by("deadline", "pk")
    )


def item_at(site: Site, pk: int) -> RectificationItem | None:
    return (
        RectificationItem.objects.filter(pk=pk, inspection__campaign__site=site)
        .select_related("inspection", "inspection__campaign", "inspection__project__company")
        .first()
    )


@dataclass(frozen=True)
class ItemRow:
    item: RectificationItem
    status: rating.ItemStatus
    followed_today: bool
    last_follow_up: date | None


def item_rows(items: Any, today: date) -> list[ItemRow]:
    rows = []
    for item in items:
        days = sorted(f.on for f in item.follow_ups.all())
        rows.append(
            ItemRow(
                item,
                rating.item_status(core_item(item), today),
                today in days,
                days[-1] if days else None,
            )
        )
    return rows


def overdue_for(campaign: Campaign, company: PropertyCompany, on: date) -> list[Any]:
    """GV-04: the company's items of the campaign that went past their deadline (core)."""
    items = [i for i in campaign_items(campaign) if i.inspection.project.company_id == company.pk]
    late = set(rating.overdue_items([core_item(i) for i in items], on))
    return [i for i in items if core_item(i) in late]


def one_day_after(day: date) -> date:
    return day + timedelta(days=1)


def decimal_or_zero(value: Any) -> Decimal:
    return value if value is not None else Decimal(0)
