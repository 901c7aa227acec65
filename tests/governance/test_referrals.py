"""Violations the property cannot settle, referred to city management (市容/城管) or the police,
tracked (referred, received, handled) with overdue ones flagged; the register with xlsx and A4
(issue 17 §3; T6).

Today is 24 Nov 2026 (``tests.conftest.NOW``)."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from gatehouse.audit.models import AuditEntry
from gatehouse.core import referral as rules
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.governance import referrals
from gatehouse.governance.models import Referral
from tests.conftest import NOW
from tests.registers.test_paper import _assert_clean, _flat, _read

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _refer(site, actor, **kw):
    args = {
        "kind": "dogs",
        "place": "3栋楼下",
        "description": "业主遛狗不拴绳，劝阻无效",
        "referred_on": TODAY,
        "attempts": "两次上门劝导",
    } | kw
    return referrals.referral_create(site=site, actor=actor, now=NOW, **args)


# -- the core ---------------------------------------------------------------------------------


def test_each_kind_goes_to_its_agency_unless_another_is_chosen():
    assert rules.agency_for(rules.Kind.DOGS) == "police"
    assert rules.agency_for(rules.Kind.PARKING) == "police"
    assert rules.agency_for(rules.Kind.GREENERY) == "city"
    assert rules.agency_for(rules.Kind.POULTRY) == "city"
    assert rules.agency_for(rules.Kind.BUILDING) == "city"
    assert rules.agency_for(rules.Kind.DOGS, "city") == "city"
    with pytest.raises(InvalidInput):
        rules.agency_for(rules.Kind.DOGS, "fire")


def test_a_referral_is_overdue_when_not_received_or_not_handled_in_time():
    day = date(2026, 11, 1)
    assert rules.overdue(rules.ReferralFacts(day), day + timedelta(days=3)) == ""
    assert rules.overdue(rules.ReferralFacts(day), day + timedelta(days=4)) == "not_received"
    received = rules.ReferralFacts(day, received_on=day + timedelta(days=1))
    assert rules.overdue(received, day + timedelta(days=15)) == ""
    assert rules.overdue(received, day + timedelta(days=16)) == "not_handled"
    handled = rules.ReferralFacts(day, day, day + timedelta(days=20))
    assert rules.overdue(handled, day + timedelta(days=60)) == ""


# -- the services -------------------------------------------------------------------------------


def test_a_referral_is_tracked_to_its_result(site_a, manager_a):
    row = _refer(site_a, manager_a)
    assert row.agency == "police" and row.referred_by == manager_a
    entry = AuditEntry.objects.get(action="governance.referral.create")
    assert entry.site == site_a and entry.after["kind"] == "dogs"
    with pytest.raises(DomainError) as err:
        referrals.referral_step(
            referral=row, actor=manager_a, now=NOW, step="handled", on=TODAY, result="x"
        )
    assert err.value.code == "referral.not_received"
    assert Referral.objects.get(pk=row.pk).handled_on is None
    row = referrals.referral_step(
        referral=row, actor=manager_a, now=NOW, step="received", on=TODAY, name="关山派出所 王强"
    )
    assert row.receiver == "关山派出所 王强"
    row = referrals.referral_step(
        referral=row,
        actor=manager_a,
        now=NOW,
        step="handled",
        on=TODAY,
        result="民警上门教育，业主写下保证书",
    )
    assert rules.stage(referrals.facts(row)) == "handled"
    assert AuditEntry.objects.get(action="governance.referral.handled").after["result"] == (
        "民警上门教育，业主写下保证书"
    )
    with pytest.raises(DomainError) as err:
        referrals.referral_step(
            referral=row, actor=manager_a, now=NOW, step="received", on=TODAY, name="x"
        )
    assert err.value.code == "referral.closed"


def test_bad_referrals_are_refused(site_a, manager_a):
    for kw, code in (
        ({"kind": "noise"}, "referral.kind"),
        ({"referred_on": TODAY + timedelta(days=1)}, "referral.referred_future"),
        ({"place": "  "}, "place.empty"),
    ):
        with pytest.raises(InvalidInput) as err:
            _refer(site_a, manager_a, **kw)
        assert err.value.code == code
    assert not Referral.objects.exists()


# -- the pages ----------------------------------------------------------------------------------


def test_the_register_flags_overdue_referrals_with_xlsx_and_a4(client, site_a, manager_a):
    old = _refer(
        site_a,
        manager_a,
        kind="poultry",
        place="6栋后院",
        description="在公共绿地圈养鸡鸭",
        referred_on=TODAY - timedelta(days=10),
    )
    fresh = _refer(site_a, manager_a, kind="greenery", place="中心花园", description="毁绿种菜")
    client.force_login(manager_a)
    html = client.get(reverse("governance:referrals")).content.decode()
    assert "6栋后院" in html and "中心花园" in html and "row-refused" in html
    assert "移交超过3天未受理" in html
    overdue = client.get(reverse("governance:referrals"), {"stage": "overdue"}).content.decode()
    assert "6栋后院" in overdue and "中心花园" not in overdue
    export = client.get(reverse("governance:referrals"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][0] == "移交日期"
    assert {values[2][1], values[3][1]} == {"饲养家禽", "毁坏绿化"}
    assert {values[2][4], values[3][4]} == {"市容（城管）"}
    printed = client.get(reverse("governance:referrals"), {"print": "pdf"})
    reader, text = _read(b"".join(printed.streaming_content))
    assert "违法行为移交登记" in _flat(text) and "6栋后院" in _flat(text)
    _assert_clean(reader, text)
    page = client.get(reverse("governance:referral", args=[old.pk])).content.decode()
    assert "移交超过3天未受理" in page
    assert fresh.pk


def test_the_form_refers_and_the_page_records_the_steps(client, site_a, manager_a):
    client.force_login(manager_a)
    response = client.post(
        reverse("governance:referral_new"),
        {
            "kind": "parking",
            "place": "5栋—6栋消防通道",
            "description": "外来车辆长期占用消防通道",
            "referred_on": "2026-11-24",
        },
    )
    row = Referral.objects.get()
    assert response.status_code == 302 and row.agency == "police"
    bad = client.post(reverse("governance:referral_received", args=[row.pk]), {"on": "2026-11-24"})
    assert bad.status_code == 422 and Referral.objects.get().received_on is None
    ok = client.post(
        reverse("governance:referral_received", args=[row.pk]),
        {"on": "2026-11-24", "name": "交警大队 李明"},
    )
    assert ok.status_code == 302 and Referral.objects.get().receiver == "交警大队 李明"


def test_the_committees_and_guards_have_no_register(client, site_a, guard_a):
    client.force_login(guard_a)
    assert client.get(reverse("governance:referrals")).status_code == 403
    assert client.get(reverse("governance:referral_new")).status_code == 403
