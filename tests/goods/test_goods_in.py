"""Goods coming in (G-03, G-04): dangerous goods and decoration materials recorded by the guard,
the row of the goods-in register, the anomaly and report for a resident who insists, the
decoration permit read from the flat's decoration pass, the follow-up for the inspectors and the
site's list of refused items."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.goods import CarriedItem, Hazard
from gatehouse.goods import services
from gatehouse.goods.models import DecorationFollowUp, GoodsAnomaly, GoodsEntry
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PETROL = CarriedItem("汽油", Hazard.FLAMMABLE)
RICE = CarriedItem("大米")


def hazard(site, guard, carrier, items, insists=None, **kw):
    return services.goods_in_check(
        site=site, guard=guard, now=NOW, carrier=carrier, items=items, insists=insists, **kw
    )


# -- G-03 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("carrier", "items", "insists", "outcome", "reason", "says"),
    [
        pytest.param(
            "visitor", [RICE], None, "allow", "goods.in_ok", "放行", id="nothing-dangerous"
        ),
        pytest.param(
            "resident",
            [RICE, PETROL],
            None,
            "pending",
            "goods.hazard_remind",
            "携带汽油（易燃）：请善意提醒",
            id="resident-reminded",
        ),
        pytest.param(
            "resident",
            [PETROL],
            False,
            "refuse",
            "goods.hazard_left_outside",
            "汽油（易燃）不带入",
            id="resident-gives-in",
        ),
        pytest.param(
            "visitor",
            [CarriedItem("农药", Hazard.TOXIC)],
            True,
            "refuse",
            "goods.hazard_refused",
            "来访者及施工人员不得携带农药（剧毒）入内",
            id="visitor-refused",
        ),
        pytest.param(
            "worker",
            [CarriedItem("烟花", Hazard.EXPLOSIVE)],
            None,
            "refuse",
            "goods.hazard_refused",
            "烟花（易爆）",
            id="worker-refused",
        ),
    ],
)
def test_g03_dangerous_goods_at_the_gate(
    site_a, guard_a, carrier, items, insists, outcome, reason, says
):
    # rule G-03
    entry = hazard(site_a, guard_a, carrier, items, insists)
    assert (entry.outcome, entry.reason, entry.rule) == (outcome, reason, "G-03")
    assert says in entry.message
    assert GoodsEntry.objects.get() == entry
    assert (entry.kind, entry.carrier, entry.guard) == ("hazard", carrier, guard_a)
    assert not GoodsAnomaly.objects.exists()


def test_g03_a_resident_who_insists_is_registered_and_reported(
    site_a, guard_a, manager_a, resident_a
):
    # rule G-03
    entry = hazard(
        site_a,
        guard_a,
        "resident",
        [RICE, PETROL],
        True,
        carrier_name="张伟",
        house_number="3-2-1201",
    )
    assert (entry.outcome, entry.reason, entry.rule) == ("allow", "goods.hazard_registered", "G-03")
    assert entry.items == [{"name": "大米", "hazard": ""}, {"name": "汽油", "hazard": "flammable"}]
    assert (entry.insists, entry.house_number, entry.carrier_name) == (True, "3-2-1201", "张伟")
    anomaly = GoodsAnomaly.objects.get()
    assert (anomaly.kind, anomaly.entry, anomaly.escalated_to) == ("hazard", entry, "manager_a")
    assert "3-2-1201" in anomaly.message and "汽油（易燃）" in anomaly.message
    notice = Notice.objects.get(object_ref=f"goods_anomaly:{anomaly.pk}")
    assert notice.audience == "monitoring"
    assert "已报安保主管manager_a" in notice.message


def test_g03_the_manager_closes_the_report(client, site_a, guard_a, manager_a):
    hazard(site_a, guard_a, "resident", [PETROL], True)
    anomaly = GoodsAnomaly.objects.get()
    client.force_login(manager_a)
    assert f"anomaly-{anomaly.pk}" in client.get(reverse("goods:holds")).content.decode()
    response = client.post(
        reverse("goods:anomaly_close", args=[anomaly.pk]), {"resolution": "已上门告知存放要求"}
    )
    assert response.status_code == 302
    anomaly.refresh_from_db()
    assert (anomaly.closed_by, anomaly.resolution) == (manager_a, "已上门告知存放要求")
    with pytest.raises(DomainError):
        services.anomaly_close(anomaly=anomaly, actor=manager_a, resolution="再次处理", now=NOW)


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"carrier": "alien", "items": [PETROL]}, "goods.carrier"),
        ({"carrier": "resident", "items": []}, "goods.none_presented"),
        ({"carrier": "resident", "items": [PETROL], "house_number": "9-9-9"}, "house.unknown"),
    ],
)
def test_g03_bad_input_changes_nothing(site_a, guard_a, kw, code):
    with pytest.raises(InvalidInput) as err:
        services.goods_in_check(site=site_a, guard=guard_a, now=NOW, **kw)
    assert err.value.code == code
    assert not GoodsEntry.objects.exists()


def test_g03_the_guard_page_records_it(client, guard_a, manager_a, site_a):
    # rule G-03
    client.force_login(guard_a)
    form = client.get(reverse("goods:hazard"), **HTMX).content.decode()
    assert "易燃" in form and "item_hazard" in form
    response = client.post(
        reverse("goods:hazard"),
        {"carrier": "worker", "item_name": ["稀释剂", ""], "item_hazard": ["flammable", ""]},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "拒绝" in html and "goods.hazard_refused" in html
    assert response["HX-Trigger"] == "goods-checked"
    bad = client.post(reverse("goods:hazard"), {"carrier": "worker"}, **HTMX)
    assert bad.status_code == 422 and "请至少填写一项物品" in bad.content.decode()
    assert GoodsEntry.objects.count() == 1


# -- G-04 ----------------------------------------------------------------------------------------


@pytest.fixture
def permit_a(site_a, desk_a, house_a):
    """The decoration pass (装修出入证) of 3-2-1201: the flat's decoration permit."""
    from gatehouse.visitors.passes import pass_issue

    return pass_issue(
        site=site_a,
        actor=desk_a,
        kind="decoration",
        holder_name="赵师傅",
        valid_from=NOW - timedelta(days=3),
        valid_until=NOW + timedelta(days=30),
        now=NOW - timedelta(days=3),
        house_number="3-2-1201",
    )


