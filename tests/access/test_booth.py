"""The guard's booth console: the page, the gate, the scan box, who may use it, and other sites."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.access.models import AccessEvent, EventSource, Notice
from gatehouse.core.access import Entrant
from gatehouse.visitors import services
from gatehouse.visitors.models import GateRequest, Visit
from tests.conftest import CARD_ZHANG, NOW

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def booth(client, guard_a, lanes_a):
    client.force_login(guard_a)
    return client


def test_booth_page_has_gate_scan_box_and_flows(booth):
    html = booth.get(reverse("booth:index")).content.decode()
    assert "东门" in html and "西门" in html
    assert 'name="value"' in html and "autofocus" in html
    assert 'hx-post="/booth/scan/"' in html
    assert 'hx-trigger="load, every 3s"' in html
    for title in (
        "忘带卡",
        "亲友来访",
        "来客登记",
        "推销人员",
        "参观来访",
        "装修工人",
        "员工未带工牌",
    ):
        assert title in html
    assert "离开登记" in html and "员工中途外出" in html and "信件报刊" in html


def test_security_manager_may_use_the_booth(client, manager_a, lanes_a):
    client.force_login(manager_a)
    assert client.get(reverse("booth:index")).status_code == 200


def test_resident_gets_403(client, resident_user_a, lanes_a):
    client.force_login(resident_user_a)
    assert client.get(reverse("booth:index")).status_code == 403
    assert client.post(reverse("booth:scan"), {"value": CARD_ZHANG}).status_code == 403
    assert AccessEvent.objects.count() == 0


def test_anonymous_is_sent_to_login(client, lanes_a):
    response = client.get(reverse("booth:index"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_scan_allowed_card_shows_allow_and_writes_event(booth, guard_a, card_a, walk_in_a):
    # rule P-03
    response = booth.post(reverse("booth:scan"), {"value": CARD_ZHANG}, **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "decision-allow" in html and "放行" in html and "张*" in html
    assert "<html" not in html  # a fragment for htmx
    event = AccessEvent.objects.get()
    assert event.reason == "resident.card" and event.outcome == "allow"
    assert event.lane == walk_in_a and event.source == EventSource.CONSOLE
    assert event.guard == guard_a and event.person == card_a.person


def test_direction_toggle_uses_the_out_lane(booth, card_a, walk_out_a):
    # rule P-03
    booth.post(reverse("booth:set_gate"), {"gate": "east", "direction": "out"})
    html = booth.post(reverse("booth:scan"), {"value": CARD_ZHANG}, **HX).content.decode()
    assert "放行" in html
    event = AccessEvent.objects.get()
    assert event.lane == walk_out_a and event.reason == "resident.exit"


def test_gate_choice_is_kept_in_the_session(booth, card_a, lanes_a):
    booth.post(reverse("booth:set_gate"), {"gate": "west", "direction": "in"})
    html = booth.get(reverse("booth:index")).content.decode()
    assert 'value="west" selected' in html
    booth.post(reverse("booth:scan"), {"value": CARD_ZHANG}, **HX)
    assert AccessEvent.objects.get().lane == lanes_a["west/walk-in"]


def test_unknown_card_is_refused_in_red(booth, lanes_a):
    # rule P-11
    html = booth.post(reverse("booth:scan"), {"value": "DEADBEEF"}, **HX).content.decode()
    assert "decision-refuse" in html and "拒绝" in html and "已通知监控中心" in html
    assert AccessEvent.objects.get().reason == "credential.unknown"


def test_forged_qr_is_an_error_and_writes_nothing(booth, lanes_a):
    response = booth.post(reverse("booth:scan"), {"value": "GH1.inv.abc.123.forged"}, **HX)
    assert response.status_code == 422
    assert "二维码" in response.content.decode()
    assert AccessEvent.objects.count() == 0


def test_malformed_id_number_shows_chinese_message_and_writes_nothing(booth, lanes_a):
    # rule VI-01
    response = booth.post(
        reverse("booth:flow", args=["visitor"]),
        {
            "name": "王五",
            "id_number": "110105199001011231",
            "purpose": "送文件",
            "house_number": "",
        },
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "flow-error" in html and "身份证" in html
    assert Visit.objects.count() == 0 and AccessEvent.objects.count() == 0
    assert GateRequest.objects.count() == 0


def test_scan_of_malformed_id_number_is_refused_with_message(booth, lanes_a):
    response = booth.post(reverse("booth:scan"), {"value": "110105199001011231"}, **HX)
    assert response.status_code == 422
    assert "身份证" in response.content.decode()
    assert AccessEvent.objects.count() == 0


def test_guard_of_site_b_gets_404_for_site_a_objects(
    client, guard_a, guard_b, resident_a, walk_in_a, site_b
):
    from gatehouse.sites.models import Gate, Lane

    gate = Gate.objects.create(site=site_b, code="main", name="正门")
    Lane.objects.create(gate=gate, code="in", name="入", kind="non_motor", direction="in")
    Lane.objects.create(gate=gate, code="out", name="出", kind="non_motor", direction="out")
    flow = services.visit_register(
        lane=walk_in_a,
        actor=guard_a,
        kind=Entrant.RELATIVE,
        name="王五",
        purpose="探亲",
        house_number="3-2-1201",
        now=NOW,
    )
    from gatehouse.visitors.mail import mail_log

    item = mail_log(
        site=walk_in_a.gate.site,
        actor=guard_a,
        kind="letter",
        recipient_name="张伟",
        recipient_unit="3-2-1201",
        sender="",
        count=1,
        now=NOW,
    )
    events_before = AccessEvent.objects.count()
    client.force_login(guard_b)
    hand_out = reverse("booth:mail_hand_out", args=[item.pk])
    assert client.post(hand_out, {"handed_to": "李四"}).status_code == 404
    item.refresh_from_db()
    assert item.handed_at is None
    assert "张*" not in client.get(reverse("booth:mail"), **HX).content.decode()
    assert client.post(reverse("booth:resolve", args=[flow.request.pk])).status_code == 404
    assert client.post(reverse("booth:leave", args=[flow.visit.pk])).status_code == 404
    # and site A's open request is not in site B's pending panel
    assert "王*" not in client.get(reverse("booth:pending"), **HX).content.decode()
    # nor can site A's person be picked
    response = client.post(
        reverse("booth:flow", args=["staff-badge"]), {"person": resident_a.pk}, **HX
    )
    assert response.status_code == 404
    assert AccessEvent.objects.count() == events_before


def test_alerts_show_recent_notices_and_overdue_visitors(booth, guard_a, walk_in_a, site_a):
    # rule VI-03
    Notice.objects.create(
        site=site_a,
        audience="monitoring",
        kind="blacklist.hit",
        message="东门：黑名单人员，禁止入内",
        created_at=NOW - timedelta(hours=1),
    )
    Notice.objects.create(
        site=site_a,
        audience="monitoring",
        kind="blacklist.hit",
        message="很久以前的告警",
        created_at=NOW - timedelta(hours=13),
    )
    Visit.objects.create(
        site=site_a,
        kind="visitor",
        name="赵六",
        purpose="送货",
        status="inside",
        registered_at=NOW - timedelta(hours=2),
        time_in=NOW - timedelta(hours=2),
    )
    html = booth.get(reverse("booth:alerts"), **HX).content.decode()
    assert "黑名单人员" in html and "很久以前" not in html
    assert "赵*" not in html  # 09:30 is before the closing time 22:00
    site_a.visitor_closing_time = (NOW - timedelta(minutes=30)).time()
    site_a.save()
    html = booth.get(reverse("booth:alerts"), **HX).content.decode()
    assert "赵*" in html and "/registers/on-site/" in html


def test_plain_request_gets_a_whole_page(booth, card_a, lanes_a):
    response = booth.post(reverse("booth:scan"), {"value": CARD_ZHANG})
    html = response.content.decode()
    assert "<html" in html and "放行" in html and "返回门岗工作台" in html


# -- the screen fits the job (issue 16 §2) -------------------------------------------------------


def test_a_refused_lost_card_shows_whose_card_it_is(booth, card_a, manager_a, resident_a):
    # rule P-03: a lost card is refused; the guard sees the holder to check the person against
    from gatehouse.people.services import credential_set_status

    credential_set_status(credential=card_a, status="lost", actor=manager_a, now=NOW)
    html = booth.post(reverse("booth:scan"), {"value": CARD_ZHANG}, **HX).content.decode()
    assert "decision-refuse" in html and "credential.lost" in html
    assert 'data-testid="holder"' in html and "张*" in html and "张伟" not in html
    assert "3-2-1201" in html
    event = AccessEvent.objects.get()
    assert (event.outcome, event.reason, event.person_id) == (
        "refuse",
        "credential.lost",
        resident_a.pk,
    )


def test_the_booth_acknowledges_its_own_alerts_and_leaves_the_monitoring_centres(
    booth, site_a, guard_a
):
    mine = Notice.objects.create(
        site=site_a, audience="guard", kind="mail.arrived", message="东门：快递待取", created_at=NOW
    )
    theirs = Notice.objects.create(
        site=site_a,
        audience="monitoring",
        kind="blacklist.hit",
        message="黑名单人员",
        created_at=NOW,
    )
    strip = booth.get(reverse("booth:alerts"), **HX).content.decode()
    assert '<details class="alert-strip"' in strip and "2 条提醒" in strip
    assert f'data-testid="ack-{mine.pk}"' in strip and f'data-testid="ack-{theirs.pk}"' not in strip
    after = booth.post(reverse("booth:alert_ack", args=[mine.pk]), **HX).content.decode()
    mine.refresh_from_db()
    assert mine.acknowledged_at == NOW and mine.acknowledged_by == guard_a
    assert "快递待取" not in after and "黑名单人员" in after
    assert booth.post(reverse("booth:alert_ack", args=[theirs.pk]), **HX).status_code == 404
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None


def test_the_alert_strip_is_drawn_with_the_page_in_its_reserved_place(booth, site_a):
    # issue 16 §2: the strip does not arrive after the buttons (it would move them); htmx only
    # refreshes it, and with no alert its place is kept by a quiet line
    page = booth.get(reverse("booth:index")).content.decode()
    assert 'id="alerts" class="alert-slot"' in page and 'hx-trigger="every 15s"' in page
    assert 'data-testid="alerts-none"' in page and "alert-strip" not in page
    Notice.objects.create(
        site=site_a, audience="guard", kind="mail.arrived", message="东门：快递待取", created_at=NOW
    )
    page = booth.get(reverse("booth:index")).content.decode()
    strip = page[page.index('id="alerts"') : page.index('class="booth-grid"')]
    assert '<details class="alert-strip"' in strip and "快递待取" in strip
    assert 'data-testid="alerts-none"' not in strip
