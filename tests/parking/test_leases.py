"""Space leases (PK-03 … PK-05): prepaid to the housing lease's end with part months prorated,
early termination refunds, renewal before the new contract or the space is given up, the daily
``lease_renewals`` job, and the pages. Every payment and refund is in the ledger (PK-07)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.parking import selectors
from gatehouse.parking.models import LedgerTransaction, SpaceLease
from gatehouse.parking.services import (
    lease_create,
    lease_renew,
    lease_renewals,
    lease_terminate,
    person_party,
)
from tests.conftest import NOW, SHANGHAI

pytestmark = pytest.mark.django_db

FEE = 30000  # ¥300.00 a month


def _lease(site, actor, holder, space, start, end, *, now=NOW, **kw) -> SpaceLease:
    return lease_create(
        site=site,
        actor=actor,
        space=space,
        holder=holder,
        house_ref=kw.pop("house_ref", "3-2-1201 租赁合同 ZL-2026-018"),
        start=start,
        end=end,
        monthly_fee_fen=kw.pop("monthly_fee_fen", FEE),
        method=kw.pop("method", "cash"),
        now=now,
        **kw,
    )


def _money(lease: SpaceLease) -> list[tuple[str, str, int, str]]:
    return [
        (e.account, e.side, e.amount_fen, e.kind)
        for t in LedgerTransaction.objects.filter(ref=lease.ref).order_by("pk")
        for e in t.entries.order_by("pk")
    ]


@pytest.fixture
def year_lease(site_a, desk_a, tenant_a, spaces_a):
    """24 Nov 2026 to 23 Nov 2027 at ¥300 a month, signed and paid on NOW."""
    return _lease(site_a, desk_a, tenant_a, spaces_a[0], date(2026, 11, 24), date(2027, 11, 23))


# -- signing (PK-03) -----------------------------------------------------------------------------


def test_a_lease_is_paid_to_the_housing_lease_end_part_months_by_the_day(year_lease, tenant_a):
    # rule PK-03: paid from lease start to the end of the housing lease; a part month is
    # prorated by the day: Nov 2026 7/30, 11 whole months, Nov 2027 23/30
    assert year_lease.paid_fen == 7000 + 11 * FEE + 23000 == 360000
    assert year_lease.status == "active" and year_lease.renewal_due == date(2027, 11, 23)
    party = person_party(tenant_a)
    rows = _money(year_lease)
    assert rows[0] == (f"receivable:{party}", "debit", 360000, "charge")
    income = [amount for account, _side, amount, _kind in rows if account == "income:parking"]
    assert income == [7000] + [FEE] * 11 + [23000]  # one charge per month of the schedule
    assert rows[-2:] == [
        ("cash", "debit", 360000, "payment"),
        (f"receivable:{party}", "credit", 360000, "payment"),
    ]
    assert AuditEntry.objects.filter(action="space_lease.create").count() == 1
    summary = selectors.daily_income(year_lease.site, date(2026, 11, 24))
    assert summary.charges == 360000 and summary.received["cash"] == 360000


def test_a_lease_inside_one_month(site_a, desk_a, tenant_a, spaces_a):
    # rule PK-03: 10 days of a 31-day month: ¥300 × 10/31 = ¥96.77 (half up to the fen)
    lease = _lease(site_a, desk_a, tenant_a, spaces_a[1], date(2026, 12, 1), date(2026, 12, 10))
    assert lease.paid_fen == 9677


# rule PK-03: bad input is refused and nothing is written
@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"end": date(2026, 11, 1)}, "lease.dates"),
        ({"monthly_fee_fen": 0}, "amount.invalid"),
        ({"house_ref": "  "}, "lease.house_ref"),
        ({"renewal_due": date(2028, 1, 1)}, "lease.renewal_due"),
        ({"method": "iou"}, "payment.method"),
    ],
)
def test_a_bad_lease_is_refused(site_a, desk_a, tenant_a, spaces_a, changes, code):
    kw = {"start": date(2026, 11, 24), "end": date(2027, 11, 23)} | changes
    start, end = kw.pop("start"), kw.pop("end")
    with pytest.raises(InvalidInput) as caught:
        _lease(site_a, desk_a, tenant_a, spaces_a[0], start, end, **kw)
    assert caught.value.code == code
    assert SpaceLease.objects.count() == 0 and LedgerTransaction.objects.count() == 0


def test_a_space_is_let_once_at_a_time(year_lease, site_a, desk_a, tenant2_a, spaces_a, garage_b):
    with pytest.raises(DomainError) as caught:
        _lease(site_a, desk_a, tenant2_a, spaces_a[0], date(2027, 1, 1), date(2027, 12, 31))
    assert caught.value.code == "lease.space_taken"
    with pytest.raises(InvalidInput) as caught:
        _lease(
            site_a, desk_a, tenant2_a, garage_b.spaces.get(), date(2027, 1, 1), date(2027, 12, 31)
        )
    assert caught.value.code == "lease.space_site"
    with pytest.raises(IntegrityError), transaction.atomic():
        SpaceLease.objects.create(
            site=site_a,
            space=spaces_a[0],
            holder=tenant2_a,
            house_ref="x",
            start=date(2028, 1, 1),
            end=date(2028, 12, 31),
            monthly_fee_fen=FEE,
            renewal_due=date(2028, 12, 31),
            created_at=NOW,
        )


# -- early termination (PK-04) -------------------------------------------------------------------


def test_early_termination_refunds_all_but_the_current_month(year_lease, desk_a, tenant_a):
    # rule PK-04: prepaid fees refunded except the current month (Feb 2027 kept)
    at = datetime(2027, 2, 10, 10, 0, tzinfo=SHANGHAI)
    result = lease_terminate(
        lease=year_lease, actor=desk_a, on=date(2027, 2, 10), method="qr", now=at
    )
    assert result.termination.reason == "lease.terminated"
    assert result.termination.kept == 7000 + 3 * FEE
    assert result.termination.refund == 8 * FEE + 23000 == 263000
    assert "当月（2027年2月）车位费不退" in result.termination.message
    year_lease.refresh_from_db()
    assert year_lease.status == "terminated" and year_lease.refund_fen == 263000
    party = person_party(tenant_a)
    assert _money(year_lease)[-4:] == [
        ("income:parking", "debit", 263000, "refund"),
        (f"receivable:{party}", "credit", 263000, "refund"),
        (f"receivable:{party}", "debit", 263000, "refund"),
        ("qr", "credit", 263000, "refund"),
    ]
    day = selectors.daily_income(year_lease.site, date(2027, 2, 10))
    assert day.refunds == 263000 and day.paid_out["qr"] == 263000
    with pytest.raises(DomainError) as caught:
        lease_terminate(lease=year_lease, actor=desk_a, on=date(2027, 3, 1), method="qr", now=at)
    assert caught.value.code == "lease.not_active"


def test_ending_on_the_first_day_keeps_the_first_month(year_lease, desk_a):
    # rule PK-04: the current month is kept even on its first leased day
    result = lease_terminate(
        lease=year_lease, actor=desk_a, on=date(2026, 11, 24), method="cash", now=NOW
    )
    assert result.termination.kept == 7000 and result.termination.refund == 353000


def test_a_lease_not_yet_started_is_cancelled_in_full(site_a, desk_a, tenant_a, spaces_a):
    # rule PK-04: no current month before the start: a cancellation, all refunded
    lease = _lease(site_a, desk_a, tenant_a, spaces_a[1], date(2026, 12, 1), date(2027, 11, 30))
    result = lease_terminate(
        lease=lease, actor=desk_a, on=date(2026, 11, 28), method="cash", now=NOW
    )
    assert (
        result.termination.reason == "lease.cancelled"
        and result.termination.refund == lease.paid_fen
    )
    balances = selectors.account_balances(site_a)
    assert balances["income:parking"] == 0 and balances["cash"] == 0


def test_termination_after_the_end_is_refused(year_lease, desk_a):
    with pytest.raises(InvalidInput) as caught:
        lease_terminate(
            lease=year_lease, actor=desk_a, on=date(2027, 12, 1), method="cash", now=NOW
        )
    assert caught.value.code == "lease.terminate_after_end"
    year_lease.refresh_from_db()
    assert year_lease.status == "active"


# -- renewal (PK-05) -----------------------------------------------------------------------------


@pytest.fixture
def ending_lease(site_a, desk_a, tenant_a, spaces_a):
    """Ends 30 Nov 2026 (six days after NOW); the renewal is due that day."""
    return _lease(
        site_a,
        desk_a,
        tenant_a,
        spaces_a[2],
        date(2025, 12, 1),
        date(2026, 11, 30),
        now=NOW - timedelta(days=358),
    )


def test_a_renewal_paid_in_time_makes_the_next_lease(ending_lease, desk_a):
    # rule PK-05: next year's fee paid before the new housing contract starts
    nxt = lease_renew(
        lease=ending_lease, actor=desk_a, until=date(2027, 11, 30), method="card", now=NOW
    )
    assert (nxt.start, nxt.end, nxt.previous) == (
        date(2026, 12, 1),
        date(2027, 11, 30),
        ending_lease,
    )
    assert nxt.paid_fen == 12 * FEE and nxt.status == "active"
    assert ending_lease.status == "renewed"
    assert _money(nxt)[-2][:3] == ("card", "debit", 12 * FEE)
    assert AuditEntry.objects.filter(action="space_lease.renew", object_id=str(nxt.pk)).exists()
    # terminating the running lease cancels the renewal that has not started, refunded in full
    result = lease_terminate(
        lease=ending_lease, actor=desk_a, on=date(2026, 11, 26), method="cash", now=NOW
    )
    nxt.refresh_from_db()
    assert result.cancelled == nxt and nxt.status == "terminated" and nxt.refund_fen == 12 * FEE


def test_a_late_renewal_is_refused_and_the_space_given_up(site_a, desk_a, tenant_a, spaces_a):
    # rule PK-05: not paid before the new contract starts: the space is given up
    lease = _lease(
        site_a,
        desk_a,
        tenant_a,
        spaces_a[3],
        date(2025, 11, 21),
        date(2026, 11, 20),
        now=NOW - timedelta(days=368),
    )
    with pytest.raises(DomainError) as caught:
        lease_renew(lease=lease, actor=desk_a, until=date(2027, 11, 20), method="cash", now=NOW)
    assert caught.value.code == "renewal.paid_late"
    assert "视为放弃租赁车位" in caught.value.message
    assert (
        SpaceLease.objects.count() == 1
        and LedgerTransaction.objects.filter(ref__startswith="space_lease").count() == 1
    )


def _leases_for_the_job(site_a, desk_a, tenant_a, tenant2_a, spaces_a):
    old = NOW - timedelta(days=370)
    ended = _lease(
        site_a, desk_a, tenant_a, spaces_a[0], date(2025, 11, 21), date(2026, 11, 20), now=old
    )
    renewed = _lease(
        site_a, desk_a, tenant2_a, spaces_a[1], date(2025, 11, 24), date(2026, 11, 23), now=old
    )
    lease_renew(
        lease=renewed,
        actor=desk_a,
        until=date(2027, 11, 23),
        method="cash",
        now=old + timedelta(days=360),
    )
    running = _lease(
        site_a, desk_a, tenant_a, spaces_a[2], date(2026, 1, 1), date(2026, 12, 31), now=old
    )
    early_due = _lease(
        site_a,
        desk_a,
        tenant2_a,
        spaces_a[3],
        date(2026, 1, 1),
        date(2026, 12, 31),
        now=old,
        renewal_due=date(2026, 11, 20),
    )
    return ended, renewed, running, early_due


def test_the_daily_job_lapses_ended_unrenewed_leases_once(
    site_a, desk_a, tenant_a, tenant2_a, spaces_a
):
    # rule PK-05: an expired lease without renewal frees the space; the job is idempotent
    ended, renewed, running, early_due = _leases_for_the_job(
        site_a, desk_a, tenant_a, tenant2_a, spaces_a
    )
    out = io.StringIO()
    call_command("lease_renewals", "--date", "2026-11-24", stdout=out)
    assert "1 份租约已放弃" in out.getvalue() and "B1-001" in out.getvalue()
    statuses = {lease.pk: lease.status for lease in SpaceLease.objects.all()}
    assert statuses[ended.pk] == "lapsed"
    assert statuses[renewed.pk] == "renewed"
    assert statuses[running.pk] == "active"
    # the due date has passed but the lease still runs: the core says lapsed, space not yet free
    assert statuses[early_due.pk] == "active"
    assert (
        selectors.renewal_of(
            SpaceLease.objects.get(pk=early_due.pk), today=date(2026, 11, 24)
        ).reason
        == "renewal.lapsed"
    )
    audits = AuditEntry.objects.filter(action="space_lease.lapse").count()
    assert audits == 1
    again = io.StringIO()
    call_command("lease_renewals", "--date", "2026-11-24", stdout=again)
    assert "0 份租约已放弃" in again.getvalue()
    assert AuditEntry.objects.filter(action="space_lease.lapse").count() == audits
    # the freed space can be let to someone else
    new = _lease(site_a, desk_a, tenant2_a, spaces_a[0], date(2026, 11, 24), date(2027, 11, 23))
    assert new.status == "active"


def test_the_job_waits_for_the_end_date(site_a, desk_a, tenant_a, tenant2_a, spaces_a):
    # rule PK-05: on its last day an unrenewed lease is still due, not lapsed
    ended, *_rest = _leases_for_the_job(site_a, desk_a, tenant_a, tenant2_a, spaces_a)
    assert lease_renewals(today=date(2026, 11, 20), now=NOW) == []
    assert [lease.pk for lease in lease_renewals(today=date(2026, 11, 21), now=NOW)] == [ended.pk]


def test_letting_a_space_lapses_its_ended_lease_first(
    site_a, desk_a, tenant_a, tenant2_a, spaces_a
):
    # rule PK-05: the ended, unrenewed lease no longer holds the space
    ended, *_rest = _leases_for_the_job(site_a, desk_a, tenant_a, tenant2_a, spaces_a)
    _lease(site_a, desk_a, tenant2_a, spaces_a[0], date(2026, 11, 24), date(2027, 11, 23))
    ended.refresh_from_db()
    assert ended.status == "lapsed"


def test_the_job_refuses_a_bad_date_or_site(db):
    with pytest.raises(CommandError):
        call_command("lease_renewals", "--date", "24/11/2026")
    with pytest.raises(CommandError):
        call_command("lease_renewals", "--site", "nowhere")


# -- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_the_desk_signs_a_lease(client, clock, desk_a, tenant_a, spaces_a):
    # rule PK-03
    client.force_login(desk_a)
    url = reverse("parking:lease_create")
    assert "王磊" in client.get(url, {"q": "王磊"}).content.decode()
    data = {
        "holder": tenant_a.pk,
        "space": spaces_a[0].pk,
        "house_ref": "3-2-1201 合同ZL-018",
        "start": "2026-11-24",
        "end": "2027-11-23",
        "monthly_fee": "300",
        "renewal_due": "",
        "method": "cash",
    }
    bad = client.post(f"{url}?holder={tenant_a.pk}", data | {"monthly_fee": "300.001"})
    assert bad.status_code == 422 and "金额最多保留两位小数" in bad.content.decode()
    wrong = client.post(f"{url}?holder={tenant_a.pk}", data | {"end": "2026-11-01"})
    assert wrong.status_code == 422 and "结束日期不能早于起租日期" in wrong.content.decode()
    response = client.post(f"{url}?holder={tenant_a.pk}", data)
    lease = SpaceLease.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("parking:lease_detail", args=[lease.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "2026年11月（24日至30日，按天折算7/30）" in detail and "3600.00" in detail


def test_the_lease_register_links_filters_and_exports(client, clock, desk_a, year_lease):
    # rule PK-03: the leases signed at the site, as a register (engine: link, filter, xlsx)
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(desk_a)
    response = client.get(reverse("parking:leases"))
    html = response.content.decode()
    assert f'href="{reverse("parking:lease_detail", args=[year_lease.pk])}"' in html
    assert reverse("parking:lease_create") in html
    (row,) = response.context["rows"]
    cells = dict(row["pairs"])
    assert cells["租期"] == "2026-11-24 – 2027-11-23" and cells["月租金（元）"] == "300.00"
    assert client.get(reverse("parking:leases"), {"status": "terminated"}).context["rows"] == []
    export = client.get(reverse("parking:leases"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][0] == "车位" and values[2][5] == "租赁中" and len(values) == 3


def test_the_lease_pages_terminate_and_renew(client, clock, desk_a, year_lease, ending_lease):
    client.force_login(desk_a)
    listing = client.get(reverse("parking:leases")).content.decode()
    assert "30天内待续租" in listing and "请于2026年11月30日前缴纳下一租赁年车位费" in listing
    response = client.post(
        reverse("parking:lease_renew", args=[ending_lease.pk]),
        {"until": "2027-11-30", "monthly_fee": "", "method": "qr"},
    )
    assert response.status_code == 302
    ending_lease.refresh_from_db()
    assert ending_lease.status == "renewed"
    late = client.post(
        reverse("parking:lease_terminate", args=[year_lease.pk]),
        {"on": "2028-01-01", "method": "cash"},
    )
    assert late.status_code == 422 and "租约已到期，无需提前终止" in late.content.decode()
    done = client.post(
        reverse("parking:lease_terminate", args=[year_lease.pk]),
        {"on": "2026-11-24", "method": "cash"},
    )
    assert done.status_code == 302
    year_lease.refresh_from_db()
    assert year_lease.status == "terminated"


def test_lease_pages_are_the_sites_own(client, clock, year_lease, manager_b, guard_a):
    client.force_login(manager_b)
    assert client.get(reverse("parking:lease_detail", args=[year_lease.pk])).status_code == 404
    response = client.post(
        reverse("parking:lease_terminate", args=[year_lease.pk]),
        {"on": "2026-11-24", "method": "cash"},
    )
    assert response.status_code == 404
    assert "B1-001" not in client.get(reverse("parking:leases")).content.decode()
    client.force_login(guard_a)
    assert client.get(reverse("parking:leases")).status_code == 403
    year_lease.refresh_from_db()
    assert year_lease.status == "active"


def test_cancelling_a_renewal_makes_the_running_lease_due_again(ending_lease, desk_a):
    # rule PK-05: a renewal cancelled before it starts: the space is given up at the lease end
    nxt = lease_renew(
        lease=ending_lease, actor=desk_a, until=date(2027, 11, 30), method="cash", now=NOW
    )
    result = lease_terminate(lease=nxt, actor=desk_a, on=date(2026, 11, 25), method="cash", now=NOW)
    assert result.termination.reason == "lease.cancelled" and result.termination.refund == 12 * FEE
    ending_lease.refresh_from_db()
    assert ending_lease.status == "active"
    assert [lease.pk for lease in lease_renewals(today=date(2026, 12, 1), now=NOW)] == [
        ending_lease.pk
    ]
