"""The stored ledger (PK-07): posting, append-only rows, balances, statements, the daily income
report and its page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ledger import (
    INCOME_PARKING,
    EntryKind,
    PaymentMethod,
    balances,
    credit,
    debit,
    receivable,
)
from gatehouse.core.ledger import transaction as core_transaction
from gatehouse.core.tariff import DEFAULT_TARIFF, exit_payment_postings, fee
from gatehouse.parking import selectors
from gatehouse.parking.models import LedgerEntry, LedgerTransaction
from gatehouse.parking.services import ledger_post
from tests.conftest import NOW, SHANGHAI

from .conftest import HX

pytestmark = pytest.mark.django_db


def _exit_payment(
    at: datetime, *, hours: int = 3, plate: str = "鄂A12345", method=PaymentMethod.CASH
):
    """The core's V-07 posting for a temporary car that stayed ``hours`` and left at ``at``."""
    charge = fee(DEFAULT_TARIFF, entered_at=at - timedelta(hours=hours), left_at=at)
    return exit_payment_postings(charge, party=plate, method=method, at=at)


@pytest.fixture
def posted(site_a, desk_a):
    return ledger_post(site=site_a, txn=_exit_payment(NOW), actor=desk_a, ref="session:1")


# -- ledger_post ---------------------------------------------------------------------------------


def test_ledger_post_records_the_core_transaction_and_audits_it(posted, site_a, desk_a):
    # rule PK-07: every charge and payment is a ledger entry, in integer fen
    assert posted.site == site_a and posted.ref == "session:1" and posted.created_by == desk_a
    assert posted.at == NOW
    rows = list(posted.entries.order_by("pk").values_list("account", "side", "amount_fen", "kind"))
    assert rows == [
        ("receivable:鄂A12345", "debit", 1500, "charge"),
        ("income:parking", "credit", 1500, "charge"),
        ("cash", "debit", 1500, "payment"),
        ("receivable:鄂A12345", "credit", 1500, "payment"),
    ]
    assert all(isinstance(r[2], int) for r in rows)
    audit = AuditEntry.objects.get(action="ledger.post")
    assert audit.object_id == str(posted.pk) and audit.site == site_a and audit.actor == desk_a
    assert audit.after["total_fen"] == 3000 and len(audit.after["entries"]) == 4


def test_the_transactions_own_ref_is_used_when_none_is_given(site_a, desk_a):
    txn = core_transaction(
        debit("cash", 100, kind=EntryKind.PAYMENT),
        credit(receivable("鄂A12345"), 100, kind=EntryKind.PAYMENT),
        at=NOW,
        memo="补缴",
        ref="session:9",
    )
    assert ledger_post(site=site_a, txn=txn, actor=desk_a).ref == "session:9"


@pytest.mark.parametrize(
    ("txn", "ref", "code"),
    [
        ("not a transaction", "", "ledger.transaction"),
        (None, "x" * 65, "ledger.ref"),
    ],
)
def test_ledger_post_refuses_bad_input_and_writes_nothing(site_a, desk_a, txn, ref, code):
    # rule PK-07: bad input changes nothing
    txn = _exit_payment(NOW) if txn is None else txn
    with pytest.raises(InvalidInput) as caught:
        ledger_post(site=site_a, txn=txn, actor=desk_a, ref=ref)
    assert caught.value.code == code
    assert LedgerTransaction.objects.count() == 0 and LedgerEntry.objects.count() == 0
    assert not AuditEntry.objects.filter(action="ledger.post").exists()


def test_an_unbalanced_transaction_never_reaches_the_ledger():
    # rule PK-07: the core refuses to build it, so ledger_post can never be handed one
    with pytest.raises(DomainError) as caught:
        core_transaction(
            debit("cash", 100, kind=EntryKind.PAYMENT),
            credit(INCOME_PARKING, 99, kind=EntryKind.CHARGE),
            at=NOW,
        )
    assert caught.value.code == "ledger.unbalanced"


def test_the_database_refuses_a_negative_or_zero_amount(posted):
    entry = posted.entries.first()
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - CHECK or trigger
        LedgerEntry.objects.create(
            transaction=posted, account="cash", side="debit", amount_fen=0, kind="payment"
        )
    assert entry is not None


# -- append-only ---------------------------------------------------------------------------------


