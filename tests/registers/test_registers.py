"""来客进出登记表, 上班中途进出员工登记表 and 外来信件报刊登记表 pages (SPEC §11, VI-01, P-12)."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

from django.urls import reverse

from gatehouse.access.models import AccessEvent, StaffExit
from gatehouse.core.access import Entrant
from gatehouse.visitors import services
from gatehouse.visitors.models import MailItem, Visit, VisitStatus
from tests.conftest import NOW

from .conftest import VISITOR_ID, VISITOR_ID_MASKED, admit_visitor

DAY = {"date_from": "2026-11-24", "date_to": "2026-11-24"}


def body(response) -> str:
    return response.content.decode()


def test_visitor_register_has_one_row_per_visit_with_both_times(
    client, manager_a, guard_a, visitor_inside, walk_out_a
):
    # rule VI-01
    left = services.visit_leave(
        visit=visitor_inside, lane=walk_out_a, actor=guard_a, now=NOW + timedelta(hours=1)
    )
    assert left.decision.reason == "visitor.left"
    visit = Visit.objects.get()
    assert visit.status == VisitStatus.LEFT
    assert visit.time_in == NOW + timedelta(minutes=3)
    assert visit.time_out == NOW + timedelta(hours=1)
    assert list(
        AccessEvent.objects.filter(visit=visit).order_by("pk").values_list("reason", flat=True)
    ) == ["visitor.await_consent", "visitor.consented", "visitor.left"]

    client.force_login(manager_a)
    response = client.get(reverse("registers:visits"), DAY)
    assert response.status_code == 200
    page = body(response)
    assert page.count("<tr class=") == 1
    assert page.count("王*") == 1  # one row, although three events were written
    assert "09:33" in page and "10:30" in page  # time in and time out on the same row
    assert "已离开" in page and "送文件" in page and "3-2-1201" in page
    assert VISITOR_ID_MASKED in page and "139****5678" in page
    assert VISITOR_ID not in page and "王五" not in page


def test_visitor_register_filters_by_date_name_and_status_within_the_site(
    client, manager_a, guard_a, guard_b, resident_user_a, walk_in_a, walk_out_a, lanes_b
):
    # rule VI-01
    today = admit_visitor(guard=guard_a, host_user=resident_user_a, lane=walk_in_a)
    earlier = admit_visitor(
        guard=guard_a,
        host_user=resident_user_a,
        lane=walk_in_a,
        at=NOW - timedelta(days=2),
        name="赵六",
        id_number="11010519491231002X",
    )
    services.visit_leave(
        visit=earlier, lane=walk_out_a, actor=guard_a, now=NOW - timedelta(days=2, hours=-1)
    )
    other_site = services.visit_register(
        lane=lanes_b["in"],
        actor=guard_b,
        kind=Entrant.VISITOR,
        name="孙七",
        purpose="面试",
        id_number=VISITOR_ID,
        host_text="行政部",
        now=NOW,
    )
    assert other_site.visit.site_id != today.site_id
    url = reverse("registers:visits")
    client.force_login(manager_a)

    everything = body(client.get(url))
    assert "王*" in everything and "赵*" in everything
    assert "孙*" not in everything and "面试" not in everything  # site B never shows

    one_day = body(client.get(url, DAY))
    assert "王*" in one_day and "赵*" not in one_day

    by_name = body(client.get(url, {"q": "赵六"}))
    assert "赵*" in by_name and "王*" not in by_name

    by_status = body(client.get(url, {"status": "left"}))
    assert "赵*" in by_status and "王*" not in by_status
    inside = body(client.get(url, {"status": "inside"}))
    assert "王*" in inside and "赵*" not in inside

    assert "孙*" not in body(client.get(url, {"q": "孙七"}))

    bad = client.get(url, {"date_from": "2026-11-25", "date_to": "2026-11-24"})
    assert bad.status_code == 200
    assert "结束日期不能早于开始日期" in body(bad) and "王*" not in body(bad)


def test_htmx_gets_only_the_results_table(client, manager_a, visitor_inside):
    client.force_login(manager_a)
    response = client.get(reverse("registers:visits"), DAY, headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = body(response)
    assert "王*" in page and "<html" not in page and "<form" not in page


def test_visitor_register_paginates_50_a_page(client, manager_a, site_a, guard_a):
    Visit.objects.bulk_create(
        Visit(
            site=site_a,
            kind="visitor",
            name=f"访客{i:02d}",
            purpose="测试",
            status=VisitStatus.LEFT,
            registered_at=NOW - timedelta(minutes=i),
        )
        for i in range(55)
    )
    client.force_login(manager_a)
    first = body(client.get(reverse("registers:visits")))
    assert "共 55 条" in first and first.count("<tr class=") == 50
    second = body(client.get(reverse("registers:visits"), {"page": 2}))
    assert second.count("<tr class=") == 5


def test_staff_exit_register_shows_times_reason_and_approver(
    client, manager_a, guard_a, employee_a, walk_in_a, walk_out_a
):
    # rule P-12
    out = services.staff_exit_register(
        lane=walk_out_a,
        actor=guard_a,
        person=employee_a,
        reason="去银行办事",
        approver="周经理",
        now=NOW,
    )
    assert out.decision.reason == "midshift.out" and out.decision.rule == "P-12"
    back = services.staff_exit_return(
        lane=walk_in_a, actor=guard_a, person=employee_a, now=NOW + timedelta(hours=1)
    )
    assert back.decision.reason == "midshift.back"
    row = StaffExit.objects.get()
    assert (row.out_at, row.back_at) == (NOW, NOW + timedelta(hours=1))
    assert (row.reason, row.approver) == ("去银行办事", "周经理")

    client.force_login(manager_a)
    page = body(client.get(reverse("registers:staff_exits"), DAY))
    assert "刘*" in page and "刘洋" not in page
    assert "东湖物业工程部" in page
    assert "09:30" in page and "10:30" in page
    assert "去银行办事" in page and "周经理" in page

    still_out = body(client.get(reverse("registers:staff_exits"), {"status": "out"}))
    assert "去银行办事" not in still_out


def test_mail_register_lists_the_sites_mail_masked(client, manager_a, site_a, site_b, guard_a):
    # rule VI-04
    MailItem.objects.create(
        site=site_a,
        kind="registered",
        sender="市税务局",
        recipient_name="张伟",
        recipient_unit="3-2-1201",
        received_at=NOW,
        received_by=guard_a,
    )
    MailItem.objects.create(
        site=site_b, kind="letter", sender="西岭邮局", recipient_name="李娜", received_at=NOW
    )
    client.force_login(manager_a)
    page = body(client.get(reverse("registers:mail"), DAY))
    assert "市税务局" in page and "张*" in page and "3-2-1201" in page
    assert "张伟" not in page and "西岭邮局" not in page
    waiting = body(client.get(reverse("registers:mail"), {"status": "handed"}))
    assert "市税务局" not in waiting


def test_xlsx_export_has_the_filtered_rows_masked(client, manager_a, visitor_inside):
    from openpyxl import load_workbook

    client.force_login(manager_a)
    response = client.get(reverse("registers:visits"), {**DAY, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][1] == "期间：2026-11-24 至 2026-11-24"  # the period beside the title
    assert values[1][:3] == ["日期", "姓名", "身份证号"]
    assert len(values) == 3
    flat = " ".join(str(v) for row in values for v in row if v is not None)
    assert "王*" in flat and VISITOR_ID_MASKED in flat
    assert VISITOR_ID not in flat and "王五" not in flat
