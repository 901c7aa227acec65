"""The notice board's pages: the front desk publishes, edits, withdraws and prints; a resident
reads the notices for their building on the phone; another site's notice is a 404, a resident
cannot write, bad input is refused with a code and nothing written, and every write is audited."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.bulletin.models import Notice
from tests.bulletin.conftest import post_notice
from tests.conftest import NOW

FORM = {
    "category": "fees",
    "title": "物业服务费收费标准公示",
    "body": "一、物业服务费 2.20 元/平方米·月。\n\n二、按季度缴纳。",
    "publish_from": "2026-11-24T08:00",
    "until": "2026-12-31T00:00",
}


def test_the_desk_publishes_and_the_resident_reads_it(client, desk_a, resident_user_a):
    client.force_login(desk_a)
    response = client.post(reverse("bulletin:notice_new"), FORM)
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.author == desk_a and notice.site.code == "donghu"
    assert notice.publish_from.isoformat() == "2026-11-24T00:00:00+00:00"  # 08:00 in Shanghai
    audit = AuditEntry.objects.get(action="bulletin.create")
    assert audit.actor == desk_a and audit.object_id == str(notice.pk)
    assert audit.after["title"] == FORM["title"] and audit.after["buildings"] == []

    client.force_login(resident_user_a)
    board = client.get(reverse("bulletin:my_board")).content.decode()
    assert "物业服务费收费标准公示" in board and "收费标准" in board
    detail = client.get(reverse("bulletin:my_notice", args=[notice.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "<p>一、物业服务费 2.20 元/平方米·月。</p>" in html
    assert "东湖花园物业服务中心" in html and "2026年11月24日" in html


def test_the_resident_home_and_nav_lead_to_the_board(client, resident_user_a):
    client.force_login(resident_user_a)
    html = client.get(reverse("resident:home")).content.decode()
    assert reverse("bulletin:my_board") in html


def test_building_targeting_on_the_phone(client, desk_a, resident_user_a, building_3, building_5):
    mine = post_notice(
        desk_a.memberships.get().site, desk_a, title="3栋停水", buildings=[building_3.pk]
    )
    other = post_notice(mine.site, desk_a, title="5栋停电", buildings=[building_5.pk])
    client.force_login(resident_user_a)
    html = client.get(reverse("bulletin:my_board")).content.decode()
    assert "3栋停水" in html and "5栋停电" not in html
    assert client.get(reverse("bulletin:my_notice", args=[other.pk])).status_code == 404
    assert client.get(reverse("bulletin:my_notice", args=[mine.pk])).status_code == 200


def test_withdrawn_expired_and_scheduled_are_not_shown(client, desk_a, resident_user_a):
    site = resident_user_a.memberships.get().site
    gone = post_notice(site, desk_a, title="已撤回的通知")
    post_notice(
        site,
        desk_a,
        title="已过期的通知",
        publish_from=NOW - timedelta(days=9),
        until=NOW - timedelta(days=1),
    )
    later = post_notice(site, desk_a, title="明天发布的通知", publish_from=NOW + timedelta(days=1))
    post_notice(
        site, desk_a, title="置顶防火提示", publish_from=NOW - timedelta(days=5), pinned=True
    )
    post_notice(site, desk_a, title="最新的通知")
    client.force_login(desk_a)
    assert client.post(reverse("bulletin:notice_withdraw", args=[gone.pk])).status_code == 302
    gone.refresh_from_db()
    assert gone.withdrawn_at is not None and gone.withdrawn_by == desk_a
    assert AuditEntry.objects.filter(action="bulletin.withdraw", object_id=str(gone.pk)).exists()

    client.force_login(resident_user_a)
    html = client.get(reverse("bulletin:my_board")).content.decode()
    for hidden in ("已撤回的通知", "已过期的通知", "明天发布的通知"):
        assert hidden not in html
    assert html.index("置顶防火提示") < html.index("最新的通知")
    assert client.get(reverse("bulletin:my_notice", args=[gone.pk])).status_code == 404
    assert client.get(reverse("bulletin:my_notice", args=[later.pk])).status_code == 404
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        assert "明天发布的通知" in client.get(reverse("bulletin:my_board")).content.decode()


def test_another_sites_notice_is_not_found(client, desk_a, manager_b, site_b, resident_user_a):
    theirs = post_notice(site_b, manager_b, title="西岭工业园通知")
    client.force_login(desk_a)
    for name in ("bulletin:notice", "bulletin:notice_edit", "bulletin:notice_print"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    assert client.post(reverse("bulletin:notice_withdraw", args=[theirs.pk])).status_code == 404
    client.force_login(resident_user_a)
    assert client.get(reverse("bulletin:my_notice", args=[theirs.pk])).status_code == 404
    assert "西岭工业园通知" not in client.get(reverse("bulletin:my_board")).content.decode()
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def test_a_resident_cannot_post(client, resident_user_a, desk_a):
    client.force_login(resident_user_a)
    assert client.get(reverse("bulletin:notices")).status_code == 403
    assert client.post(reverse("bulletin:notice_new"), FORM).status_code == 403
    notice = post_notice(resident_user_a.memberships.get().site, desk_a)
    assert client.post(reverse("bulletin:notice_withdraw", args=[notice.pk])).status_code == 403
    assert client.post(reverse("bulletin:notice_edit", args=[notice.pk]), FORM).status_code == 403
    assert (
        Notice.objects.count() == 1
        and not AuditEntry.objects.filter(
            action__in=["bulletin.update", "bulletin.withdraw"]
        ).exists()
    )


def test_a_guard_cannot_post_either(client, guard_a):
    client.force_login(guard_a)
    assert client.post(reverse("bulletin:notice_new"), FORM).status_code == 403


def test_bad_dates_are_refused_with_a_code_and_nothing_written(client, desk_a):
    client.force_login(desk_a)
    response = client.post(reverse("bulletin:notice_new"), FORM | {"until": "2026-11-23T08:00"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-code="bulletin.until_before_from"' in html
    assert "截止时间须晚于发布时间" in html
    assert not Notice.objects.exists() and not AuditEntry.objects.exists()

    response = client.post(reverse("bulletin:notice_new"), FORM | {"publish_from": "明天"})
    assert response.status_code == 422
    assert 'data-code="form.invalid"' in response.content.decode()
    response = client.post(reverse("bulletin:notice_new"), FORM | {"title": "标" * 61})
    assert 'data-code="bulletin.title_too_long"' in response.content.decode()
    assert not Notice.objects.exists()


def test_a_building_of_another_site_is_refused(client, manager_a, site_b):
    from gatehouse.sites.models import Building

    theirs = Building.objects.create(site=site_b, code="A", name="A栋")
    client.force_login(manager_a)
    response = client.post(reverse("bulletin:notice_new"), FORM | {"buildings": [theirs.pk]})
    assert response.status_code == 422 and not Notice.objects.exists()


def test_edit_is_audited_and_a_withdrawn_notice_is_kept_read_only(client, manager_a, building_5):
    notice = post_notice(building_5.site, manager_a)
    client.force_login(manager_a)
    page = client.get(reverse("bulletin:notice", args=[notice.pk])).content.decode()
    assert "电梯维保停运通知" in page and "公示中" in page and "全体住户" in page
    form = client.get(reverse("bulletin:notice_edit", args=[notice.pk])).content.decode()
    assert 'value="2026-11-24T08:30"' in form and "5栋" in form
    response = client.post(
        reverse("bulletin:notice_edit", args=[notice.pk]),
        FORM | {"title": "电梯维保改期通知", "buildings": [building_5.pk], "pinned": "on"},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "电梯维保改期通知" and notice.pinned
    assert list(notice.buildings.all()) == [building_5]
    entry = AuditEntry.objects.get(action="bulletin.update")
    assert entry.before["title"] == "电梯维保停运通知" and entry.after["buildings"] == [
        building_5.pk
    ]

    client.post(reverse("bulletin:notice_withdraw", args=[notice.pk]))
    again = client.post(reverse("bulletin:notice_edit", args=[notice.pk]), FORM)
    assert again.status_code == 302
    notice.refresh_from_db()
    assert notice.title == "电梯维保改期通知"  # the withdrawn record is kept as it was
    assert client.post(reverse("bulletin:notice_withdraw", args=[notice.pk])).status_code == 302
    assert AuditEntry.objects.filter(action="bulletin.withdraw").count() == 1
    page = client.get(reverse("bulletin:notice", args=[notice.pk])).content.decode()
    assert "已撤回" in page and reverse("bulletin:notice_edit", args=[notice.pk]) not in page


def test_the_list_filters_by_category_and_status(client, desk_a, site_a):
    post_notice(site_a, desk_a, title="收费标准公示", category="fees")
    post_notice(
        site_a,
        desk_a,
        title="防疫通知",
        category="epidemic",
        until=NOW - timedelta(minutes=1),
        publish_from=NOW - timedelta(days=1),
    )
    client.force_login(desk_a)
    url = reverse("bulletin:notices")
    html = client.get(url).content.decode()
    assert "收费标准公示" in html and "防疫通知" in html and "已过期" in html
    html = client.get(url, {"category": "fees"}).content.decode()
    assert "收费标准公示" in html and "防疫通知" not in html
    html = client.get(url, {"status": "expired"}).content.decode()
    assert "收费标准公示" not in html and "防疫通知" in html
    html = client.get(url, {"status": "current"}).content.decode()
    assert "收费标准公示" in html and "防疫通知" not in html
    assert client.get(url, {"status": "nonsense", "category": "x"}).status_code == 200


def test_the_poster_prints_site_category_title_body_date_and_signature(client, desk_a, site_a):
    notice = post_notice(site_a, desk_a, category="campaign", title="文明养犬倡议")
    client.force_login(desk_a)
    html = client.get(reverse("bulletin:notice_print", args=[notice.pk])).content.decode()
    for text in (
        "东湖花园",
        "活动与整治",
        "文明养犬倡议",
        "<p>请提前安排出行。</p>",
        "2026年11月24日",
        "东湖花园物业服务中心",
        "window.print()",
        "bulletin/bulletin.css",
    ):
        assert text in html, text


def test_the_console_nav_offers_the_board_to_the_desk(client, desk_a):
    client.force_login(desk_a)
    html = client.get(reverse("console:home")).content.decode()
    assert reverse("bulletin:notices") in html


def test_the_new_form_starts_now_and_lists_the_sites_buildings(client, desk_a, building_5):
    client.force_login(desk_a)
    html = client.get(reverse("bulletin:notice_new")).content.decode()
    assert 'name="publish_from"' in html and 'value="2026-11-24T09:30"' in html
    assert "5栋" in html and "疫情防控" in html
