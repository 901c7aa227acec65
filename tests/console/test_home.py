"""The home page of each role, the placeholders, the site switcher and the site's numbers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gatehouse.console.nav import FEATURES, ROLE_NAV

from .conftest import member

pytestmark = pytest.mark.django_db

NAV_TITLES = {
    "guard": [
        "扫码/刷卡放行",
        "访客登记",
        "在场人员",
        "车辆岗",
        "邮件报刊登记",
        "员工中途外出",
        "物品放行核验",
        "登记车辆违规",
        "登记表",
        "物品登记表",
        "车辆违规登记表",
        "人员查询",
        "管理模式",
        "交接班",
        "钥匙",
        "临时离岗",
        "卫生轮流表",
        "上报情况",
    ],
    "front_desk": [
        "待确认请求",
        "访客预约",
        "出入证",
        "车辆出入证",
        "车位租赁",
        "收费标准",
        "日收入报表",
        "放行条",
        "公告栏",
        "报修工单",
        "登记表",
        "物品登记表",
        "车辆违规登记表",
        "人员查询",
        "批量导入",
        "管理模式",
        "防控网格",
        "返乡人员监测",
        "防控台账",
        "居民出行限额",
    ],
    "monitoring": [
        "实时事件",
        "在场人员",
        "外来车辆登记",
        "车辆违规登记表",
        "异常情况",
        "巡逻调度",
        "登记表",
        "管理模式",
        "监控大屏",
        "应急预案",
        "巡查记录表",
        "服务热线",
        "设备状态",
    ],
    "patrol": ["巡更", "上报情况", "登记车辆违规"],
    "security_manager": [
        "管理模式",
        "待确认请求",
        "出入证",
        "车辆出入证",
        "车位租赁",
        "收费标准",
        "日收入报表",
        "放行条",
        "公告栏",
        "报修工单",
        "物品放行核验",
        "登记表",
        "物品登记表",
        "车辆违规登记表",
        "排班",
        "交接班",
        "抽查",
        "监控大屏",
        "异常情况",
        "应急预案",
        "巡更路线",
        "巡查记录表",
        "卫生轮流表",
        "隐患排查",
        "服务热线",
        "违规台账",
        "安保参数",
        "限期整改通知书",
        "整治工作方案",
        "违法行为移交",
        "设备状态",
        "定时任务",
        "人员查询",
        "批量导入",
        "通知消息",
        "后台管理",
        "防控网格",
        "返乡人员监测",
        "食品留样记录",
        "索证索票",
        "驻校保安食宿",
        "排查与跟进",
        "专项行动",
        "防控台账",
        "居民出行限额",
    ],
    "resident": [
        "邀请访客",
        "待我确认",
        "我的访客",
        "我的凭证",
        "放行条申请",
        "公告",
        "报修",
        "健康上报",
    ],
    "park_committee": ["入园申请", "项目监管", "企业名录", "限期整改通知书"],
    "industry_association": [
        "全区概览",
        "项目评级",
        "信用档案",
        "整改",
        "限期整改通知书",
        "整治工作方案",
        "违法行为移交",
    ],
    "grid_officer": ["我的网格", "返乡人员监测"],
    "maintenance": ["我的维修工单"],
    "teacher": ["班级接送与请假"],
    "parent": ["预约接送"],
    "residents_committee": ["整治工作方案"],
    "owners_committee": ["整治工作方案"],
    "counsellor": ["排查与跟进"],
    "school_safety": ["排查与跟进", "专项行动"],
}
ROLE_LABELS = {
    "guard": "门岗",
    "front_desk": "客服前台",
    "monitoring": "监控中心",
    "patrol": "巡逻",
    "security_manager": "安保主管",
    "resident": "业主/住户",
    "park_committee": "园区管委会",
    "industry_association": "物业行业协会",
    "grid_officer": "网格员",
    "maintenance": "维修工",
    "teacher": "教师",
    "parent": "家长",
    "residents_committee": "社区居委会",
    "owners_committee": "业主委员会",
    "counsellor": "心理老师",
    "school_safety": "德育安保主任",
}


@pytest.mark.parametrize("role", list(NAV_TITLES))
def test_each_role_sees_its_own_navigation(client, site_a, role):
    client.force_login(member(f"u_{role}", site_a, role))
    response = client.get(reverse("console:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "东湖花园" in html
    assert ROLE_LABELS[role] in html
    for title in NAV_TITLES[role]:
        assert f">{title}<" in html, title
    others = {t for r, ts in NAV_TITLES.items() if r != role for t in ts} - set(NAV_TITLES[role])
    for title in others:
        assert f">{title}<" not in html, title


def test_the_navigation_table_matches_the_brief():
    assert {
        r: [str(FEATURES[s].title) for s in slugs] for r, slugs in ROLE_NAV.items()
    } == NAV_TITLES


def test_a_feature_not_built_yet_says_so(client, desk_a, monkeypatch):
    # every feature is built now; the placeholder still serves one that is not
    from dataclasses import replace

    unbuilt = replace(FEATURES["release-slip"], url_name=None)
    monkeypatch.setitem(FEATURES, "release-slip", unbuilt)
    client.force_login(desk_a)
    response = client.get(reverse("console:placeholder", args=["release-slip"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "放行条" in html
    assert "此功能将在后续版本提供" in html


def test_a_placeholder_of_another_role_is_not_found(client, guard_a):
    client.force_login(guard_a)
    assert client.get(reverse("console:placeholder", args=["roster"])).status_code == 404
    assert client.get(reverse("console:placeholder", args=["no-such"])).status_code == 404


def test_a_built_feature_redirects_from_its_placeholder(client, guard_a):
    client.force_login(guard_a)
    response = client.get(reverse("console:placeholder", args=["people"]))
    assert response.status_code == 302 and response["Location"] == reverse("console:people")


def test_the_home_page_counts_the_sites_records(
    client, guard_a, resident_a, resident_b, manager_a, now
):
    from gatehouse.people import services
    from gatehouse.sites.models import Gate, Lane

    services.credential_issue(
        site=resident_a.site,
        actor=manager_a,
        kind="owner_card",
        number="00A1B2C3",
        person=resident_a,
        now=now,
    )
    services.credential_issue(
        site=resident_a.site,
        actor=manager_a,
        kind="owner_card",
        number="00A1B2C4",
        person=resident_a,
        now=now,
        valid_from=now.replace(year=2020),
        valid_until=now.replace(year=2021),
    )
    services.vehicle_register(
        site=resident_a.site, actor=manager_a, plate="京A12345", owner=resident_a, now=now
    )
    gate = Gate.objects.create(site=resident_a.site, code="east", name="东门")
    Lane.objects.create(gate=gate, code="in", name="入口", kind="motor", direction="in")
    Lane.objects.create(gate=gate, code="out", name="出口", kind="motor", direction="out")
    client.force_login(guard_a)
    stats = client.get(reverse("console:home")).context["stats"]
    # site B's 李娜 is not counted; the expired card is not in force
    assert (stats.people, stats.active_credentials, stats.vehicles, stats.gates, stats.lanes) == (
        1,
        1,
        1,
        1,
        2,
    )


def test_a_resident_sees_their_house_and_masked_cards_only(
    client, site_a, resident_a, manager_a, now
):
    from django.contrib.auth import get_user_model

    from gatehouse.accounts.models import Membership
    from gatehouse.people import services

    user = get_user_model().objects.create_user(username="zhangwei", password="pass-1234")
    Membership.objects.create(user=user, site=site_a, role="resident")
    resident_a.user = user
    resident_a.save(update_fields=["user"])
    services.credential_issue(
        site=site_a,
        actor=manager_a,
        kind="owner_card",
        number="00A1B2C3",
        person=resident_a,
        now=now,
    )
    client.force_login(user)
    html = client.get(reverse("console:home")).content.decode()
    assert "3-2-1201" in html
    assert "****B2C3" in html
    assert "00A1B2C3" not in html
    assert "stats" not in client.get(reverse("console:home")).context
    html = client.get(reverse("console:my_credentials")).content.decode()
    assert "****B2C3" in html and "00A1B2C3" not in html


def test_a_resident_without_a_record_is_told_where_to_go(client, site_a):
    client.force_login(member("newcomer", site_a, "resident"))
    assert "尚未关联住户档案" in client.get(reverse("console:home")).content.decode()


def test_a_user_without_a_site_is_told_so(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user(username="nobody", password="x"))
    response = client.get(reverse("console:home"))
    assert response.status_code == 200
    assert "尚未分配场所" in response.content.decode()
    assert client.get(reverse("console:people")).status_code == 403


def test_the_site_switcher_keeps_the_choice_in_the_session(client, site_a, site_b):
    from gatehouse.accounts.models import Membership

    user = member("roaming", site_a, "guard")
    Membership.objects.create(user=user, site=site_b, role="patrol")
    client.force_login(user)
    html = client.get(reverse("console:home")).content.decode()
    # the first of sites_for (ordered by name) is the default; both are offered
    assert html.count("<option") == 2
    first = client.get(reverse("console:home")).context["current_site"]
    other = site_b if first == site_a else site_a
    response = client.post(reverse("console:switch_site"), {"site": other.pk})
    assert response.status_code == 302
    response = client.get(reverse("console:home"))
    assert response.context["current_site"] == other
    expected = "巡逻" if other == site_b else "门岗"
    assert [str(x) for x in response.context["console"].role_labels] == [expected]


def test_a_site_that_is_not_yours_cannot_be_picked(client, guard_a, site_b):
    client.force_login(guard_a)
    assert client.post(reverse("console:switch_site"), {"site": site_b.pk}).status_code == 404
    assert client.post(reverse("console:switch_site"), {"site": "x"}).status_code == 404
    assert (
        client.get(reverse("console:home")).context["current_site"]
        == guard_a.memberships.get().site
    )


def test_a_stale_site_in_the_session_falls_back_to_a_site_of_the_user(
    client, guard_a, site_a, site_b
):
    client.force_login(guard_a)
    session = client.session
    session["gatehouse_site_id"] = site_b.pk
    session.save()
    html = client.get(reverse("console:home")).content.decode()
    assert "东湖花园" in html and "西岭工业园" not in html


def test_the_superuser_is_labelled_as_such(client, superuser, site_a):
    client.force_login(superuser)
    html = client.get(reverse("console:home")).content.decode()
    assert "超级管理员" in html


def test_error_pages_are_chinese_and_name_no_one(client, guard_a, resident_b):
    client.force_login(guard_a)
    response = client.get(reverse("console:person", args=[resident_b.pk]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "东湖花园" in html  # the guard's own site in the header
    assert "李娜" not in html and "西岭工业园" not in html
    response = client.get(reverse("console:import_people"))
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_the_admin_link_is_only_for_managers(client, manager_a, guard_a):
    client.force_login(manager_a)
    assert 'href="/admin/"' in client.get(reverse("console:home")).content.decode()
    client.force_login(guard_a)
    assert 'href="/admin/"' not in client.get(reverse("console:home")).content.decode()