def decoration(site, guard, items, house="3-2-1201"):
    return services.decoration_check(
        site=site, guard=guard, now=NOW, house_number=house, items=items, carrier_name="赵师傅"
    )


def test_g04_materials_enter_with_the_flats_permit(site_a, guard_a, permit_a):
    # rule G-04
    entry = decoration(site_a, guard_a, [CarriedItem("瓷砖"), CarriedItem("水泥")])
    assert (entry.outcome, entry.reason, entry.rule) == ("allow", "decoration.permitted", "G-04")
    assert (entry.permit, entry.permit_number, entry.permit_confirmed) == (
        permit_a,
        permit_a.number,
        True,
    )
    assert not DecorationFollowUp.objects.exists()


def test_g04_without_a_permit_materials_are_refused(site_a, guard_a, house_a, desk_a, permit_a):
    # rule G-04: a revoked or expired pass is no permit
    from gatehouse.visitors.passes import pass_revoke

    pass_revoke(pass_=permit_a, actor=desk_a, reason="装修已完工", now=NOW - timedelta(hours=1))
    entry = decoration(site_a, guard_a, [CarriedItem("瓷砖")])
    assert (entry.outcome, entry.reason, entry.rule) == ("refuse", "decoration.no_permit", "G-04")
    assert "未办理装修手续" in entry.message
    assert (entry.permit, entry.permit_confirmed) == (None, False)


def test_g04_the_permit_is_the_flats_own(site_a, guard_a, permit_a, tenant_house_a):
    # rule G-04: 3-2-1201's pass does not let materials into 3-2-1202
    entry = decoration(site_a, guard_a, [CarriedItem("瓷砖")], house="3-2-1202")
    assert entry.reason == "decoration.no_permit"


