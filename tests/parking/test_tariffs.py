"""Tariffs as configuration (PK-01, PK-02) and the pass price list (PK-06): the plan service, the
``tariff_table`` selector the vehicle gate calls, the tariff page, editing, the fee calculator."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import InvalidInput
from gatehouse.core.lease import DevicePrice
from gatehouse.core.tariff import (
    FreeMode,
    Tariff,
    TariffTable,
    VehicleClass,
    default_table,
    fee_for_class,
)
from gatehouse.parking import selectors
from gatehouse.parking.models import TariffPlan
from gatehouse.parking.services import tariff_plan_create
from tests.conftest import NOW

from .conftest import HX

pytestmark = pytest.mark.django_db

POSTED = {
    "default": {"price": 300, "period_minutes": 60, "free_minutes": 15, "cap": 2000},
    "classes": {"staff": {"price": 0}},
}


def _post(site, actor, table=None, **kw: Any) -> TariffPlan:
    return tariff_plan_create(site=site, actor=actor, table=table or POSTED, now=NOW, **kw)


# -- the service ---------------------------------------------------------------------------------


def test_a_posted_tariff_is_stored_as_the_cores_canonical_table(site_a, manager_a):
    # rule PK-01: free minutes, per-period price and daily cap are configuration
    plan = _post(site_a, manager_a, note="2026年收费公示")
    assert plan.table == TariffTable.from_dict(POSTED).to_dict()
    assert plan.table["default"]["free_mode"] == "only_within"  # defaults filled in
    assert plan.effective_from == NOW and plan.created_by == manager_a
    # the site-wide plan carries the pass prices in force (the default until one is posted)
    assert (plan.pass_deposit_fen, plan.pass_card_fee_fen, plan.pass_reissue_fee_fen) == (
        10000,
        2000,
        None,
    )
    audit = AuditEntry.objects.get(action="tariff.post")
    assert audit.object_id == str(plan.pk) and audit.after["table"] == plan.table


# rule PK-01: a bad setting gets the core's Chinese error and nothing is saved
@pytest.mark.parametrize(
    ("table", "code", "message"),
    [
        ({"default": {"price": -1}}, "tariff.price", "计费单价必须是不小于0的整数"),
        ({"default": {"price": 1.5}}, "tariff.price", "计费单价必须是不小于0的整数"),
        ({"default": {"price": 100, "period_minutes": 0}}, "tariff.period", "计费时段长度"),
        ({"default": {"price": 100, "cap": 0}}, "tariff.cap", "封顶金额必须是大于0的整数"),
        (
            {"default": {"price": 100, "night": {"start": "19:00", "end": "19:00", "price": 1}}},
            "tariff.night_time",
            "起止时间不能相同",
        ),
        ({"default": {"price": 100, "colour": "red"}}, "tariff.unknown_field", "colour"),
        ({"classes": {}}, "tariff.default", "必须有默认收费标准"),
        (
            {"default": {"price": 1}, "classes": {"bus": {"price": 1}}},
            "tariff.vehicle_class",
            "车辆类别无效",
        ),
    ],
)
def test_a_bad_tariff_is_refused(site_a, manager_a, table, code, message):
    with pytest.raises(InvalidInput) as caught:
        _post(site_a, manager_a, table=table)
    assert caught.value.code == code and message in caught.value.message
    assert TariffPlan.objects.count() == 0 and not AuditEntry.objects.filter(action="tariff.post")


def test_a_tariff_cannot_start_in_the_past(site_a, manager_a):
    with pytest.raises(InvalidInput) as caught:
        _post(site_a, manager_a, effective_from=NOW - timedelta(minutes=1))
    assert caught.value.code == "tariff.backdated" and "不能追溯" in caught.value.message
    assert TariffPlan.objects.count() == 0


def test_another_sites_garage_is_refused(site_a, manager_a, garage_b):
    with pytest.raises(InvalidInput) as caught:
        _post(site_a, manager_a, garage=garage_b)
    assert caught.value.code == "tariff.garage_site"
    with pytest.raises(InvalidInput):
        selectors.tariff_table(site_a, garage_b)


# -- tariff_table: the plan in force -------------------------------------------------------------


def test_nothing_posted_means_the_cores_default_table(site_a):
    # rule PK-01
    assert selectors.tariff_table(site_a, at=NOW) == default_table()


def test_the_plan_in_force_at_a_moment(site_a, manager_a, garage_a):
    # rule PK-01: the posted tariff in force when the car leaves
    first = _post(site_a, manager_a)
    raised = dict(POSTED, default={"price": 400, "period_minutes": 60})
    _post(site_a, manager_a, table=raised, effective_from=NOW + timedelta(days=30))
    assert selectors.tariff_table(site_a, at=NOW).default.price == 300
    assert selectors.tariff_table(site_a, at=NOW + timedelta(days=30)).default.price == 400
    assert selectors.tariff_table(site_a, at=NOW - timedelta(seconds=1)) == default_table()
    # a garage without its own plan follows the site-wide one
    assert selectors.tariff_table(site_a, garage_a, at=NOW).default.price == 300
    own = {"default": {"price": 600, "period_minutes": 30}}
    _post(site_a, manager_a, table=own, garage=garage_a, effective_from=NOW + timedelta(hours=1))
    assert (
        selectors.tariff_table(site_a, garage_a, at=NOW + timedelta(hours=2)).default.price == 600
    )
    assert selectors.tariff_table(site_a, at=NOW + timedelta(hours=2)).default.price == 300
    assert selectors.tariff_plan_in_force(site_a, at=NOW) == first


def test_the_gate_prices_a_stay_with_the_selected_table(site_a, manager_a):
    # rule PK-01: paid at exit by the posted tariff (3h10m at ¥3/h after 15 free minutes lost)
    _post(site_a, manager_a)
    table = selectors.tariff_table(site_a, at=NOW)
    charge = fee_for_class(
        table, VehicleClass.TEMPORARY, entered_at=NOW, left_at=NOW + timedelta(hours=3, minutes=10)
    )
    assert charge.amount == 1200 and charge.reason == "fee.charged"
    staff = fee_for_class(
        table, VehicleClass.STAFF, entered_at=NOW, left_at=NOW + timedelta(hours=5)
    )
    assert staff.amount == 0  # V-04: this site's policy makes staff parking free


def test_delivery_vehicles_pay_only_beyond_their_hour_by_default(site_a):
    # rule PK-02: delivery vehicles over their 1 hour pay for the excess
    table = selectors.tariff_table(site_a, at=NOW)
    assert table.for_class(VehicleClass.DELIVERY).free_mode is FreeMode.DEDUCTED
    inside = fee_for_class(
        table, VehicleClass.DELIVERY, entered_at=NOW, left_at=NOW + timedelta(minutes=60)
    )
    over = fee_for_class(
        table, VehicleClass.DELIVERY, entered_at=NOW, left_at=NOW + timedelta(minutes=75)
    )
    assert inside.amount == 0 and inside.reason == "fee.free"
    assert (
        over.amount == 500 and over.reason == "fee.excess"
    )  # one started hour after the free hour


def test_pass_prices_come_from_the_site_plan(site_a, manager_a):
    # rule PK-06: deposit plus card fee, reissue for a fee: posted prices
    assert selectors.pass_price(site_a, NOW) == DevicePrice(deposit=10000, card_fee=2000)
    _post(site_a, manager_a, pass_price=DevicePrice(deposit=5000, card_fee=1000, reissue_fee=1500))
    price = selectors.pass_price(site_a, NOW)
    assert (price.deposit, price.card_fee, price.reissue) == (5000, 1000, 1500)


# -- the tariff page -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["desk_a", "manager_a"])
def test_the_posted_tariff_is_shown(client, request, site_a, manager_a, garage_a, who):
    # rule PK-01: the posted notice is the core's description of the tariff
    _post(site_a, manager_a)
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("parking:tariffs")).content.decode()
    text = Tariff.from_dict(POSTED["default"]).describe()
    assert text in html and "地下车库" in html and "¥100.00" in html
    assert ("修改全场收费标准" in html) is (who == "manager_a")


def test_other_roles_cannot_see_or_edit_tariffs(client, guard_a, desk_a):
    client.force_login(guard_a)
    assert client.get(reverse("parking:tariffs")).status_code == 403
    assert client.get(reverse("parking:fee")).status_code == 403
    client.force_login(desk_a)
    assert client.get(reverse("parking:tariff_edit")).status_code == 403
    assert client.post(reverse("parking:tariff_edit"), {}).status_code == 403
    assert TariffPlan.objects.count() == 0


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "default-price": "4.00",
        "default-period_minutes": "60",
        "default-free_minutes": "30",
        "default-free_mode": "only_within",
        "default-cap": "25",
        "default-cap_mode": "calendar_day",
        "default-night_start": "19:00",
        "default-night_end": "07:00",
        "effective_from": "",
        "note": "新收费标准",
        "pass_deposit": "200",
        "pass_card_fee": "20",
        "pass_reissue_fee": "",
    }
    for vc in ("temporary", "visitor", "staff"):
        data |= {
            f"{vc}-mode": "same",
            f"{vc}-free_mode": "only_within",
            f"{vc}-cap_mode": "calendar_day",
        }
    data |= {
        "delivery-mode": "delivery",
        "delivery-free_mode": "only_within",
        "delivery-cap_mode": "calendar_day",
    }
    return data | overrides


def test_the_manager_edits_the_tariff(client, site_a, manager_a):
    # rule PK-01: the posted tariff is configuration the manager edits
    client.force_login(manager_a)
    page = client.get(reverse("parking:tariff_edit")).content.decode()
    assert "默认收费标准" in page and 'value="5.00"' in page  # the core's default, in yuan
    form = _form(**{"staff-mode": "own", "staff-price": "0", "staff-free_mode": "only_within"})
    response = client.post(reverse("parking:tariff_edit"), form)
    assert response.status_code == 302 and response["Location"] == reverse("parking:tariffs")
    plan = TariffPlan.objects.get()
    table = TariffTable.from_dict(plan.table)
    assert table.default == Tariff(price=400, free_minutes=30, cap=2500)
    assert table.for_class(VehicleClass.STAFF).price == 0
    # rule PK-02: the delivery class keeps its free hour on top of the new default
    assert table.for_class(VehicleClass.DELIVERY).free_minutes == 60
    assert dict(table.classes).keys() == {VehicleClass.STAFF, VehicleClass.DELIVERY}
    assert (plan.pass_deposit_fen, plan.pass_card_fee_fen) == (20000, 2000)


# rule PK-01: the core's errors on the form, nothing saved
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"default-period_minutes": "0"}, "计费时段长度必须是1到1440之间的整数"),
        ({"default-price": "-3"}, "金额不能为负数"),
        ({"default-price": "4.005"}, "金额最多保留两位小数"),
        ({"default-free_minutes": "2000"}, "免费时长必须是0到1440之间的整数"),
        (
            {"default-night": "on", "default-night_end": "19:00", "default-night_price": "2"},
            "起止时间不能相同",
        ),
        ({"default-night": "on", "default-night_price": ""}, "夜间单价必须是不小于0的整数"),
        ({"staff-mode": "own", "staff-price": ""}, "请填写计费单价"),
        ({"pass_deposit": "abc"}, "金额格式不正确"),
        ({"effective_from": "2000-01-01T00:00"}, "不能追溯"),
    ],
)
def test_a_bad_tariff_form_shows_the_error(client, manager_a, overrides, message):
    client.force_login(manager_a)
    response = client.post(reverse("parking:tariff_edit"), _form(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert TariffPlan.objects.count() == 0


def test_a_garage_gets_its_own_tariff(client, site_a, manager_a, garage_a, garage_b):
    client.force_login(manager_a)
    url = reverse("parking:tariff_edit")
    page = client.get(url, {"garage": garage_a.pk}).content.decode()
    assert "地下车库" in page and "车辆出入证押金" not in page
    data = _form(garage=str(garage_a.pk), **{"default-price": "6"})
    assert client.post(url, data).status_code == 302
    plan = TariffPlan.objects.get()
    assert plan.garage == garage_a and plan.pass_deposit_fen is None
    # another site's garage is not found
    assert client.get(url, {"garage": garage_b.pk}).status_code == 404
    assert client.post(url, _form(garage=str(garage_b.pk))).status_code == 404


# -- the fee calculator --------------------------------------------------------------------------


def test_the_desk_answers_a_driver_with_the_itemised_fee(client, site_a, manager_a, desk_a):
    # rule PK-01: the fee and its lines, as the core computes them
    _post(site_a, manager_a)
    client.force_login(desk_a)
    query = {
        "entered_at": "2026-11-24T08:00",
        "left_at": "2026-11-24T11:10",
        "vehicle_class": "temporary",
        "garage": "",
    }
    response = client.get(reverse("parking:fee"), query, **HX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "¥12.00" in html
    assert "停车3小时10分钟，超过免费时长15分钟，自入场起全程计费，应收¥12.00。" in html
    assert "4个计费时段 × ¥3.00（每60分钟）= ¥12.00" in html


def test_the_calculator_shows_the_cores_error(client, desk_a):
    client.force_login(desk_a)
    query = {
        "entered_at": "2026-11-24T11:00",
        "left_at": "2026-11-24T08:00",
        "vehicle_class": "temporary",
    }
    response = client.get(reverse("parking:fee"), query)
    assert response.status_code == 422
    assert "出场时间早于入场时间" in response.content.decode()
    bad = client.get(reverse("parking:fee"), {**query, "left_at": "昨天"})
    assert bad.status_code == 422 and "时间格式不正确" in bad.content.decode()