def test_a_ledger_transaction_cannot_be_changed(posted):
    # rule PK-07: the ledger is append-only; the database refuses an UPDATE
    posted.memo = "改过的摘要"
    with pytest.raises(DatabaseError), transaction.atomic():
        posted.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerTransaction.objects.filter(pk=posted.pk).update(memo="改过的摘要")
    assert LedgerTransaction.objects.get(pk=posted.pk).memo == "临时停车费 11月24日06:30-09:30"


def test_a_ledger_entry_cannot_be_changed(posted):
    # rule PK-07
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(transaction=posted).update(amount_fen=1)
    assert sorted(posted.entries.values_list("amount_fen", flat=True)) == [1500] * 4


def test_ledger_rows_cannot_be_deleted(posted):
    # rule PK-07: nor deleted: the ORM is stopped by PROTECT; raw SQL by the PostgreSQL trigger
    # (SQLite's test teardown deletes row by row, so there only updates are refused by trigger)
    from django.db import connection

    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 - PROTECT or the trigger
        posted.delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            LedgerEntry.objects.filter(transaction=posted)._raw_delete(LedgerEntry.objects.db)
        with pytest.raises(DatabaseError), transaction.atomic():
            LedgerTransaction.objects.filter(pk=posted.pk)._raw_delete(LedgerTransaction.objects.db)
    assert LedgerEntry.objects.filter(transaction=posted).count() == 4


def test_a_correction_is_a_reversing_transaction(posted, site_a, manager_a):
    # rule PK-07: corrections are new, reversing transactions
    original = selectors.as_core(posted)
    reversal = core_transaction(
        *(
            (credit if e.side.value == "debit" else debit)(e.account, e.amount, kind=e.kind)
            for e in original.entries
        ),
        at=NOW + timedelta(hours=1),
        memo="冲正：误收临时停车费",
    )
    ledger_post(site=site_a, txn=reversal, actor=manager_a, ref=posted.ref)
    assert set(selectors.account_balances(site_a).values()) == {0}
    assert LedgerTransaction.objects.filter(ref="session:1").count() == 2


# -- selectors -----------------------------------------------------------------------------------


def test_balances_are_the_cores_and_sum_to_zero(posted, site_a, site_b, manager_b):
    # rule PK-07
    ledger_post(site=site_b, txn=_exit_payment(NOW, plate="鄂B99999"), actor=manager_b)
    here = selectors.account_balances(site_a)
    assert here == balances([selectors.as_core(posted)])
    assert here == {"cash": 1500, "income:parking": -1500, "receivable:鄂A12345": 0}
    assert sum(here.values()) == 0


def test_a_partys_statement_runs_its_balance(site_a, desk_a):
    # rule PK-07: a party's history: charged, then paid
    plate = "鄂A12345"
    charge = core_transaction(
        debit(receivable(plate), 800, kind=EntryKind.CHARGE),
        credit(INCOME_PARKING, 800, kind=EntryKind.CHARGE),
        at=NOW,
        memo="停车费",
    )
    pay = core_transaction(
        debit("qr", 800, kind=EntryKind.PAYMENT),
        credit(receivable(plate), 800, kind=EntryKind.PAYMENT),
        at=NOW + timedelta(minutes=5),
        memo="收款",
    )
    ledger_post(site=site_a, txn=pay, actor=desk_a)
    ledger_post(site=site_a, txn=charge, actor=desk_a)
    statement = selectors.party_statement(site_a, plate)
    assert [(line.kind, line.amount, line.balance) for line in statement.lines] == [
        ("charge", 800, 800),
        ("payment", -800, 0),
    ]
    assert statement.owed == 0 and statement.deposits_held == 0
    assert selectors.party_statement(site_a, "鄂B00000").lines == ()


def test_daily_income_takes_the_shanghai_day(site_a, desk_a):
    # rule PK-07: the report's day is the calendar day in Asia/Shanghai
    day = date(2026, 11, 24)
    last_minute = datetime(2026, 11, 24, 23, 59, tzinfo=SHANGHAI)
    next_midnight = datetime(2026, 11, 25, 0, 0, tzinfo=SHANGHAI)
    ledger_post(site=site_a, txn=_exit_payment(NOW), actor=desk_a)
    ledger_post(site=site_a, txn=_exit_payment(last_minute, method=PaymentMethod.QR), actor=desk_a)
    ledger_post(site=site_a, txn=_exit_payment(next_midnight), actor=desk_a)
    summary = selectors.daily_income(site_a, day)
    assert summary.transactions == 2
    assert summary.charges == 3000 and summary.income == 3000
    assert summary.received[PaymentMethod.CASH] == 1500
    assert summary.received[PaymentMethod.QR] == 1500
    assert selectors.daily_income(site_a, date(2026, 11, 25)).transactions == 1