def test_g04_windows_ac_and_doors_open_a_follow_up(site_a, guard_a, permit_a, patrol_a):
    # rule G-04
    entry = decoration(
        site_a, guard_a, [CarriedItem("瓷砖"), CarriedItem("空调外机"), CarriedItem("防盗门")]
    )
    assert (entry.outcome, entry.reason) == ("allow", "decoration.follow_up")
    assert "空调外机、防盗门已通知装修巡查组" in entry.message
    follow = DecorationFollowUp.objects.get()
    assert (follow.house_number, follow.items, follow.entry, follow.closed_at) == (
        "3-2-1201",
        "空调外机、防盗门",
        entry,
        None,
    )
    notice = Notice.objects.get(object_ref=f"goods_follow_up:{follow.pk}")
    assert notice.audience == "patrol" and "3-2-1201" in notice.message
    services.follow_up_close(follow_up=follow, actor=patrol_a, result="安装合规", now=NOW)
    follow.refresh_from_db()
    assert (follow.closed_by, follow.result) == (patrol_a, "安装合规")


@pytest.mark.parametrize(
    ("items", "says"),
    [
        ([CarriedItem("瓷砖"), CarriedItem("雨棚支架")], "雨棚支架禁止进入园区"),
        ([CarriedItem("露天太阳能热水器")], "露天太阳能热水器禁止进入"),
        ([CarriedItem("稀释剂", Hazard.FLAMMABLE)], "稀释剂（易燃）禁止进入"),
    ],
)
def test_g04_refused_items_whatever_the_permit(site_a, guard_a, permit_a, items, says):
    # rule G-04
    entry = decoration(site_a, guard_a, items)
    assert (entry.outcome, entry.reason, entry.rule) == ("refuse", "decoration.banned", "G-04")
    assert says in entry.message


def test_g04_the_refused_list_is_the_sites(site_a, guard_a, manager_a, permit_a):
    # rule G-04: configuration per site replaces the default list
    services.settings_update(
        site=site_a,
        actor=manager_a,
        now=NOW,
        service_opens=time(8),
        service_closes=time(18),
        service_weekdays=range(7),
        shift_changes=[time(8)],
        decoration_refused=["玻璃幕墙"],
        decoration_follow_up=["防盗窗"],
    )
    assert decoration(site_a, guard_a, [CarriedItem("大型槽钢")]).reason == "decoration.permitted"
    assert decoration(site_a, guard_a, [CarriedItem("玻璃幕墙")]).reason == "decoration.banned"
    assert decoration(site_a, guard_a, [CarriedItem("空调")]).reason == "decoration.permitted"


def test_g04_bad_input_changes_nothing(site_a, guard_a, house_a):
    with pytest.raises(InvalidInput) as err:
        decoration(site_a, guard_a, [CarriedItem("瓷砖")], house="")
    assert err.value.code == "house.required"
    with pytest.raises(InvalidInput) as err:
        decoration(site_a, guard_a, [])
    assert err.value.code == "goods.none_presented"
    assert not GoodsEntry.objects.exists()


def test_g04_the_guard_page_and_the_inspectors_page(client, guard_a, patrol_a, permit_a):
    # rule G-04
    client.force_login(guard_a)
    with time_machine.travel(NOW, tick=False):
        form = client.get(reverse("goods:decoration"), **HTMX).content.decode()
        assert "露天太阳能" in form and "防盗窗" in form
        response = client.post(
            reverse("goods:decoration"),
            {
                "house_number": "3-2-1201",
                "carrier": "worker",
                "item_name": ["瓷砖", "防盗窗"],
                "item_hazard": ["", ""],
            },
            **HTMX,
        )
    html = response.content.decode()
    assert response.status_code == 200 and "decoration.follow_up" in html
    assert "已通知装修巡查组跟进核实安装" in html
    follow = DecorationFollowUp.objects.get()
    client.force_login(patrol_a)
    assert "防盗窗" in client.get(reverse("goods:follow_ups")).content.decode()
    bad = client.post(reverse("goods:follow_up_close", args=[follow.pk]), {"resolution": "好"})
    assert bad.status_code == 422
    done = client.post(reverse("goods:follow_up_close", args=[follow.pk]), {"resolution": "已核实"})
    assert done.status_code == 302
    assert DecorationFollowUp.objects.get().result == "已核实"
