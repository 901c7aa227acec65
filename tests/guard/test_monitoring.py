"""Part 3 of issue 5: anomalies (S-05), the monitoring centre and its dispatches (S-06), the
emergency chain (S-13), and the cron command that escalates."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gatehouse.access.models import Notice
from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.guard.incidents.selectors import anomaly_row, emergency_chain
from gatehouse.guard.incidents.services import (
    anomaly_acknowledge,
    anomaly_archive,
    anomaly_close,
    anomaly_report,
    dispatch_acknowledge,
    dispatch_close,
    dispatch_create,
    emergencies_advance,
    emergency_acknowledge,
    emergency_activate,
)
from gatehouse.guard.models import Anomaly, Dispatch, EmergencyPlan, EmergencyStep
from gatehouse.guard.roster.services import leader_duty_add
from gatehouse.sites.models import Site
from tests.conftest import _user

from .conftest import JPEG, at

pytestmark = pytest.mark.django_db


def report(site, who, kind="fight", when=None, **kw):
    return anomaly_report(
        site=site,
        actor=who,
        kind=kind,
        place=kw.pop("place", "3栋楼下"),
        description=kw.pop("description", "两人争执推搡"),
        now=when or at(21),
        **kw,
    )


# == S-05 ========================================================================================


def test_s05_a_fight_is_recorded_alerted_and_its_clip_must_be_archived(
    site_a, patrol_a, monitor_a, media
):
    # rule S-05: the register row, the monitoring alert at once, the video to archive
    photo = SimpleUploadedFile("打架.jpg", JPEG, content_type="image/jpeg")
    result = report(site_a, patrol_a, camera="3栋-02", photos=[photo])
    a = result.anomaly
    assert (a.kind, a.severity, a.archive_required) == ("fight", "high", True)
    assert [d.duty.value for d in result.obligations] == ["register", "escalate", "archive_video"]
    alert = Notice.objects.get(kind="anomaly.reported")
    assert (
        alert.audience == "monitoring"
        and alert.message == "异常情况 打架斗殴：3栋楼下，两人争执推搡"
    )
    assert a.photos.count() == 1
    client = Client()
    client.force_login(monitor_a)
    shown = client.get(reverse("guard:photo", args=[a.photos.get().pk]))
    assert shown["Content-Type"] == "image/jpeg" and b"".join(shown.streaming_content) == JPEG
    client.force_login(
        _user("guard_b2", site=Site.objects.create(code="x", name="X"), role="monitoring")
    )
    assert client.get(reverse("guard:photo", args=[a.photos.get().pk])).status_code == 404
    row = anomaly_row(a)
    assert row.cells[1:4] == ("打架斗殴", "紧急", "3栋楼下") and row.cells[8] == "待存档"

    with pytest.raises(DomainError) as exc:
        anomaly_close(anomaly=a, actor=monitor_a, resolution="已劝离", now=at(21, 30))
    assert exc.value.code == "anomaly.archive_first"
    anomaly_archive(
        anomaly=a,
        actor=monitor_a,
        label="U盘A-20261124-01",
        camera="3栋-02",
        clip_from=at(20, 55),
        clip_until=at(21, 10),
        now=at(21, 20),
    )
    closed = anomaly_close(anomaly=a, actor=monitor_a, resolution="已劝离", now=at(21, 30))
    assert closed.closed_at == at(21, 30) and closed.acknowledged_by == monitor_a
    assert anomaly_row(closed).cells[8] == "3栋-02 20:55–21:10（U盘A-20261124-01）"
    assert AuditEntry.objects.filter(action__startswith="guard.anomaly.").count() == 3


def test_s05_s06_a_suspicious_person_goes_to_the_patrol_and_a_fault_to_maintenance(
    site_a, monitor_a
):
    # rule S-06: 可疑人员 → the patrol checks; rule S-05: 设备故障 → 电工 (T2 18)
    report(site_a, monitor_a, kind="suspicious_person", description="陌生人徘徊")
    report(site_a, monitor_a, kind="equipment_fault", description="摄像头黑屏")
    assert set(Notice.objects.values_list("audience", "kind")) == {
        ("monitoring", "anomaly.reported"),
        ("patrol", "anomaly.patrol"),
        ("desk", "anomaly.maintenance"),
    }
    assert not Anomaly.objects.filter(archive_required=True).exists()


def test_s05_bad_input_changes_nothing(site_a, monitor_a):
    for kw, code in (
        ({"kind": "alien"}, "anomaly.kind"),
        ({"place": " "}, "anomaly.text"),
        ({"clip_from": at(21), "clip_until": at(20)}, "time.order"),
    ):
        with pytest.raises(InvalidInput) as exc:
            report(site_a, monitor_a, **kw)
        assert exc.value.code == code
    assert not Anomaly.objects.exists() and not Notice.objects.exists()


def test_s05_escalation_to_the_leadership_when_nobody_acknowledges(
    site_a, patrol_a, monitor_a, manager_a
):
    # rule S-05: a fight (high) waits 5 minutes by default; a site may set its own minutes
    from gatehouse.guard.models import GuardSettings

    GuardSettings.objects.create(site=site_a, ack_high_minutes=3)
    leader_duty_add(
        site=site_a, actor=manager_a, leader_name="王经理", start=at(20), end=at(23), now=at(20)
    )
    fight = report(site_a, patrol_a).anomaly
    theft = report(site_a, patrol_a, kind="theft").anomaly
    anomaly_acknowledge(anomaly=theft, actor=monitor_a, now=at(21, 1))
    out = io.StringIO()
    call_command("escalate_anomalies", "--at", at(21, 2).isoformat(), stdout=out)
    assert "escalated 0" in out.getvalue()
    call_command("escalate_anomalies", "--at", at(21, 3).isoformat(), stdout=out)
    call_command("escalate_anomalies", "--at", at(21, 9).isoformat(), stdout=out)  # idempotent
    fight.refresh_from_db()
    theft.refresh_from_db()
    assert fight.escalated_at == at(21, 3) and fight.escalated_to == "王经理、manager_a"
    assert theft.escalated_at is None
    (alert,) = Notice.objects.filter(kind="anomaly.escalated")
    assert alert.message == "异常情况超过3分钟无人确认，已上报王经理、manager_a：打架斗殴 3栋楼下"
    with pytest.raises(DomainError) as exc:
        anomaly_acknowledge(anomaly=theft, actor=monitor_a, now=at(21, 5))
    assert exc.value.code == "anomaly.acknowledged"


# == S-06: dispatch and the board ================================================================


def test_s06_a_dispatch_is_acknowledged_and_closed(site_a, monitor_a, patrol_a):
    # rule S-06
    d = dispatch_create(
        site=site_a, actor=monitor_a, place="5栋电梯", task="查看装修垃圾", now=at(10)
    )
    assert Notice.objects.get(kind="dispatch").audience == "patrol"
    with pytest.raises(DomainError) as exc:
        dispatch_close(dispatch=d, actor=patrol_a, result="已清理", now=at(10, 5))
    assert exc.value.code == "dispatch.not_acknowledged"
    dispatch_acknowledge(dispatch=d, actor=patrol_a, now=at(10, 1))
    done = dispatch_close(dispatch=d, actor=patrol_a, result="已通知清理", now=at(10, 20))
    assert (done.acknowledged_by, done.closed_by, done.result) == (patrol_a, patrol_a, "已通知清理")


def test_the_board_shows_events_anomalies_patrols_dispatches_and_alerts(
    client, site_a, monitor_a, patrol_a, guard_a, resident_user_a, walk_in_a, route, checkpoints
):
    from tests.registers.conftest import admit_visitor

    admit_visitor(guard=guard_a, host_user=resident_user_a, lane=walk_in_a)
    report(site_a, patrol_a, kind="suspicious_person", description="陌生人徘徊")
    dispatch_create(site=site_a, actor=monitor_a, place="东门", task="核实", now=at(9))
    client.force_login(guard_a)
    assert client.get(reverse("guard:board")).status_code == 403
    client.force_login(monitor_a)
    page = client.get(reverse("guard:board")).content.decode()
    assert 'hx-trigger="every 5s"' in page
    live = client.get(reverse("guard:board"), HTTP_HX_REQUEST="true")
    html = live.content.decode()
    assert "<html" not in html
    for text in ("被访人已同意，放行", "可疑人员", "夜间巡更", "东门：核实", "异常情况 可疑人员"):
        assert text in html, text
    alert = Notice.objects.get(kind="anomaly.reported")
    response = client.post(reverse("guard:board_ack", args=[alert.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "异常情况 可疑人员" not in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == monitor_a


def test_the_dispatch_page_and_tenancy(client, site_a, monitor_a, manager_b):
    client.force_login(monitor_a)
    response = client.post(reverse("guard:dispatch"), {"place": "", "task": "看看"})
    assert response.status_code == 422 and not Dispatch.objects.exists()
    assert (
        client.post(reverse("guard:dispatch"), {"place": "北门", "task": "看看"}).status_code == 302
    )
    d = Dispatch.objects.get()
    client.force_login(manager_b)
    assert client.post(reverse("guard:dispatch_ack", args=[d.pk])).status_code == 404


def test_the_anomaly_pages(client, site_a, monitor_a, patrol_a, manager_b, media):
    client.force_login(patrol_a)
    assert client.get(reverse("guard:anomalies")).status_code == 403
    response = client.post(
        reverse("guard:report"),
        {
            "kind": "fire",
            "place": "食堂",
            "description": "油锅起火已扑灭",
            "photos": SimpleUploadedFile("fire.png", b"not a png", content_type="image/png"),
        },
    )
    assert response.status_code == 422 and "照片内容与格式不符" in response.content.decode()
    assert not Anomaly.objects.exists()
    assert (
        client.post(
            reverse("guard:report"),
            {"kind": "fire", "place": "食堂", "description": "油锅起火已扑灭"},
        ).status_code
        == 302
    )
    a = Anomaly.objects.get()
    client.force_login(monitor_a)
    assert "须另存录像" not in client.get(reverse("guard:anomalies")).content.decode()
    html = client.get(reverse("guard:anomaly", args=[a.pk])).content.decode()
    assert "录像另存并做好标记" in html
    client.post(reverse("guard:anomaly", args=[a.pk]), {"action": "ack"})
    a.refresh_from_db()
    assert a.acknowledged_by == monitor_a
    export = client.get(reverse("guard:anomalies") + "?export=xlsx")
    assert export.status_code == 200
    client.force_login(manager_b)
    assert client.get(reverse("guard:anomaly", args=[a.pk])).status_code == 404


# == S-13: the emergency chain ===================================================================


@pytest.fixture
def plan(site_a):
    p = EmergencyPlan.objects.create(site=site_a, name="火灾应急预案")
    for i, (who, minutes) in enumerate((("值班经理", 3), ("项目经理", 5), ("公司领导", 10))):
        EmergencyStep.objects.create(plan=p, order=i, who=who, minutes=minutes)
    return p


def test_s13_the_chain_is_called_in_order_and_each_acknowledgement_recorded(
    site_a, monitor_a, plan
):
    # rule S-13: 第一时间启动应急预案，逐级报告
    e = emergency_activate(plan=plan, actor=monitor_a, summary="食堂起火", now=at(12))
    calls = Notice.objects.filter(kind="emergency.call").order_by("pk")
    assert [n.message for n in calls] == [
        "应急预案“火灾应急预案”已启动：立即报告值班经理，12:03前须确认"
    ]
    state = emergency_acknowledge(emergency=e, who="值班经理", actor=monitor_a, now=at(12, 2))
    assert [c.state.value for c in state.calls] == ["acknowledged", "calling", "waiting"]
    assert state.calling == "项目经理" and calls.all().count() == 2
    # nobody answers for the project manager: after 5 minutes the next step is called (cron)
    assert emergencies_advance(site=site_a, now=at(12, 6)) == 0
    assert emergencies_advance(site=site_a, now=at(12, 7)) == 1
    assert emergencies_advance(site=site_a, now=at(12, 8)) == 0
    chain = emergency_chain(e, at(12, 8))
    assert chain.failed == ("项目经理",) and chain.calling == "公司领导"
    with pytest.raises(DomainError) as exc:
        emergency_acknowledge(emergency=e, who="值班经理", actor=monitor_a, now=at(12, 9))
    assert exc.value.code == "emergency.acknowledged"
    with pytest.raises(DomainError) as exc:
        emergency_acknowledge(emergency=e, who="路人", actor=monitor_a, now=at(12, 9))
    assert exc.value.code == "emergency.who"
    assert e.acks.count() == 1


def test_the_emergency_page(client, site_a, monitor_a, plan):
    client.force_login(monitor_a)
    url = reverse("guard:emergency")
    assert client.post(url, {"plan": plan.pk, "summary": ""}).status_code == 422
    assert client.post(url, {"plan": plan.pk, "summary": "食堂起火"}).status_code == 302
    html = client.get(url).content.decode()
    assert "正在通知" in html and "值班经理" in html