# -- the daily income report page ----------------------------------------------------------------


def _day_of_money(site_a, site_b, desk_a, manager_b):
    ledger_post(site=site_a, txn=_exit_payment(NOW), actor=desk_a)
    ledger_post(
        site=site_a, txn=_exit_payment(NOW, plate="鄂A54321", method=PaymentMethod.QR), actor=desk_a
    )
    ledger_post(site=site_b, txn=_exit_payment(NOW, hours=5, plate="鄂B99999"), actor=manager_b)


@pytest.mark.parametrize("who", ["desk_a", "manager_a"])
def test_the_income_report_shows_the_sites_day(
    client, request, site_a, site_b, desk_a, manager_b, who
):
    # rule PK-07
    _day_of_money(site_a, site_b, desk_a, manager_b)
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("parking:income"), {"day": "2026-11-24"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "日收入报表" in html and "2026-11-24" in html
    assert "30.00" in html  # the day's income at site A
    assert "临时停车费 11月24日06:30-09:30" in html
    assert "25.00" not in html  # site B's five-hour stay is not here


def test_the_income_report_refuses_other_roles(client, guard_a, resident_user_a):
    for user in (guard_a, resident_user_a):
        client.force_login(user)
        assert client.get(reverse("parking:income")).status_code == 403


def test_the_income_report_needs_a_login(client):
    response = client.get(reverse("parking:income"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_manager_of_another_site_sees_only_their_own(client, site_a, site_b, desk_a, manager_b):
    _day_of_money(site_a, site_b, desk_a, manager_b)
    client.force_login(manager_b)
    html = client.get(reverse("parking:income"), {"day": "2026-11-24"}).content.decode()
    assert "25.00" in html and "鄂A" not in html and "30.00" not in html


def test_a_bad_date_is_a_form_error(client, desk_a):
    client.force_login(desk_a)
    response = client.get(reverse("parking:income"), {"day": "2026-13-45"}, **HX)
    assert response.status_code == 422
    assert "日期格式不正确" in response.content.decode()


def test_htmx_gets_the_results_only(client, desk_a):
    client.force_login(desk_a)
    response = client.get(reverse("parking:income"), {"day": "2026-11-24"}, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "当日没有收付记录" in html


def test_the_income_report_exports_xlsx(client, site_a, site_b, desk_a, manager_b):
    # rule PK-07: the exported figures are the exact yuan amounts
    from openpyxl import load_workbook

    _day_of_money(site_a, site_b, desk_a, manager_b)
    client.force_login(desk_a)
    response = client.get(reverse("parking:income"), {"day": "2026-11-24", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "东湖花园 · 日收入报表 · 2026-11-24"
    labels = {row[0]: row[1] for row in values if row and row[0]}
    assert Decimal(str(labels["停车费"])) == Decimal("30.00")
    assert Decimal(str(labels["当日收入合计"])) == Decimal("30.00")
    cash = next(row for row in values if row[0] == "现金")
    assert [Decimal(str(v)) for v in cash[1:4]] == [Decimal(15), Decimal(0), Decimal(15)]
    money = next(r for r in sheet.iter_rows() if r[0].value == "停车费")[1]
    assert money.number_format == "0.00"  # shown with two decimals


def test_a_gate_device_may_post_for_its_own_site_only(site_a, site_b):
    # rule PK-07: the actor of an exit payment may be the barrier's device
    from gatehouse.devices.models import Device

    here = Device.objects.create(site=site_a, name="车库出口道闸", kind="barrier")
    there = Device.objects.create(site=site_b, name="西岭道闸", kind="barrier")
    row = ledger_post(site=site_a, txn=_exit_payment(NOW), actor=here)
    assert row.created_by is None
    assert AuditEntry.objects.get(action="ledger.post").actor_device == here
    with pytest.raises(InvalidInput) as caught:
        ledger_post(site=site_a, txn=_exit_payment(NOW), actor=there)
    assert caught.value.code == "ledger.device_site"
    assert LedgerTransaction.objects.count() == 1
