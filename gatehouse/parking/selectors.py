"""Reads of the parking app, always within one site.

Ledger (PK-07): stored transactions are turned back into the core's
:class:`~gatehouse.core.ledger.Transaction` (:func:`as_core`) and the core totals them:
:func:`account_balances` (core ``balances``), :func:`party_statement` and :func:`daily_income`
(core ``daily_summary``). Tariffs (PK-01): :func:`tariff_table` is the table in force, the one
the vehicle gate prices a stay with. Passes (V-10): :func:`active_pass` is the gate's lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gatehouse.core import lease as core_lease
from gatehouse.core import ledger as core_ledger
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_plate
from gatehouse.core.tariff import TariffTable, default_table
from gatehouse.core.text import clean_text
from gatehouse.parking.models import (
    LeaseStatus,
    LedgerEntry,
    LedgerTransaction,
    PassDocument,
    PassStatus,
    SpaceLease,
    TariffPlan,
    VehiclePass,
)
from gatehouse.people.models import Person
from gatehouse.sites.models import Garage, ParkingSpace, Site

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: The pass deposit and card fee until a site posts its own (T7 第十六条: 收费标准见小区公示).
DEFAULT_PASS_PRICE = core_lease.DevicePrice(deposit=10000, card_fee=2000)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The calendar day ``day`` in Asia/Shanghai as ``[start, end)``."""
    start = datetime.combine(day, time.min, tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


# =============================================================================================
# Ledger
# =============================================================================================


def _with_entries(qs: QuerySet[LedgerTransaction]) -> QuerySet[LedgerTransaction]:
    return qs.select_related("created_by").prefetch_related(
        Prefetch("entries", queryset=LedgerEntry.objects.order_by("pk"))
    )


def as_core(row: LedgerTransaction) -> core_ledger.Transaction:
    """The stored transaction as the core's value (its entries must be loaded or loadable)."""
    return core_ledger.Transaction(
        tuple(
            core_ledger.Entry(
                e.account,
                core_ledger.Side(e.side),
                int(e.amount_fen),
                core_ledger.EntryKind(e.kind),
                e.memo,
            )
            for e in row.entries.all()
        ),
        at=row.at,
        memo=row.memo,
        ref=row.ref,
    )


def transactions(
    site: Site, *, day: date | None = None, ref: str = ""
) -> QuerySet[LedgerTransaction]:
    """The site's transactions (of one Asia/Shanghai day, or of one record), oldest first."""
    qs = LedgerTransaction.objects.filter(site=site)
    if day is not None:
        start, end = day_bounds(day)
        qs = qs.filter(at__gte=start, at__lt=end)
    if ref:
        qs = qs.filter(ref=ref)
    return _with_entries(qs).order_by("at", "pk")


def account_balances(site: Site) -> dict[str, int]:
    """Signed balance per account at ``site`` (debit positive), by the core's ``balances``."""
    return core_ledger.balances(as_core(t) for t in transactions(site))


@dataclass(frozen=True)
class StatementLine:
    at: datetime
    memo: str
    ref: str
    account: str
    side: str
    kind: str
    amount: int  # fen, signed: + debit, - credit
    balance: int  # the running balance of ``account`` after this line


@dataclass(frozen=True)
class Statement:
    party: str
    lines: tuple[StatementLine, ...]
    balances: dict[str, int]  # the party's receivable and deposits accounts

    @property
    def owed(self) -> int:
        """What the party owes (> 0) or is owed back (< 0) on its receivable."""
        return self.balances.get(core_ledger.receivable(self.party), 0)

    @property
    def deposits_held(self) -> int:
        """The deposits held for the party (positive), from the credit balance."""
        return -self.balances.get(core_ledger.deposits(self.party), 0)


def party_statement(site: Site, party: str) -> Statement:
    """Every entry on ``party``'s receivable and deposits accounts, with running balances."""
    accounts = (core_ledger.receivable(party), core_ledger.deposits(party))
    rows = _with_entries(
        LedgerTransaction.objects.filter(
            site=site, pk__in=LedgerEntry.objects.filter(account__in=accounts).values("transaction")
        )
    ).order_by("at", "pk")
    core_rows = [(row, as_core(row)) for row in rows]
    running: dict[str, int] = {}
    lines: list[StatementLine] = []
    for row, txn in core_rows:
        for entry in txn.entries:
            if entry.account not in accounts:
                continue
            running[entry.account] = running.get(entry.account, 0) + entry.signed
            lines.append(
                StatementLine(
                    at=row.at,
                    memo=entry.memo or row.memo,
                    ref=row.ref,
                    account=entry.account,
                    side=entry.side.value,
                    kind=entry.kind.value,
                    amount=entry.signed,
                    balance=running[entry.account],
                )
            )
    totals = core_ledger.balances(txn for _row, txn in core_rows)
    return Statement(party, tuple(lines), {a: totals[a] for a in accounts if a in totals})


def daily_income(site: Site, day: date) -> core_ledger.DailySummary:
    """The daily income report's numbers for ``day`` (Asia/Shanghai), by the core."""
    return core_ledger.daily_summary((as_core(t) for t in transactions(site, day=day)), day=day)


# =============================================================================================
# Tariffs and the pass price list
# =============================================================================================


def _garage_here(site: Site, garage: Garage | None) -> None:
    if garage is not None and garage.site_id != site.pk:
        raise InvalidInput("tariff.garage_site", "该车库不属于本场所。", {"field": "garage"})


def tariff_plan_in_force(
    site: Site, garage: Garage | None = None, at: datetime | None = None
) -> TariffPlan | None:
    """The plan in force at ``at`` (default now): the garage's own, else the site-wide one."""
    _garage_here(site, garage)
    moment = timezone.now() if at is None else at
    plans = TariffPlan.objects.filter(site=site, effective_from__lte=moment).select_related(
        "garage", "created_by"
    )
    if garage is not None:
        own = plans.filter(garage=garage).order_by("-effective_from", "-pk").first()
        if own is not None:
            return own
    return plans.filter(garage__isnull=True).order_by("-effective_from", "-pk").first()


def tariff_table(
    site: Site, garage: Garage | None = None, at: datetime | None = None
) -> TariffTable:
    """PK-01: the tariff table in force at ``site`` (its ``garage``) at ``at`` (default now);
    the core's ``default_table()`` while nothing has been posted."""
    plan = tariff_plan_in_force(site, garage, at)
    return default_table() if plan is None else TariffTable.from_dict(plan.table)


def tariff_plans(site: Site, garage: Garage | None = None) -> QuerySet[TariffPlan]:
    """Every plan of the site-wide tariff (or of one garage), newest first."""
    qs = TariffPlan.objects.filter(site=site).select_related("garage", "created_by")
    qs = qs.filter(garage=garage) if garage is not None else qs.filter(garage__isnull=True)
    return qs.order_by("-effective_from", "-pk")


def upcoming_plans(site: Site, *, now: datetime) -> QuerySet[TariffPlan]:
    return (
        TariffPlan.objects.filter(site=site, effective_from__gt=now)
        .select_related("garage", "created_by")
        .order_by("effective_from", "pk")
    )


def garages(site: Site) -> QuerySet[Garage]:
    return Garage.objects.filter(site=site).order_by("code", "pk")


def garage_at(site: Site, pk: int) -> Garage | None:
    return Garage.objects.filter(site=site, pk=pk).first()


def pass_price(site: Site, at: datetime | None = None) -> core_lease.DevicePrice:
    """PK-06: the posted pass deposit, card fee and reissue fee (site-wide plan in force), else
    :data:`DEFAULT_PASS_PRICE`."""
    plan = tariff_plan_in_force(site, None, at)
    if plan is None or plan.pass_deposit_fen is None or plan.pass_card_fee_fen is None:
        return DEFAULT_PASS_PRICE
    return core_lease.DevicePrice(
        deposit=int(plan.pass_deposit_fen),
        card_fee=int(plan.pass_card_fee_fen),
        reissue_fee=None if plan.pass_reissue_fee_fen is None else int(plan.pass_reissue_fee_fen),
    )


# =============================================================================================
# Vehicle passes
# =============================================================================================


def _in_window(at: datetime) -> Q:
    return Q(valid_from__lte=at) & (Q(valid_until__isnull=True) | Q(valid_until__gt=at))


def active_pass(site: Site, plate: str, at: datetime) -> VehiclePass | None:
    """V-10: the active 《车辆出入证》 of ``plate`` at ``site`` valid at ``at``, or None (then the
    vehicle is treated as a temporary visitor vehicle). ``plate`` is normalised by the core; a
    malformed plate has no pass."""
    try:
        number = parse_plate(plate).number
    except DomainError:
        return None
    return (
        VehiclePass.objects.filter(site=site, plate=number, status=PassStatus.ACTIVE)
        .filter(_in_window(at))
        .select_related("holder", "space", "space__garage")
        .first()
    )


def vehicle_pass_by_token(site: Site, token: str) -> VehiclePass | None:
    """The pass whose printed QR carries ``token`` (any status: a lost or revoked pass shown at
    the gate must be recognised to be refused)."""
    return (
        VehiclePass.objects.filter(site=site, token=token)
        .select_related("holder", "space", "space__garage")
        .first()
    )


def vehicle_pass_at(site: Site, pk: int) -> VehiclePass | None:
    return (
        VehiclePass.objects.filter(site=site, pk=pk)
        .select_related("holder", "space", "space__garage", "issued_by", "replaces", "site")
        .first()
    )


def search_vehicle_passes(
    site: Site, *, q: str = "", status: str = "", kind: str = ""
) -> QuerySet[VehiclePass]:
    rows = VehiclePass.objects.filter(site=site).select_related("holder", "space", "space__garage")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    text = clean_text(q)
    if text:
        cond = Q(number__icontains=text) | Q(holder__name__icontains=text)
        cond |= Q(space__number__iexact=text)
        compact = text.replace("·", "").replace(" ", "").upper()
        cond |= Q(plate__icontains=compact)
        rows = rows.filter(cond)
    return rows.order_by("-issued_at", "-pk")


def spaces(site: Site) -> QuerySet[ParkingSpace]:
    return (
        ParkingSpace.objects.filter(garage__site=site)
        .select_related("garage")
        .order_by("garage__code", "number", "pk")
    )


def space_at(site: Site, pk: int) -> ParkingSpace | None:
    return ParkingSpace.objects.filter(garage__site=site, pk=pk).select_related("garage").first()


def person_here(site: Site, pk: int) -> Person | None:
    return Person.objects.filter(site=site, pk=pk).first()


# =============================================================================================
# Space leases
# =============================================================================================


def lease_at(site: Site, pk: int) -> SpaceLease | None:
    return (
        SpaceLease.objects.filter(site=site, pk=pk)
        .select_related("holder", "space", "space__garage", "previous", "created_by", "site")
        .first()
    )


def search_leases(site: Site, *, q: str = "", status: str = "") -> QuerySet[SpaceLease]:
    rows = SpaceLease.objects.filter(site=site).select_related("holder", "space", "space__garage")
    if status:
        rows = rows.filter(status=status)
    text = clean_text(q)
    if text:
        rows = rows.filter(
            Q(holder__name__icontains=text)
            | Q(space__number__iexact=text)
            | Q(house_ref__icontains=text)
        )
    return rows.order_by("-start", "-pk")


def renewals_due(site: Site, *, today: date, within_days: int) -> list[SpaceLease]:
    """Active leases whose renewal payment is due within ``within_days`` days (or overdue)."""
    horizon = today + timedelta(days=within_days)
    return list(
        SpaceLease.objects.filter(site=site, status=LeaseStatus.ACTIVE, renewal_due__lte=horizon)
        .select_related("holder", "space", "space__garage")
        .order_by("renewal_due", "pk")
    )


def renewal_of(lease: SpaceLease, *, today: date) -> core_lease.Renewal | None:
    """The core's view of an active lease's renewal (PK-05); None for any other status."""
    if lease.status != LeaseStatus.ACTIVE:
        return None
    return core_lease.renewal_status(
        lease_end=lease.end, due=lease.renewal_due, paid_on=None, today=today
    )


def lease_terms(lease: SpaceLease) -> core_lease.SpaceLease:
    return core_lease.SpaceLease(
        start=lease.start, end=lease.end, monthly_fee=int(lease.monthly_fee_fen)
    )


def lease_schedule(lease: SpaceLease) -> tuple[core_lease.MonthCharge, ...]:
    return core_lease.schedule(lease_terms(lease))


def pass_documents(vehicle_pass: VehiclePass) -> list[PassDocument]:
    """The copies filed with a pass application, in the order filed."""
    return list(vehicle_pass.documents.select_related("uploaded_by").order_by("uploaded_at", "pk"))


def pass_document_at(vehicle_pass: VehiclePass, pk: int) -> PassDocument | None:
    return vehicle_pass.documents.filter(pk=pk).first()
