"""Who is on site now, overstays after closing time (VI-03) and alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.access.models import Notice, NoticeAudience
from gatehouse.access.services import notice_acknowledge
from gatehouse.audit.models import AuditEntry
from gatehouse.core.access import Entrant
from gatehouse.core.errors import DomainError
from gatehouse.registers import selectors
from gatehouse.registers.services import flag_overstays
from gatehouse.visitors import services
from tests.conftest import NOW, SHANGHAI

from .conftest import VISITOR_ID

AFTER_CLOSING = datetime(2026, 11, 24, 22, 30, tzinfo=SHANGHAI)


def body(response) -> str:
    return response.content.decode()


def test_a_visitor_inside_is_on_site_until_they_leave(
    client, guard_a, visitor_inside, walk_out_a, site_a
):
    # rule VI-01
    board = selectors.on_site_now(site_a, NOW + timedelta(hours=1))
    assert [v.visit.pk for v in board.visitors] == [visitor_inside.pk]
    assert board.counts == {"visitors": 1, "workers": 0, "staff_out": 0, "overdue": 0}
    assert board.visitors[0].name == "王*" and board.visitors[0].overdue == ""

    client.force_login(guard_a)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        page = body(client.get(reverse("registers:on_site")))
    assert "王*" in page and "3-2-1201" in page and "row-overdue" not in page

    services.visit_leave(
        visit=visitor_inside, lane=walk_out_a, actor=guard_a, now=NOW + timedelta(hours=2)
    )
    assert selectors.on_site_now(site_a, NOW + timedelta(hours=2)).visitors == []
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        page = body(client.get(reverse("registers:on_site")))
    assert "王*" not in page and "目前没有来客在场" in page


def test_employees_out_mid_shift_and_workers_are_listed(
    client, guard_a, employee_a, walk_in_a, walk_out_a, site_a, resident_user_a
):
    # rule P-12
    services.staff_exit_register(
        lane=walk_out_a,
        actor=guard_a,
        person=employee_a,
        reason="取快递",
        approver="周经理",
        now=NOW,
    )
    worker = services.visit_register(
        lane=walk_in_a,
        actor=guard_a,
        kind=Entrant.ONE_TIME_WORKER,
        name="钱师傅",
        purpose="安装空调",
        house_number="3-2-1201",
        now=NOW,
    )
    services.request_answer(
        request=worker.request, actor=resident_user_a, granted=True, via="host", now=NOW
    )
    admitted = services.request_resolve(request=worker.request, actor=guard_a, now=NOW)
    assert admitted.decision.reason == "worker.one_time"
    board = selectors.on_site_now(site_a, NOW + timedelta(minutes=5))
    assert board.visitors == [] and [w.name for w in board.workers] == ["钱**"]
    assert [r.obj.person_id for r in board.staff_out] == [employee_a.pk]
    client.force_login(guard_a)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        page = body(client.get(reverse("registers:on_site")))
    assert "钱**" in page and "刘*" in page and "取快递" in page and "周经理" in page


def test_after_closing_time_the_visitor_is_flagged_once(client, guard_a, visitor_inside, site_a):
    # rule VI-03
    assert flag_overstays(site=site_a, now=NOW + timedelta(hours=1)) == 0  # before 22:00
    board = selectors.on_site_now(site_a, AFTER_CLOSING)
    assert board.visitors[0].overdue == "已过访客离场时间 22:00"
    assert board.counts["overdue"] == 1

    assert flag_overstays(site=site_a, now=AFTER_CLOSING) == 1
    assert flag_overstays(site=site_a, now=AFTER_CLOSING + timedelta(minutes=5)) == 0
    notice = Notice.objects.get()
    assert notice.kind == "visitor.overstay" and notice.audience == NoticeAudience.GUARD
    assert notice.object_ref == f"visit:{visitor_inside.pk}"
    assert "王*" in notice.message and "22:00" in notice.message
    assert "王五" not in notice.message

    client.force_login(guard_a)
    with time_machine.travel(AFTER_CLOSING + timedelta(minutes=10), tick=False):
        page = body(client.get(reverse("registers:on_site")))
        again = body(client.get(reverse("registers:on_site")))
    assert "row-overdue" in page and "已过访客离场时间 22:00" in page
    assert notice.message in page and "row-overdue" in again
    assert Notice.objects.filter(kind="visitor.overstay").count() == 1


def test_a_visitor_past_their_time_limit_is_overdue_before_closing(guard_a, visitor_inside, site_a):
    # rule VI-03
    visitor_inside.time_limit_at = NOW + timedelta(minutes=30)
    visitor_inside.save(update_fields=["time_limit_at"])
    board = selectors.on_site_now(site_a, NOW + timedelta(hours=1))
    assert board.visitors[0].overdue == "已超过限时离开时间 10:00"
    assert flag_overstays(site=site_a, now=NOW + timedelta(hours=1)) == 1


def test_an_alert_is_acknowledged_once_and_audited(client, guard_a, visitor_inside, site_a):
    # rule VI-03
    flag_overstays(site=site_a, now=AFTER_CLOSING)
    notice = Notice.objects.get()
    client.force_login(guard_a)
    url = reverse("registers:ack_notice", args=[notice.pk])
    with time_machine.travel(AFTER_CLOSING + timedelta(minutes=1), tick=False):
        response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    notice.refresh_from_db()
    assert notice.acknowledged_by == guard_a
    assert notice.acknowledged_at == AFTER_CLOSING + timedelta(minutes=1)
    assert AuditEntry.objects.filter(action="notice.acknowledge", object_id=str(notice.pk)).exists()
    assert "guard_a 已于 22:31 处理" in body(response)

    with time_machine.travel(AFTER_CLOSING + timedelta(minutes=2), tick=False):
        again = client.post(url, headers={"HX-Request": "true"})
    assert again.status_code == 422 and "该提醒已经处理过了" in body(again)
    notice.refresh_from_db()
    assert notice.acknowledged_at == AFTER_CLOSING + timedelta(minutes=1)  # unchanged

    plain = client.post(url)
    assert plain.status_code == 302 and plain["Location"] == reverse("registers:on_site")


def test_notices_of_another_site_are_404(client, guard_b, visitor_inside, site_a):
    flag_overstays(site=site_a, now=AFTER_CLOSING)
    notice = Notice.objects.get()
    client.force_login(guard_b)
    response = client.post(reverse("registers:ack_notice", args=[notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.acknowledged_at is None


def test_notice_acknowledge_refuses_a_second_time(guard_a, visitor_inside, site_a):
    flag_overstays(site=site_a, now=AFTER_CLOSING)
    notice = Notice.objects.get()
    done = notice_acknowledge(notice=notice, actor=guard_a, now=AFTER_CLOSING)
    assert done.acknowledged_by == guard_a
    with pytest.raises(DomainError) as caught:
        notice_acknowledge(notice=notice, actor=guard_a, now=AFTER_CLOSING)
    assert caught.value.code == "notice.acknowledged"


def test_a_blacklist_hit_is_listed_as_an_alert(
    client, guard_a, manager_a, site_a, walk_in_a, resident_a
):
    # rule P-11
    from gatehouse.people.services import blacklist_add

    blacklist_add(
        site=site_a, actor=manager_a, reason="曾盗窃", name="钱八", id_number=VISITOR_ID, now=NOW
    )
    result = services.visit_register(
        lane=walk_in_a,
        actor=guard_a,
        kind=Entrant.VISITOR,
        name="钱八",
        purpose="找人",
        id_number=VISITOR_ID,
        house_number="3-2-1201",
        now=NOW,
    )
    assert result.decision.reason == "blacklist.hit" and result.visit.status == "refused"
    alert = Notice.objects.get(kind="blacklist.hit")
    client.force_login(guard_a)
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        page = body(client.get(reverse("registers:on_site")))
    assert alert.message in page
    assert reverse("registers:ack_notice", args=[alert.pk]) in page
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        later = body(client.get(reverse("registers:on_site")))
    assert alert.message not in later  # only the last 24 hours


def test_the_page_reads_who_is_inside_once_and_flags_from_it(
    client, guard_a, visitor_inside, site_a
):
    # rule VI-03: the page flags the overstay from the board it has just read (issue 18 §4:
    # it read the visits inside twice), and writes or locks nothing when nobody is overdue
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils.html import escape

    from gatehouse.visitors.models import Visit

    Visit.objects.filter(pk=visitor_inside.pk).update(host_text="<b>行政部</b>", house=None)
    table = Visit._meta.db_table
    client.force_login(guard_a)
    with (
        time_machine.travel(NOW + timedelta(hours=1), tick=False),
        CaptureQueriesContext(connection) as daytime,
    ):
        page = body(client.get(reverse("registers:on_site")))
    reads = [q["sql"] for q in daytime.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert len(reads) == 1
    assert not any("FOR UPDATE" in q["sql"] for q in daytime.captured_queries)
    assert "&lt;b&gt;行政部&lt;/b&gt;" in page and "<b>行政部" not in page  # escaped
    assert 'data-label="被访人/房号"' in page
    with (
        time_machine.travel(AFTER_CLOSING, tick=False),
        CaptureQueriesContext(connection) as night,
    ):
        page = body(client.get(reverse("registers:on_site")))
    reads = [q["sql"] for q in night.captured_queries if f'FROM "{table}"' in q["sql"]]
    assert len(reads) == 1  # and no field left out of it was fetched afterwards, row by row
    assert "id_number_cipher" not in reads[0]  # the board reads only the columns it shows
    notice = Notice.objects.get(kind="visitor.overstay")
    assert notice.object_ref == f"visit:{visitor_inside.pk}" and escape(notice.message) in page
    assert '<tr class="row-overdue">' in page
