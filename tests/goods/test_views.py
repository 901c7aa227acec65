"""The goods pages: the front desk's slips, the resident's phone page, the guard's check, held
goods, the settings. Role checks (403 for a role that may not, 404 for another site's records),
form errors (4xx, nothing written) and the happy paths."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from gatehouse.goods import services
from gatehouse.goods.models import GoodsAnomaly, GoodsRelease, HoldState, ReleaseSlip, SlipState
from tests.conftest import NOW
from tests.goods.conftest import make_slip, member

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def slip_post(**fields):
    data = {
        "applicant_kind": "enterprise",
        "applicant_name": "王经理",
        "house_number": "",
        "enterprise": "",
        "valid_on": "2026-11-24",
        "plate": "",
        "reason": "退货",
        "item_name": ["服务器", "显示器"],
        "item_qty": ["2", "4"],
        "item_unit": ["台", "台"],
    }
    data.update(fields)
    return data


# -- roles and tenancy ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("goods:slips", {"front_desk", "security_manager"}),
        ("goods:slip_new", {"front_desk", "security_manager"}),
        ("goods:holds", {"front_desk", "security_manager"}),
        ("goods:collection", {"guard", "front_desk", "security_manager"}),
        ("goods:follow_ups", {"patrol", "front_desk", "security_manager"}),
        ("goods:settings", {"security_manager"}),
        ("goods:gate", {"guard", "security_manager"}),
        ("goods:my_slips", {"resident"}),
    ],
)
def test_each_page_is_for_its_roles(client, site_a, name, allowed):
    for role in ("guard", "front_desk", "security_manager", "resident", "patrol", "monitoring"):
        client.force_login(member(f"u_{role}_{name[6:]}", site_a, role))
        status = client.get(reverse(name)).status_code
        assert (status == 200) is (role in allowed), (role, status)
        assert status in (200, 403)


def test_another_sites_slip_is_not_found(client, manager_b, slip_a):
    client.force_login(manager_b)
    for name in ("goods:slip", "goods:slip_print"):
        assert client.get(reverse(name, args=[slip_a.pk])).status_code == 404
    assert (
        client.post(reverse("goods:slip_revoke", args=[slip_a.pk]), {"reason": "xx"}).status_code
        == 404
    )
    assert client.post(reverse("goods:check", args=[slip_a.pk]), {"ok_0": "1"}).status_code == 404


def test_a_guard_of_another_site_cannot_check_it(client, site_b, slip_a):
    client.force_login(member("guard_b2", site_b, "guard"))
    assert client.post(reverse("goods:check", args=[slip_a.pk]), {"ok_0": "1"}).status_code == 404
    assert not GoodsRelease.objects.exists()


# -- the front desk ------------------------------------------------------------------------------


def test_g01_the_desk_issues_a_slip_for_an_enterprise(client, desk_a, enterprise_a):
    # rule G-01
    client.force_login(desk_a)
    page = client.get(reverse("goods:slip_new")).content.decode()
    assert "东湖物流有限公司" in page and "item_name" in page
    response = client.post(reverse("goods:slip_new"), slip_post(enterprise=str(enterprise_a.pk)))
    slip = ReleaseSlip.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "goods:slip", args=[slip.pk]
    )
    assert (slip.status, slip.applicant_kind, slip.enterprise) == (
        SlipState.ISSUED,
        "enterprise",
        enterprise_a,
    )
    detail = client.get(response["Location"]).content.decode()
    assert "FX-2026-0001" in detail and "服务器" in detail and "已开具" in detail
    printed = client.get(reverse("goods:slip_print", args=[slip.pk]))
    html = printed.content.decode()
    assert printed.status_code == 200 and "<svg" in html and "物品放行条" in html
    assert printed["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({}, "请选择企业"),
        ({"item_qty": ["two", "4"]}, "第1行：数量不正确"),
        ({"valid_on": "2026-13-01"}, "日期格式不正确"),
        ({"applicant_kind": "tenant", "house_number": "9-9-9999"}, "没有这个房号"),
        ({"plate": "ABC"}, "车牌号码应以省份简称"),
    ],
)
def test_g01_a_bad_desk_form_writes_nothing(client, desk_a, house_a, fields, says):
    client.force_login(desk_a)
    response = client.post(reverse("goods:slip_new"), slip_post(**fields))
    assert response.status_code == 422
    assert says in response.content.decode()
    assert not ReleaseSlip.objects.exists()


def test_g01_the_desk_issues_a_residents_application(client, desk_a, resident_a):
    slip = make_slip(resident_a.site, None, issue=False, person=resident_a)
    client.force_login(desk_a)
    listing = client.get(reverse("goods:slips")).content.decode()
    assert "待开具的申请" in listing and slip.number in listing
    assert client.get(reverse("goods:slip_print", args=[slip.pk])).status_code == 404
    response = client.post(reverse("goods:slip_issue", args=[slip.pk]))
    assert response.status_code == 302
    slip.refresh_from_db()
    assert slip.status == SlipState.ISSUED
    again = client.post(reverse("goods:slip_issue", args=[slip.pk]))
    assert again.status_code == 422 and "不是待开具状态" in again.content.decode()


def test_the_slip_list_filters_and_answers_htmx(client, desk_a, house_a, enterprise_a):
    make_slip(house_a.site, desk_a)
    make_slip(
        house_a.site,
        desk_a,
        applicant_kind="enterprise",
        applicant_name="王经理",
        house_number="",
        enterprise=enterprise_a,
    )
    client.force_login(desk_a)
    response = client.get(reverse("goods:slips"), {"q": "东湖物流"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "FX-2026-0002" in html and "FX-2026-0001" not in html
    html = client.get(reverse("goods:slips"), {"status": "revoked"}).content.decode()
    assert "没有符合条件的放行条" in html


def test_g01_the_desk_revokes_with_a_reason(client, desk_a, slip_a):
    client.force_login(desk_a)
    bad = client.post(reverse("goods:slip_revoke", args=[slip_a.pk]), {"reason": "x"})
    assert bad.status_code == 422 and "至少2个字" in bad.content.decode()
    ok = client.post(reverse("goods:slip_revoke", args=[slip_a.pk]), {"reason": "业主取消"})
    assert ok.status_code == 302
    slip_a.refresh_from_db()
    assert slip_a.status == SlipState.REVOKED


# -- the resident's phone page -------------------------------------------------------------------


def test_g01_a_resident_applies_and_sees_the_qr_once_issued(client, resident_user_a, desk_a):
    # rule G-01
    client.force_login(resident_user_a)
    page = client.get(reverse("goods:my_apply")).content.decode()
    assert "3-2-1201" in page
    house = resident_user_a.person.house_links.get().house
    response = client.post(
        reverse("goods:my_apply"),
        {
            "house": str(house.pk),
            "valid_on": "2026-11-24",
            "plate": "",
            "reason": "搬家",
            "item_name": ["沙发"],
            "item_qty": ["1"],
            "item_unit": ["套"],
        },
    )
    slip = ReleaseSlip.objects.get()
    assert response.status_code == 302
    assert (slip.status, slip.person, slip.applicant_kind, slip.applicant_name) == (
        SlipState.APPLIED,
        resident_user_a.person,
        "owner",
        "张伟",
    )
    waiting = client.get(reverse("goods:my_slip", args=[slip.pk])).content.decode()
    assert "等待服务中心核实开具" in waiting and "<svg" not in waiting
    services.slip_issue(slip=slip, actor=desk_a, now=NOW)
    issued = client.get(reverse("goods:my_slip", args=[slip.pk])).content.decode()
    assert "<svg" in issued
    assert slip.number in client.get(reverse("goods:my_slips")).content.decode()


def test_a_resident_sees_only_their_own_slips(client, resident_user_a, desk_a, tenant_a):
    other = make_slip(
        tenant_a.site, desk_a, person=tenant_a, house_number="3-2-1202", applicant_kind="tenant"
    )
    client.force_login(resident_user_a)
    assert client.get(reverse("goods:my_slip", args=[other.pk])).status_code == 404
    assert other.number not in client.get(reverse("goods:my_slips")).content.decode()


def test_a_residents_bad_application_writes_nothing(client, resident_user_a):
    client.force_login(resident_user_a)
    house = resident_user_a.person.house_links.get().house
    response = client.post(
        reverse("goods:my_apply"),
        {
            "house": str(house.pk),
            "valid_on": "2026-11-20",
            "item_name": ["沙发"],
            "item_qty": ["1"],
            "item_unit": ["套"],
        },
    )
    assert response.status_code == 400 and "出区日期不能早于今天" in response.content.decode()
    assert not ReleaseSlip.objects.exists()


def test_a_resident_without_a_record_is_told(client, site_a):
    client.force_login(member("newcomer", site_a, "resident"))
    assert "尚未关联住户档案" in client.get(reverse("goods:my_slips")).content.decode()


# -- the guard's check ---------------------------------------------------------------------------


def test_g01_the_guard_scans_the_qr_and_checks_off_the_goods(client, guard_a, slip_a, gate_a):
    # rule G-01
    client.force_login(guard_a)
    page = client.get(reverse("goods:gate")).content.decode()
    assert "扫描放行条二维码" in page
    scanned = client.post(reverse("goods:scan"), {"code": services.slip_qr(slip_a)}, **HTMX)
    html = scanned.content.decode()
    assert scanned.status_code == 200 and "<html" not in html
    assert slip_a.number in html and "纸箱" in html and "电视机" in html
    checked = client.post(
        reverse("goods:check", args=[slip_a.pk]), {"ok_0": "1", "ok_1": "1", "plate": ""}, **HTMX
    )
    html = checked.content.decode()
    assert checked.status_code == 200 and "放行" in html and "goods.released" in html
    assert "已写入《物品放行登记》" in html and "收回放行条" in html
    row = GoodsRelease.objects.get()
    assert (row.reason, row.guard, row.gate) == ("goods.released", guard_a, gate_a)
    assert [g["quantity"] for g in row.goods] == ["3", "1"]


def test_g01_a_mismatch_at_the_gate_holds_the_goods(client, guard_a, slip_a):
    # rule G-01
    client.force_login(guard_a)
    response = client.post(
        reverse("goods:check", args=[slip_a.pk]),
        {
            "ok_0": "1",
            "qty_1": "2",
            "extra_name": ["冰箱"],
            "extra_qty": ["1"],
            "extra_unit": ["台"],
        },
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "暂扣" in html and "goods.mismatch" in html
    assert "电视机超出放行数量" in html and "冰箱1台：放行条上无此物品" in html
    row = GoodsRelease.objects.get()
    assert (row.hold_state, row.reason) == (HoldState.HELD, "goods.mismatch")
    assert GoodsAnomaly.objects.get().release == row
    assert row.slip_number in client.get(reverse("goods:gate")).content.decode()


def test_g01_a_check_with_nothing_ticked_is_an_error(client, guard_a, slip_a):
    client.force_login(guard_a)
    response = client.post(reverse("goods:check", args=[slip_a.pk]), {}, **HTMX)
    assert response.status_code == 422 and "请勾选核对相符的物品" in response.content.decode()
    assert not GoodsRelease.objects.exists()


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("FX-2026-0404", "本场所没有这张放行条"),
        ("GS1.abc.1.xyz", "放行条二维码校验失败"),
        ("", "请扫描"),
    ],
)
def test_g01_a_bad_scan_says_why(client, guard_a, site_a, code, says):
    client.force_login(guard_a)
    response = client.post(reverse("goods:scan"), {"code": code}, **HTMX)
    assert response.status_code == 422 and says in response.content.decode()


def test_g01_a_plain_post_gets_the_whole_page(client, guard_a, slip_a):
    client.force_login(guard_a)
    response = client.post(reverse("goods:scan"), {"code": slip_a.number})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html and "核对完毕" in html


def test_g02_the_guard_records_goods_without_a_slip_after_hours(client, guard_a, tenant_a):
    # rule G-02
    from tests.goods.conftest import NIGHT

    client.force_login(guard_a)
    with time_machine.travel(NIGHT, tick=False):
        form = client.get(reverse("goods:no_slip"), **HTMX).content.decode()
        assert "服务中心已下班" in form
        response = client.post(
            reverse("goods:no_slip"),
            {
                "bearer_kind": "tenant",
                "bearer_name": "刘洋",
                "house_number": "3-2-1202",
                "item_name": ["衣柜"],
                "item_qty": ["1"],
                "item_unit": ["个"],
            },
            **HTMX,
        )
    html = response.content.decode()
    assert response.status_code == 200 and "拒绝" in html and "goods.tenant_after_hours" in html
    assert GoodsRelease.objects.get().reason == "goods.tenant_after_hours"


# -- held goods ----------------------------------------------------------------------------------


def test_g01_the_desk_resolves_held_goods(client, guard_a, desk_a, slip_a):
    # rule G-01
    from tests.goods.conftest import items

    held = services.goods_out_check(
        site=slip_a.site, guard=guard_a, now=NOW, goods=items([("冰箱", 1, "台")]), slip=slip_a
    ).release
    client.force_login(desk_a)
    page = client.get(reverse("goods:holds")).content.decode()
    assert "冰箱" in page and f"held-{held.pk}" in page
    bad = client.post(reverse("goods:hold_resolve", args=[held.pk]), {"decision": "return"})
    assert bad.status_code == 422
    ok = client.post(
        reverse("goods:hold_resolve", args=[held.pk]),
        {"decision": "return", "resolution": "与业主核实后退回"},
    )
    assert ok.status_code == 302
    held.refresh_from_db()
    assert (held.hold_state, held.resolved_by) == (HoldState.RETURNED, desk_a)


# -- settings ------------------------------------------------------------------------------------


def test_the_manager_configures_hours_and_lists(client, manager_a, site_a):
    client.force_login(manager_a)
    page = client.get(reverse("goods:settings")).content.decode()
    assert "08:00" in page and "露天太阳能" in page
    data = {
        "service_opens": "09:00",
        "service_closes": "17:30",
        "service_weekdays": ["0", "1", "2", "3", "4"],
        "closed_dates": "2027-01-01",
        "shift_changes": "08:00，20:00",
        "squad_leader": "李队长",
        "hand_on_hours": "12",
        "decoration_refused": "露天太阳能、雨棚、大型槽钢、玻璃幕墙",
        "decoration_follow_up": "防盗窗、空调、防盗门",
    }
    assert client.post(reverse("goods:settings"), data).status_code == 302
    conf = services.settings_for(site_a)
    assert (conf.service_weekdays, conf.closed_dates, conf.shift_changes, conf.squad_leader) == (
        "01234",
        ["2027-01-01"],
        ["08:00", "20:00"],
        "李队长",
    )
    assert services.decoration_policy(site_a).refused[-1] == "玻璃幕墙"
    bad = client.post(reverse("goods:settings"), data | {"service_closes": "07:00"})
    assert bad.status_code == 422 and "上班时间必须早于下班时间" in bad.content.decode()
