"""The booth's guided flows through the views: each writes the register row, the request and the
event with the reason the rule gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.access.models import AccessEvent, Notice, StaffExit
from gatehouse.people.models import Person
from gatehouse.visitors import services
from gatehouse.visitors.models import GateRequest, MailItem, Pass, RequestStatus, Visit
from gatehouse.visitors.tokens import new_token
from tests.conftest import NOW

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}
ID_WANG = "110105199001011232"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def booth(client, guard_a, lanes_a, clock):
    client.force_login(guard_a)
    return client


def _flow(client, slug, data):
    return client.post(reverse("booth:flow", args=[slug]), data, **HX)


def _resolve(client, req):
    return client.post(reverse("booth:resolve", args=[req.pk]), **HX)


@pytest.fixture
def employee_a(site_a, manager_a):
    from gatehouse.people import services as people

    return people.person_create(
        site=site_a,
        actor=manager_a,
        name="陈静",
        kind="employee",
        id_number="110105198502021231",
        now=NOW,
    )


def _pass(site, kind, number, **extra):
    return Pass.objects.create(
        site=site,
        kind=kind,
        number=number,
        token=new_token(),
        holder_name=extra.pop("holder_name", "刘强"),
        valid_from=NOW - timedelta(days=1),
        valid_until=NOW + timedelta(days=30),
        issued_at=NOW - timedelta(days=1),
        **extra,
    )


# -- P-04 forgotten card -------------------------------------------------------------------------


def test_forgotten_card_confirmed_by_desk_then_admitted_and_counted(
    booth, clock, resident_a, desk_a, walk_in_a
):
    # rule P-04
    html = _flow(booth, "forgotten", {"house_number": "3-2-1201", "id_last4": "002x"}).content
    html = html.decode()
    assert "待确认" in html and "张*：忘带卡累计 0 次" in html
    req = GateRequest.objects.get()
    assert req.entrant == "forgotten_card" and req.person == resident_a
    assert req.reason == "forgotten_card.await_desk" and req.lane == walk_in_a
    first = AccessEvent.objects.get()
    assert first.reason == "forgotten_card.await_desk" and first.outcome == "pending"

    panel = booth.get(reverse("booth:pending"), **HX).content.decode()
    assert "待答复" in panel and "剩余 10:00" in panel and "此前忘带卡 0 次" in panel

    clock.shift(timedelta(minutes=2))
    services.request_answer(
        request=req, actor=desk_a, granted=True, via="desk", now=NOW + timedelta(minutes=2)
    )
    panel = booth.get(reverse("booth:pending"), **HX).content.decode()
    assert "同意" in panel and "btn-allow" in panel

    html = _resolve(booth, req).content.decode()
    assert "decision-allow" in html and "提醒住户随身带卡" in html
    assert "张*：忘带卡累计 1 次" in html
    resident_a.refresh_from_db()
    assert resident_a.forgotten_card_count == 1
    last = AccessEvent.objects.latest("pk")
    assert last.reason == "forgotten_card.confirmed" and last.outcome == "allow"
    req.refresh_from_db()
    assert req.closed_at is not None
    assert "btn-allow" not in booth.get(reverse("booth:pending"), **HX).content.decode()


def test_forgotten_card_mismatch_is_refused(booth, resident_a):
    # rule P-04
    html = _flow(booth, "forgotten", {"house_number": "3-2-1201", "id_last4": "9999"}).content
    assert "decision-refuse" in html.decode()
    assert AccessEvent.objects.get().reason == "forgotten_card.mismatch"
    assert GateRequest.objects.count() == 0


# -- P-05 relatives, VI-01 visitors --------------------------------------------------------------


def test_relative_waits_for_owner_then_admitted(booth, resident_a, resident_user_a):
    # rule P-05
    html = _flow(
        booth,
        "relative",
        {
            "name": "王五",
            "purpose": "探亲",
            "house_number": "3-2-1201",
            "companions": "1",
            "companion_names": "王小五",
        },
    ).content.decode()
    assert "decision-pending" in html and "等待业主同意" in html
    assert "已写入《来客进出登记表》" in html
    visit = Visit.objects.get()
    assert visit.kind == "relative" and visit.companions == 1 and visit.host == resident_a
    req = GateRequest.objects.get()
    assert req.kind == "host_consent" and req.visit == visit
    services.request_answer(request=req, actor=resident_user_a, granted=True, via="host", now=NOW)
    assert "decision-allow" in _resolve(booth, req).content.decode()
    visit.refresh_from_db()
    assert visit.status == "inside" and visit.outcome_reason == "relative.consented"
    assert AccessEvent.objects.latest("pk").reason == "relative.consented"


def test_visitor_registered_then_refused_shows_confirm_refuse(booth, resident_a, resident_user_a):
    # rule VI-01
    _flow(
        booth,
        "visitor",
        {
            "name": "王五",
            "id_number": ID_WANG,
            "phone": "13912345678",
            "purpose": "送文件",
            "house_number": "3-2-1201",
            "companions": "0",
        },
    )
    visit = Visit.objects.get()
    assert visit.id_number_masked == "110105********1232" and visit.phone_masked == "139****5678"
    req = GateRequest.objects.get()
    assert AccessEvent.objects.get().reason == "visitor.await_consent"
    services.request_answer(request=req, actor=resident_user_a, granted=False, via="host", now=NOW)
    panel = booth.get(reverse("booth:pending"), **HX).content.decode()
    assert "拒绝" in panel and "确认拒绝" in panel
    html = _resolve(booth, req).content.decode()
    assert "decision-refuse" in html
    visit.refresh_from_db()
    assert visit.status == "refused"
    assert AccessEvent.objects.latest("pk").reason == "visitor.refused"


def _register_wang(client) -> GateRequest:
    _flow(
        client,
        "visitor",
        {
            "name": "王五",
            "id_number": ID_WANG,
            "phone": "13912345678",
            "purpose": "送文件",
            "house_number": "3-2-1201",
            "companions": "0",
        },
    )
    return GateRequest.objects.latest("pk")


def _answer(client, req, answer: str):
    return client.post(reverse("booth:answer", args=[req.pk]), {"answer": answer}, **HX)


def test_the_guard_phones_the_host_and_answers_at_the_booth(booth, resident_a, guard_a):
    # rule VI-01: contact the host; admit only with consent
    req = _register_wang(booth)
    panel = booth.get(reverse("booth:pending"), **HX).content.decode()
    assert reverse("booth:answer", args=[req.pk]) in panel and "已致电·被访人同意" in panel
    answered = _answer(booth, req, "grant")
    assert answered.status_code == 200 and "放行" in answered.content.decode()
    req.refresh_from_db()
    assert (req.status, req.answered_via, req.answered_by) == ("granted", "booth", guard_a)
    assert req.get_answered_via_display() == "门岗致电确认"
    # The lane has no door Gatehouse opens: the guard lets the visitor through with 放行.
    html = _resolve(booth, req).content.decode()
    assert "decision-allow" in html
    event = AccessEvent.objects.latest("pk")
    assert (event.reason, event.outcome) == ("visitor.consented", "allow")
    visit = Visit.objects.get()
    assert visit.status == "inside" and visit.time_in == NOW  # the 来客进出登记表 row


def test_the_host_declining_on_the_phone_is_refused_at_the_booth(booth, resident_a):
    # rule VI-01
    req = _register_wang(booth)
    assert _answer(booth, req, "refuse").status_code == 200
    req.refresh_from_db()
    assert (req.status, req.answered_via) == ("refused", "booth")
    assert "decision-refuse" in _resolve(booth, req).content.decode()
    assert AccessEvent.objects.latest("pk").reason == "visitor.refused"
    assert Visit.objects.get().status == "refused"


def test_the_booth_answers_only_a_hosts_consent_and_only_once(booth, employee_a, resident_a):
    # rule P-10: staff without a badge wait for a manager, not for the booth
    _flow(booth, "staff-badge", {"person": employee_a.pk})
    approval = GateRequest.objects.get()
    panel = booth.get(reverse("booth:pending"), **HX).content.decode()
    assert reverse("booth:answer", args=[approval.pk]) not in panel
    refused = _answer(booth, approval, "grant")
    assert refused.status_code == 422 and "安保主管" in refused.content.decode()
    approval.refresh_from_db()
    assert approval.status == "pending" and approval.answered_via == ""
    # A bad answer and a second answer change nothing.
    req = _register_wang(booth)
    assert _answer(booth, req, "maybe").status_code == 422
    assert _answer(booth, req, "grant").status_code == 200
    twice = _answer(booth, req, "refuse")
    assert twice.status_code == 422 and "已经处理过" in twice.content.decode()
    req.refresh_from_db()
    assert req.status == "granted"


def test_visitor_without_id_number_is_an_error(booth, resident_a):
    # rule VI-01
    response = _flow(
        booth, "visitor", {"name": "王五", "purpose": "送文件", "house_number": "3-2-1201"}
    )
    assert response.status_code == 422 and "身份证号" in response.content.decode()
    assert Visit.objects.count() == 0 and AccessEvent.objects.count() == 0


def test_unanswered_request_expires_on_poll(booth, clock, resident_a):
    # rule VI-01
    _flow(
        booth,
        "visitor",
        {"name": "王五", "id_number": ID_WANG, "purpose": "送文件", "house_number": "3-2-1201"},
    )
    clock.shift(timedelta(minutes=11))
    panel = booth.get(reverse("booth:pending"), **HX).content.decode()
    assert "超时未答复，已按拒绝处理" in panel
    req = GateRequest.objects.get()
    assert req.status == RequestStatus.EXPIRED and req.closed_at is not None
    assert AccessEvent.objects.latest("pk").reason == "visitor.refused"
    assert Visit.objects.get().status == "refused"


def test_leave_closes_the_visitor_row_on_the_out_lane(booth, site_a, walk_in_a, walk_out_a):
    # rule VI-01
    visit = Visit.objects.create(
        site=site_a,
        kind="visitor",
        name="赵六",
        purpose="送货",
        status="inside",
        host_text="物业办",
        registered_at=NOW - timedelta(hours=1),
        time_in=NOW - timedelta(hours=1),
        lane_in=walk_in_a,
    )
    listing = booth.get(reverse("booth:inside"), **HX).content.decode()
    assert "赵*" in listing and "物业办" in listing and "赵六" not in listing
    html = booth.post(reverse("booth:leave", args=[visit.pk]), **HX).content.decode()
    assert "来客离开" in html and "目前没有在场来客" in html
    visit.refresh_from_db()
    assert visit.status == "left" and visit.time_out == NOW and visit.lane_out == walk_out_a
    event = AccessEvent.objects.get()
    assert event.reason == "visitor.left" and event.lane == walk_out_a


# -- P-06 tours ----------------------------------------------------------------------------------


def test_tour_with_introduction_letter_is_admitted(booth, site_a):
    # rule P-06
    letter = _pass(site_a, "intro_letter", "JS-001", host_text="招商部")
    html = _flow(
        booth,
        "tour",
        {
            "name": "刘强",
            "purpose": "参观",
            "host_text": "招商部",
            "pass_number": "JS-001",
            "companions": "3",
        },
    ).content.decode()
    assert "decision-allow" in html and "已通知接待部门" in html
    visit = Visit.objects.get()
    assert visit.pass_ref == letter and visit.status == "inside" and visit.companions == 3
    assert AccessEvent.objects.get().reason == "tour.letter"


def test_tour_without_letter_waits_for_the_manager_call(booth, manager_a):
    # rule P-06
    html = _flow(booth, "tour", {"name": "刘强", "purpose": "参观", "host_text": "招商部"})
    assert "decision-pending" in html.content.decode()
    req = GateRequest.objects.get()
    assert req.kind == "approval" and req.reason == "tour.need_letter"
    services.request_answer(request=req, actor=manager_a, granted=True, via="manager", now=NOW)
    _resolve(booth, req)
    assert AccessEvent.objects.latest("pk").reason == "tour.manager_called"


def test_tour_with_unknown_letter_number_writes_nothing(booth):
    # rule P-06
    response = _flow(booth, "tour", {"name": "刘强", "purpose": "参观", "pass_number": "NOPE"})
    assert response.status_code == 422 and "证号" in response.content.decode()
    assert Visit.objects.count() == 0 and AccessEvent.objects.count() == 0


# -- P-07 elderly --------------------------------------------------------------------------------


def test_resident_elder_is_admitted_with_escort(booth, resident_a):
    # rule P-07
    found = booth.get(reverse("booth:pick_person"), {"q": "张伟", "pick": "resident"}, **HX)
    assert f'value="{resident_a.pk}"' in found.content.decode()
    html = _flow(booth, "elderly-resident", {"person": resident_a.pk}).content.decode()
    assert "decision-allow" in html and "安排护送" in html and "已通知巡逻岗" in html
    event = AccessEvent.objects.get()
    assert event.reason == "elderly.resident" and event.person == resident_a
    assert Notice.objects.filter(audience="patrol", kind="elderly.resident").count() == 1


def test_visiting_elder_whose_host_is_away_waits_at_the_office(booth, resident_a):
    # rule P-07
    html = _flow(
        booth,
        "elderly",
        {"name": "孙奶奶", "purpose": "探亲", "house_number": "3-2-1201", "host_home": "no"},
    ).content.decode()
    assert "decision-pending" in html and "请在值班室等候" in html
    req = GateRequest.objects.get()
    assert req.reason == "elderly.host_away" and req.host_home is False
    assert Visit.objects.get().kind == "elderly"


# -- P-08 salespeople ----------------------------------------------------------------------------


def test_salesperson_with_unverified_destination_is_refused(booth, resident_a):
    # rule P-08
    html = _flow(
        booth,
        "sales",
        {
            "name": "周七",
            "id_number": ID_WANG,
            "purpose": "推销",
            "house_number": "3-2-1201",
            "destination_verified": "no",
        },
    ).content.decode()
    assert "decision-refuse" in html
    assert AccessEvent.objects.get().reason == "sales.unverified"
    assert Visit.objects.get().status == "refused"
    assert GateRequest.objects.count() == 0


def test_salesperson_with_verified_destination_waits_for_consent(booth, resident_a):
    # rule P-08
    _flow(
        booth,
        "sales",
        {
            "name": "周七",
            "id_number": ID_WANG,
            "purpose": "推销",
            "house_number": "3-2-1201",
            "destination_verified": "yes",
        },
    )
    assert AccessEvent.objects.get().reason == "sales.await_consent"
    assert GateRequest.objects.get().kind == "host_consent"


# -- P-09 workers --------------------------------------------------------------------------------


def test_decoration_worker_with_pass_is_admitted(booth, site_a, house_a):
    # rule P-09
    worker_pass = _pass(site_a, "decoration", "ZX-7", house=house_a)
    html = _flow(
        booth,
        "decoration",
        {"name": "刘强", "purpose": "装修施工", "house_number": "3-2-1201", "pass_number": "ZX-7"},
    ).content.decode()
    assert "decision-allow" in html and "出门时检查携带物品" in html
    assert Visit.objects.get().pass_ref == worker_pass
    assert AccessEvent.objects.get().reason == "worker.pass"


def test_decoration_worker_without_pass_waits_for_the_desk(booth, resident_a, desk_a):
    # rule P-09
    _flow(booth, "decoration", {"name": "刘强", "purpose": "装修施工", "house_number": "3-2-1201"})
    req = GateRequest.objects.get()
    assert req.reason == "worker.await_owner" and req.kind == "verify"
    services.request_answer(request=req, actor=desk_a, granted=True, via="desk", now=NOW)
    html = _resolve(booth, req).content.decode()
    assert "带到服务中心办理出入证" in html
    assert AccessEvent.objects.latest("pk").reason == "worker.owner_confirmed"


def test_one_time_worker_waits_for_the_owner(booth, resident_a):
    # rule P-09
    _flow(booth, "one-time", {"name": "刘强", "purpose": "送货安装", "house_number": "3-2-1201"})
    assert AccessEvent.objects.get().reason == "worker.one_time_await"
    assert Visit.objects.get().kind == "one_time_worker"
    assert GateRequest.objects.get().kind == "host_consent"


# -- P-10 staff without badge --------------------------------------------------------------------


def test_staff_without_badge_waits_for_approval(booth, employee_a, manager_a):
    # rule P-10
    found = booth.get(reverse("booth:pick_person"), {"q": "1231", "pick": "staff"}, **HX)
    assert "陈*" in found.content.decode() and "陈静" not in found.content.decode()
    html = _flow(booth, "staff-badge", {"person": employee_a.pk}).content.decode()
    assert "decision-pending" in html and "需主管批准" in html
    req = GateRequest.objects.get()
    assert req.entrant == "staff_no_badge" and req.person == employee_a
    assert AccessEvent.objects.get().reason == "staff.await_approval"
    services.request_answer(request=req, actor=manager_a, granted=True, via="manager", now=NOW)
    assert "decision-allow" in _resolve(booth, req).content.decode()
    assert AccessEvent.objects.latest("pk").reason == "staff.approved"


def test_staff_pick_refuses_a_resident(booth, resident_a):
    # rule P-10
    response = _flow(booth, "staff-badge", {"person": resident_a.pk})
    assert response.status_code == 422
    assert AccessEvent.objects.count() == 0


# -- P-12 staff leaving mid-shift ----------------------------------------------------------------


def test_staff_exit_and_return(booth, clock, employee_a, walk_out_a, walk_in_a):
    # rule P-12
    response = booth.post(
        reverse("booth:staff_out"),
        {"person": employee_a.pk, "reason": "去银行", "approver": "王经理"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "已写入《上班中途进出员工登记表》" in html
    exit_ = StaffExit.objects.get()
    assert exit_.person == employee_a and exit_.reason == "去银行" and exit_.approver == "王经理"
    assert exit_.out_event.reason == "midshift.out" and exit_.out_event.lane == walk_out_a
    assert "陈*" in html and "返回" in html
    clock.shift(timedelta(minutes=40))
    html = booth.post(reverse("booth:staff_return", args=[exit_.pk]), **HX).content.decode()
    assert "没有外出未返回的员工" in html
    exit_.refresh_from_db()
    assert exit_.back_at == NOW + timedelta(minutes=40)
    assert exit_.back_event.reason == "midshift.back" and exit_.back_event.lane == walk_in_a


def test_staff_exit_without_approver_writes_nothing(booth, employee_a):
    # rule P-12
    response = booth.post(
        reverse("booth:staff_out"), {"person": employee_a.pk, "reason": "去银行"}, **HX
    )
    assert response.status_code == 422
    assert StaffExit.objects.count() == 0 and AccessEvent.objects.count() == 0


# -- VI-04 mail ----------------------------------------------------------------------------------


def test_mail_logged_recipient_notified_and_handed_out(booth, clock, resident_a, guard_a):
    # rule VI-04
    html = booth.post(
        reverse("booth:mail"),
        {
            "kind": "newspaper",
            "recipient_name": "张伟",
            "recipient_unit": "3-2-1201",
            "sender": "邮政",
            "count": "2",
        },
        **HX,
    ).content.decode()
    assert "已通知收件人（张*）" in html
    item = MailItem.objects.get()
    assert item.recipient == resident_a and item.notified_at == NOW and item.count == 2
    notice = Notice.objects.get(audience="person")
    assert notice.person == resident_a and notice.message == "您有2件报刊在门岗，请领取"
    clock.shift(timedelta(hours=3))
    html = booth.post(
        reverse("booth:mail_hand_out", args=[item.pk]), {"handed_to": "张伟"}, **HX
    ).content.decode()
    assert "已记录领取" in html
    item.refresh_from_db()
    assert item.handed_to == "张伟" and item.handed_at == NOW + timedelta(hours=3)
    notice.refresh_from_db()
    assert notice.acknowledged_at is not None


def test_mail_with_bad_count_writes_nothing(booth):
    # rule VI-04
    response = booth.post(
        reverse("booth:mail"), {"kind": "letter", "recipient_name": "张伟", "count": "0"}, **HX
    )
    assert response.status_code == 422 and MailItem.objects.count() == 0


# -- M-02 epidemic mode --------------------------------------------------------------------------


@pytest.fixture
def epidemic(site_a):
    site_a.mode = "epidemic"
    site_a.save(update_fields=["mode"])
    return site_a


def test_epidemic_form_asks_for_health_checks(booth, epidemic):
    # rule M-02
    html = booth.get(reverse("booth:flow", args=["visitor"]), **HX).content.decode()
    assert "体温" in html and "健康码" in html and "确属必要" in html
    response = _flow(
        booth,
        "visitor",
        {"name": "王五", "id_number": ID_WANG, "purpose": "送文件", "house_number": "3-2-1201"},
    )
    assert response.status_code == 422
    assert Visit.objects.count() == 0 and AccessEvent.objects.count() == 0


def test_epidemic_fever_is_refused_and_monitoring_told(booth, epidemic, resident_a):
    # rule M-02
    html = _flow(
        booth,
        "visitor",
        {
            "name": "王五",
            "id_number": ID_WANG,
            "purpose": "送文件",
            "house_number": "3-2-1201",
            "temperature": "38.1",
            "health_code": "green",
            "travel_code": "green",
            "necessary": "on",
        },
    ).content.decode()
    assert "decision-refuse" in html and "体温异常" in html
    visit = Visit.objects.get()
    assert str(visit.temperature) == "38.1" and visit.health_code == "green"
    assert visit.status == "refused"
    assert AccessEvent.objects.get().reason == "epidemic.fever"
    assert Notice.objects.filter(audience="monitoring", kind="epidemic.fever").exists()


def test_epidemic_normal_checks_lead_to_host_consent(booth, epidemic, resident_a):
    # rule M-02
    _flow(
        booth,
        "visitor",
        {
            "name": "王五",
            "id_number": ID_WANG,
            "purpose": "送文件",
            "house_number": "3-2-1201",
            "temperature": "36.5",
            "health_code": "green",
            "travel_code": "green",
            "necessary": "on",
        },
    )
    assert AccessEvent.objects.get().reason == "visitor.await_consent"
    assert Person.objects.filter(pk=resident_a.pk).exists()
