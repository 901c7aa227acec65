"""Returnees (SPEC M-03): arrival with a negative test within 7 days, 14 days of home
monitoring, a test every 7 days, daily reports, alerts to the grid officer once per episode,
the gate keeping a monitored returnee in, and every case closed with who and why."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse

from gatehouse.core.errors import DomainError
from tests.conftest import CARD_ZHANG, NOW, SHANGHAI
from tests.epidemic.conftest import open_case

DAY = timedelta(days=1)


def _rows():
    from gatehouse.epidemic.models import ReturneeCase

    return ReturneeCase.objects.count()


def test_arrival_without_a_valid_test_is_refused_and_nothing_is_written(
    site_a, resident_a, manager_a, grids_a
):
    # rule M-03: no test, an old test, a positive one: not opened as cleared for home monitoring
    for kw, code in (
        ({"test_on": None, "test_result": None}, "epidemic.test_missing"),
        ({"test_on": NOW.date() - 7 * DAY}, "epidemic.test_stale"),
        ({"test_result": "positive"}, "epidemic.test_positive"),
    ):
        with pytest.raises(DomainError) as info:
            open_case(site_a, manager_a, **kw)
        assert info.value.code == code
    assert _rows() == 0


def test_arrival_opens_14_days_of_monitoring(site_a, resident_a, manager_a, grids_a):
    # rule M-03: the register row, with who registered it and until when
    from gatehouse.audit.models import AuditEntry

    case = open_case(site_a, manager_a)
    assert case.person == resident_a
    assert case.arrived_on == date(2026, 11, 24)
    assert case.monitor_until == datetime(2026, 12, 8, tzinfo=SHANGHAI)
    assert (case.opened_by, case.closed_at) == (manager_a, None)
    assert AuditEntry.objects.filter(action="epidemic.case_open").count() == 1
    with pytest.raises(DomainError) as info:
        open_case(site_a, manager_a)
    assert info.value.code == "epidemic.case_open"
    assert _rows() == 1


def test_a_monitored_returnee_is_refused_on_the_way_out(
    site_a, resident_a, card_a, walk_out_a, walk_in_a, manager_a, grids_a
):
    # rule M-03: the gate knows; the access event records the refusal, its rule and why
    from gatehouse.access.models import AccessEvent
    from gatehouse.gate.decide import gate_read

    open_case(site_a, manager_a)
    result = gate_read(lane=walk_out_a, kind="card", value=CARD_ZHANG, now=NOW)
    assert result.decision.outcome == "refuse"
    assert result.decision.reason == "epidemic.home_monitoring"
    event = AccessEvent.objects.get(pk=result.event.pk)
    assert (event.outcome, event.reason, event.rule, event.person) == (
        "refuse",
        "epidemic.home_monitoring",
        "M-03",
        resident_a,
    )
    assert "居家健康监测期间不得外出" in event.message
    assert "监测至12月7日" in event.message
    # coming home is not refused; once the 14 days are over, going out is not either
    assert gate_read(lane=walk_in_a, kind="card", value=CARD_ZHANG, now=NOW).decision.allowed
    later = datetime(2026, 12, 8, 0, 0, tzinfo=SHANGHAI)
    assert gate_read(lane=walk_out_a, kind="card", value=CARD_ZHANG, now=later).decision.allowed


def test_a_closed_case_no_longer_keeps_the_returnee_in(
    site_a, resident_a, card_a, walk_out_a, manager_a, grids_a
):
    # rule M-03
    from gatehouse.epidemic import services
    from gatehouse.gate.decide import gate_read

    case = open_case(site_a, manager_a)
    services.case_close(case=case, actor=manager_a, now=NOW, reason="left", note="")
    result = gate_read(lane=walk_out_a, kind="card", value=CARD_ZHANG, now=NOW + DAY)
    assert result.decision.allowed


def test_overdue_tests_and_missed_reports_alert_the_grid_officer_once(
    site_a, resident_a, manager_a, officer_a, grids_a
):
    # rule M-03: one alert per episode, to the grid officer's own notice
    from gatehouse.access.models import Notice
    from gatehouse.epidemic import services
    from gatehouse.epidemic.models import EpidemicAlert
    from gatehouse.notify.delivery import deliver_due

    case = open_case(site_a, manager_a, arrived=date(2026, 11, 16), at=NOW - 8 * DAY)
    services.report_submit(
        person=resident_a, actor=None, now=NOW - 7 * DAY, temperature="36.4"
    )  # day 2 reported, day 3 on missed
    raised = services.alerts_scan(site=site_a, now=NOW)
    assert sorted((a.kind, a.ref) for a in raised) == [
        ("report_missed", f"case:{case.pk}:report:20261118"),
        ("test_overdue", f"case:{case.pk}:test:1"),
    ]
    assert all(a.grid == grids_a["building"] for a in raised)
    assert services.alerts_scan(site=site_a, now=NOW + timedelta(hours=1)) == []
    deliver_due(now=NOW)
    notices = Notice.objects.filter(kind="epidemic.alert", person__user=officer_a)
    assert notices.count() == 2
    assert all("3-2-1201" in n.message and "张*" in n.message for n in notices)
    assert EpidemicAlert.objects.filter(handled_at__isnull=True).count() == 2


def test_a_positive_test_alerts_at_once_and_completion_needs_two_negatives(
    site_a, resident_a, manager_a, grids_a
):
    # rule M-03
    from gatehouse.epidemic import services

    case = open_case(site_a, manager_a, arrived=date(2026, 11, 10), at=NOW - 14 * DAY)
    services.case_test(
        case=case, actor=manager_a, now=NOW, taken_on=date(2026, 11, 16), result="negative"
    )
    end = datetime(2026, 11, 24, 0, 0, tzinfo=SHANGHAI)
    with pytest.raises(DomainError) as info:
        services.case_close(case=case, actor=manager_a, now=NOW, reason="completed")
    assert info.value.code == "epidemic.test_missing_at_close"
    services.case_test(
        case=case, actor=manager_a, now=NOW, taken_on=date(2026, 11, 23), result="negative"
    )
    closed = services.case_close(case=case, actor=manager_a, now=NOW, reason="completed")
    assert (closed.close_reason, closed.closed_by, closed.closed_at) == (
        "completed",
        manager_a,
        NOW,
    )
    assert closed.monitor_until == end


def test_a_returnees_daily_report_and_a_residents_self_report(
    site_a, resident_a, manager_a, grids_a
):
    from gatehouse.epidemic import services
    from gatehouse.epidemic.models import EpidemicAlert, HealthReport

    case = open_case(site_a, manager_a, arrived=date(2026, 11, 23), at=NOW - DAY)
    with pytest.raises(DomainError) as info:  # under monitoring the temperature is required
        services.report_submit(person=resident_a, actor=None, now=NOW, temperature="")
    assert info.value.code == "report.temperature_missing"
    report = services.report_submit(
        person=resident_a, actor=None, now=NOW, temperature="37.6", cough=True
    )
    assert (report.case, report.reported_on, report.abnormal) == (
        case,
        date(2026, 11, 24),
        "体温37.6℃、咳嗽",
    )
    alert = EpidemicAlert.objects.get()
    assert (alert.kind, alert.case, alert.report) == ("abnormal", case, report)
    assert HealthReport.objects.count() == 1


# -- pages ---------------------------------------------------------------------------------------


def test_registering_without_a_test_on_the_page_is_422_with_the_code(
    client, site_a, resident_a, manager_a, grids_a
):
    # rule M-03
    client.force_login(manager_a)
    data = {
        "house_number": "3-2-1201",
        "name": "张伟",
        "origin": "outside",
        "came_from": "上海",
        "arrived_on": "2026-11-24",
        "test_on": "",
        "test_result": "",
    }
    response = client.post(reverse("epidemic:case_new"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-code="epidemic.test_missing"' in html
    assert "7天内核酸检测阴性结果" in html
    assert _rows() == 0
    data |= {"test_on": "2026-11-22", "test_result": "negative"}
    response = client.post(reverse("epidemic:case_new"), data)
    assert response.status_code == 302
    assert _rows() == 1


def test_the_register_exports_and_prints(client, site_a, resident_a, manager_a, grids_a):
    # rule M-03
    open_case(site_a, manager_a)
    client.force_login(manager_a)
    page = client.get(reverse("epidemic:cases"))
    assert page.status_code == 200
    assert "张伟" in page.content.decode() and "居家监测中" in page.content.decode()
    xlsx = client.get(reverse("epidemic:cases") + "?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(reverse("epidemic:cases") + "?print=pdf")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_grid_officer_sees_only_the_cases_of_their_grids(
    client, site_a, resident_a, manager_a, officer_a, grids_a
):
    from tests.conftest import _user

    case = open_case(site_a, manager_a)
    client.force_login(officer_a)
    mine = client.get(reverse("epidemic:my_grid"))
    assert mine.status_code == 200
    assert "3-2-1201" in mine.content.decode()
    assert client.get(reverse("epidemic:case", args=[case.pk])).status_code == 200
    other = _user("li_officer", site=site_a, role="grid_officer")
    client.force_login(other)
    assert client.get(reverse("epidemic:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("epidemic:grids")).status_code == 403


def test_closing_on_the_page_records_who_and_why(
    client, site_a, resident_a, manager_a, officer_a, grids_a
):
    # rule M-03
    case = open_case(site_a, manager_a)
    client.force_login(officer_a)
    url = reverse("epidemic:case_close", args=[case.pk])
    early = client.post(url, {"reason": "completed", "note": ""})
    assert early.status_code == 422
    assert 'data-code="epidemic.not_finished"' in early.content.decode()
    case.refresh_from_db()
    assert case.closed_at is None
    done = client.post(url, {"reason": "transferred", "note": "转运至集中隔离点"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.close_reason, case.close_note, case.closed_by) == (
        "transferred",
        "转运至集中隔离点",
        officer_a,
    )


def test_resident_self_report_reaches_the_grid_officer(
    client, site_a, resident_user_a, officer_a, grids_a
):
    from gatehouse.epidemic.models import EpidemicAlert, HealthReport

    client.force_login(resident_user_a)
    assert client.get(reverse("epidemic:my_health")).status_code == 200
    bad = client.post(reverse("epidemic:my_health"), {"temperature": "99"})
    assert bad.status_code == 422
    assert 'data-code="report.temperature"' in bad.content.decode()
    sent = client.post(
        reverse("epidemic:my_health"), {"travel": "on", "travel_place": "西安市雁塔区"}
    )
    assert sent.status_code == 302
    report = HealthReport.objects.get()
    assert (report.case, report.abnormal) == (None, "14天内到过西安市雁塔区")
    alert = EpidemicAlert.objects.get()
    assert alert.grid == grids_a["building"] and alert.report == report


def test_the_check_command_raises_each_episode_once(site_a, resident_a, manager_a, grids_a):
    # rule M-03: the periodic check run from cron
    from io import StringIO

    from django.core.management import call_command

    from gatehouse.epidemic.models import EpidemicAlert

    open_case(site_a, manager_a, arrived=date(2026, 11, 16), at=NOW - 8 * DAY)
    out = StringIO()
    call_command("check_epidemic", stdout=out)
    assert EpidemicAlert.objects.filter(kind="test_overdue").count() == 1
    first = EpidemicAlert.objects.count()
    assert first >= 2 and f"{first} 条新提醒" in out.getvalue()
    call_command("check_epidemic", stdout=out)
    assert EpidemicAlert.objects.count() == first
