"""Guards living on campus (seed T3 row 9: 保安人员的食宿安排和监督管理): the security company's
guards' beds, their meals and the school's supervision checks — each a register with xlsx and
A4; a bed is not given twice, a finding needs a deadline, an open one past it is flagged."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse

from tests.conftest import NOW

DAY = timedelta(days=1)
TODAY = NOW.date()


def test_a_bed_is_given_once_and_freed_when_the_guard_moves_out(school, school_manager):
    from gatehouse.audit.models import AuditEntry
    from gatehouse.campus import services
    from gatehouse.campus.models import GuardLodging
    from gatehouse.core.errors import InvalidInput

    bed = {"site": school, "actor": school_manager, "room": "保安宿舍101", "bed": "1", "now": NOW}
    first = services.lodging_record(guard="王建军", start=TODAY - 60 * DAY, **bed)
    with pytest.raises(InvalidInput) as exc:
        services.lodging_record(guard="李志强", start=TODAY, **bed)
    assert exc.value.code == "lodging.bed_taken" and exc.value.details["field"] == "bed"
    assert GuardLodging.objects.count() == 1
    services.lodging_end(stay=first, actor=school_manager, end=TODAY - DAY, now=NOW)
    second = services.lodging_record(guard="李志强", start=TODAY, **bed)
    assert second.end is None
    assert AuditEntry.objects.filter(action__startswith="guard_lodging.").count() == 3


def test_meals_once_per_meal_and_checks_with_deadlines(school, school_manager):
    from gatehouse.campus import services
    from gatehouse.campus.registers import checks
    from gatehouse.core.errors import InvalidInput

    meal = {"site": school, "actor": school_manager, "day": TODAY, "meal": "lunch", "now": NOW}
    services.meal_record(diners=2, served_by="陈师傅", guards="王建军、李志强", **meal)
    with pytest.raises(InvalidInput) as exc:
        services.meal_record(diners=2, served_by="陈师傅", **meal)
    assert exc.value.code == "guard_meal.exists"
    base = {"site": school, "actor": school_manager, "inspector": "周主任", "now": NOW}
    with pytest.raises(InvalidInput) as exc:
        services.check_record(checked_on=TODAY, area="lodging", findings="私拉电线", **base)
    assert exc.value.code == "guard_check.deadline"
    clean = services.check_record(checked_on=TODAY - 5 * DAY, area="meals", **base)
    assert clean.closed_on == clean.checked_on  # nothing found: closed at once
    late = services.check_record(
        checked_on=TODAY - 5 * DAY,
        area="post",
        findings="岗亭内玩手机",
        deadline=TODAY - DAY,
        **base,
    )
    assert [overdue for c, overdue in checks(school, NOW) if c.pk == late.pk] == [True]
    services.check_close(check=late, actor=school_manager, closed_on=TODAY, note="已教育", now=NOW)
    assert [overdue for c, overdue in checks(school, NOW) if c.pk == late.pk] == [False]
    with pytest.raises(InvalidInput) as exc:
        services.check_close(check=late, actor=school_manager, closed_on=TODAY, note="x", now=NOW)
    assert exc.value.code == "guard_check.closed"


def _post(client, url, data):
    with time_machine.travel(NOW, tick=False):
        return client.post(url, data)


def test_the_pages_and_registers(client, school, school_manager):
    from openpyxl import load_workbook

    from gatehouse.campus.models import GuardCheck, GuardLodging

    client.force_login(school_manager)
    assert client.get(reverse("campus:guards")).status_code == 200
    lodging = {"guard": "王建军", "room": "101", "bed": "1", "start": "2026-10-01"}
    assert _post(client, reverse("campus:guard_lodging_new"), lodging).status_code == 302
    refused = _post(client, reverse("campus:guard_lodging_new"), {**lodging, "guard": "李志强"})
    assert (
        refused.status_code == 422 and 'data-code="lodging.bed_taken"' in refused.content.decode()
    )
    assert GuardLodging.objects.count() == 1
    stay = GuardLodging.objects.get()
    page = reverse("campus:guard_lodging", args=[stay.pk])
    assert _post(client, page, {"end": "2026-11-20"}).status_code == 302
    meal = {"day": "2026-11-24", "meal": "lunch", "diners": "2", "served_by": "陈师傅"}
    assert _post(client, reverse("campus:guard_meal_new"), meal).status_code == 302
    check = {
        "checked_on": "2026-11-20",
        "area": "lodging",
        "inspector": "周主任",
        "findings": "床铺杂乱",
        "deadline": "2026-11-22",
    }
    assert _post(client, reverse("campus:guard_check_new"), check).status_code == 302
    with time_machine.travel(NOW, tick=False):
        body = client.get(reverse("campus:guard_checks")).content.decode()
    assert "逾期未整改" in body and "row-overdue" in body
    found = GuardCheck.objects.get()
    closing = {"closed_on": "2026-11-24", "note": "已整理"}
    assert _post(client, reverse("campus:guard_check", args=[found.pk]), closing).status_code == 302
    for name in ("campus:guard_lodgings", "campus:guard_meals", "campus:guard_checks"):
        sheet = load_workbook(
            BytesIO(b"".join(client.get(reverse(name), {"export": "xlsx"}).streaming_content))
        ).active
        cells = [c for r in sheet.iter_rows(values_only=True) for c in r if c]
        assert any(v in cells for v in ("王建军", "陈师傅", "周主任")), name
        pdf = client.get(reverse(name), {"print": "pdf"})
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
