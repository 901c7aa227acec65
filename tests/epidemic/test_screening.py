"""Door-to-door screening (入户排查, seed T8) by the grid officer on their phone: who was met,
temperature, travel; abnormal findings need a follow-up and reach the grid's alerts (the grids
of SPEC M-04 decide whose houses an officer screens)."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import time_machine
from django.urls import reverse

from tests.conftest import NOW

FEVERISH = {
    "house_number": "3-2-1201",
    "met": "met",
    "persons_met": "2",
    "met_names": "张伟、李娜",
    "temperature": "37.8",
    "travel": "on",
    "travel_place": "广东省深圳市",
    "symptoms": "",
}


def _post(client, url, data, at=NOW):
    with time_machine.travel(at, tick=False):
        return client.post(url, data)


def test_an_abnormal_visit_needs_a_follow_up_and_alerts_the_grid(
    client, site_a, resident_a, officer_a, grids_a
):
    # rule M-04: the officer screens the houses of their grid; the finding reaches the grid
    from gatehouse.audit.models import AuditEntry
    from gatehouse.epidemic.models import EpidemicAlert, ScreeningVisit

    client.force_login(officer_a)
    page = client.get(reverse("epidemic:my_grid")).content.decode()
    assert reverse("epidemic:screening_new") in page
    response = _post(client, reverse("epidemic:screening_new"), FEVERISH)
    visit = ScreeningVisit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("epidemic:screening", args=[visit.pk])
    assert (visit.house.number, visit.officer, visit.grid) == (
        "3-2-1201",
        officer_a,
        grids_a["building"],
    )
    assert (visit.persons_met, str(visit.temperature), visit.follow_up) == (2, "37.8", "pending")
    assert visit.abnormal == "体温37.8℃；14天内到过广东省深圳市"
    alert = EpidemicAlert.objects.get()
    assert (alert.kind, alert.ref, alert.grid) == (
        "abnormal",
        f"screening:{visit.pk}",
        grids_a["building"],
    )
    assert alert.message.startswith("3-2-1201：入户排查发现异常")
    # still to follow up, on the officer's phone; then recorded once with who and when
    visit_url = reverse("epidemic:screening", args=[visit.pk])
    assert visit_url in client.get(reverse("epidemic:my_grid")).content.decode()
    later = NOW + timedelta(hours=2)
    url = reverse("epidemic:screening", args=[visit.pk])
    assert (
        _post(client, url, {"result": "已联系社区卫生服务中心上门采样"}, later).status_code == 302
    )
    assert visit_url not in client.get(reverse("epidemic:my_grid")).content.decode()
    visit.refresh_from_db()
    assert (visit.follow_up, visit.followed_up_by, visit.followed_up_at) == (
        "done",
        officer_a,
        later,
    )
    again = _post(client, url, {"result": "再次跟进"}, later)
    assert again.status_code == 422 and b'data-code="screening.followed_up"' in again.content
    assert AuditEntry.objects.filter(action="epidemic.screening_follow_up").count() == 1


def test_a_house_outside_the_officers_grid_is_refused_and_nothing_written(
    client, site_a, resident_a, officer_a, grids_a
):
    # rule M-04
    from gatehouse.epidemic.models import ScreeningVisit
    from gatehouse.sites.models import Building, House, Unit

    other = Building.objects.create(site=site_a, code="5", name="5栋")
    unit = Unit.objects.create(building=other, code="1")
    House.objects.create(site=site_a, unit=unit, number="5-1-101", room="101")
    client.force_login(officer_a)
    response = _post(
        client, reverse("epidemic:screening_new"), FEVERISH | {"house_number": "5-1-101"}
    )
    assert response.status_code == 422
    assert b'data-code="screening.not_your_grid"' in response.content
    bad = _post(client, reverse("epidemic:screening_new"), FEVERISH | {"temperature": ""})
    assert b'data-code="report.temperature_missing"' in bad.content
    assert not ScreeningVisit.objects.exists()


def test_nobody_at_home_is_visited_again_and_a_normal_visit_needs_nothing(
    client, site_a, resident_a, officer_a, grids_a
):
    # rule M-04
    from gatehouse.epidemic.models import EpidemicAlert, ScreeningVisit

    client.force_login(officer_a)
    _post(client, reverse("epidemic:screening_new"), {"house_number": "3-2-1201", "met": "nobody"})
    normal = FEVERISH | {"temperature": "36.4", "travel": "", "travel_place": ""}
    _post(client, reverse("epidemic:screening_new"), normal, NOW + timedelta(days=1))
    nobody, met = ScreeningVisit.objects.order_by("visited_at")
    assert (nobody.met, nobody.follow_up, nobody.temperature) == ("nobody", "pending", None)
    assert (met.follow_up, met.abnormal) == ("none", "")
    assert not EpidemicAlert.objects.exists()


def test_the_register_exports_masked_names_and_prints(
    client, site_a, resident_a, manager_a, officer_a, grids_a
):
    # rule M-04: the register of visits by building and house
    from openpyxl import load_workbook

    client.force_login(officer_a)
    _post(client, reverse("epidemic:screening_new"), FEVERISH)
    client.force_login(manager_a)
    url = reverse("epidemic:screenings")
    page = client.get(url).content.decode()
    assert "3-2-1201" in page and "待跟进" in page and "张*、李*" in page
    xlsx = client.get(url, {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1][:3] == ["排查时间", "楼栋", "房号"]
    assert rows[2][1:3] == ["3栋", "3-2-1201"]
    flat = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "张伟" not in flat and "张*" in flat
    pdf = client.get(url, {"print": "pdf"})
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
