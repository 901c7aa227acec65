"""The shift's slips and their retention (G-05): hand-offs to the squad leader and to customer
service with the gaps the core finds, and the two-year purge job ``manage.py purge_goods``."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.goods import GapKind
from gatehouse.goods import services
from gatehouse.goods.models import GoodsAnomaly, GoodsRelease, ReleaseSlip, SlipHandoff
from tests.conftest import NOW, SHANGHAI
from tests.goods.conftest import items, make_slip

pytestmark = pytest.mark.django_db
SHIFT_END = datetime(2026, 11, 24, 20, 0, tzinfo=SHANGHAI)  # shift changes 08:00 and 20:00


def release(slip, guard, at=NOW):
    return services.goods_out_check(site=slip.site, guard=guard, now=at, goods=items(), slip=slip)


@pytest.fixture
def two_used(site_a, desk_a, guard_a, house_a):
    """Two slips used by guard_a in the day shift that ends at 20:00."""
    first, second = make_slip(site_a, desk_a), make_slip(site_a, desk_a)
    release(first, guard_a)
    release(second, guard_a, NOW + timedelta(hours=2))
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def test_g05_used_slips_are_grouped_by_guard_and_shift(site_a, two_used):
    # rule G-05
    [report] = services.collection_report(site_a, now=NOW + timedelta(hours=3))
    assert (report.guard, report.shift_end, [s.number for s in report.slips]) == (
        "guard_a",
        SHIFT_END,
        ["FX-2026-0001", "FX-2026-0002"],
    )
    assert report.gaps == ()  # nothing is due before the end of the shift


def test_g05_slips_not_handed_in_by_the_end_of_the_shift_are_gaps(site_a, two_used):
    # rule G-05
    [report] = services.collection_report(site_a, now=SHIFT_END + timedelta(minutes=1))
    assert [(g.slip, g.kind, g.responsible) for g in report.gaps] == [
        ("FX-2026-0001", GapKind.NOT_COLLECTED, "guard_a"),
        ("FX-2026-0002", GapKind.NOT_COLLECTED, "guard_a"),
    ]


def test_g05_handed_to_the_squad_leader_then_to_customer_service(site_a, guard_a, desk_a, two_used):
    # rule G-05
    first, second = two_used
    at = SHIFT_END - timedelta(minutes=10)
    made = services.slips_hand_to_leader(
        site=site_a, actor=guard_a, slips=[first, second], squad_leader="李队", now=at
    )
    assert [(h.stage, h.handed_by, h.received_by, h.at) for h in made] == [
        ("to_squad_leader", "guard_a", "李队", at),
        ("to_squad_leader", "guard_a", "李队", at),
    ]
    next_morning = SHIFT_END + timedelta(hours=13)
    services.slips_hand_to_service(site=site_a, actor=desk_a, slips=[first], now=next_morning)
    [report] = services.collection_report(site_a, now=SHIFT_END + timedelta(hours=25))
    assert report.squad_leader == "李队"
    assert [(g.slip, g.kind, g.responsible) for g in report.gaps] == [
        ("FX-2026-0002", GapKind.NOT_HANDED_ON, "李队"),
    ]
    handed = SlipHandoff.objects.get(slip=first, stage="to_service")
    assert (handed.handed_by, handed.received_by) == ("李队", "desk_a")
    assert AuditEntry.objects.filter(action="goods.slip.to_service").count() == 1


def test_g05_a_late_hand_in_is_reported(site_a, guard_a, two_used):
    # rule G-05
    services.slips_hand_to_leader(
        site=site_a,
        actor=guard_a,
        slips=list(two_used),
        squad_leader="李队",
        now=SHIFT_END + timedelta(minutes=30),
    )
    [report] = services.collection_report(site_a, now=SHIFT_END + timedelta(hours=1))
    assert {g.kind for g in report.gaps} == {GapKind.COLLECTED_LATE}


def test_g05_the_hand_on_deadline_is_configuration(site_a, guard_a, manager_a, two_used):
    # rule G-05
    services.settings_update(
        site=site_a,
        actor=manager_a,
        now=NOW,
        service_opens=time(8),
        service_closes=time(18),
        service_weekdays=range(7),
        shift_changes=[time(8), time(20)],
        squad_leader="李队",
        hand_on_hours=2,
    )
    services.slips_hand_to_leader(
        site=site_a, actor=guard_a, slips=list(two_used), squad_leader="", now=SHIFT_END
    )
    [report] = services.collection_report(site_a, now=SHIFT_END + timedelta(hours=3))
    assert [(g.kind, g.responsible, g.due) for g in report.gaps] == [
        (GapKind.NOT_HANDED_ON, "李队", SHIFT_END + timedelta(hours=2)),
    ] * 2


def test_g05_hand_off_mistakes_are_refused(site_a, guard_a, desk_a, house_a, two_used):
    first, _second = two_used
    unused = make_slip(site_a, desk_a)
    with pytest.raises(DomainError) as err:
        services.slips_hand_to_leader(
            site=site_a, actor=guard_a, slips=[unused], squad_leader="李队", now=NOW
        )
    assert err.value.code == "slip.not_used"
    with pytest.raises(DomainError) as err:
        services.slips_hand_to_service(site=site_a, actor=desk_a, slips=[first], now=NOW)
    assert err.value.code == "slip.not_collected"
    with pytest.raises(InvalidInput) as err:
        services.slips_hand_to_leader(
            site=site_a, actor=guard_a, slips=[first], squad_leader="", now=NOW
        )
    assert err.value.code == "goods.squad_leader"
    services.slips_hand_to_leader(
        site=site_a, actor=guard_a, slips=[first], squad_leader="李队", now=NOW
    )
    with pytest.raises(DomainError) as err:
        services.slips_hand_to_leader(
            site=site_a, actor=guard_a, slips=[first], squad_leader="李队", now=NOW
        )
    assert err.value.code == "slip.handed"
    assert SlipHandoff.objects.count() == 1


def test_g05_the_collection_page_records_both_hand_offs(client, guard_a, desk_a, two_used):
    # rule G-05
    first, second = two_used
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        client.force_login(guard_a)
        page = client.get(reverse("goods:collection")).content.decode()
        assert first.number in page and "登记交中队长" in page
        response = client.post(
            reverse("goods:hand_to_leader"),
            {"slips": [str(first.pk), str(second.pk)], "squad_leader": "李队"},
        )
        assert response.status_code == 302
        assert (
            client.post(reverse("goods:hand_to_service"), {"slips": [str(first.pk)]}).status_code
            == 403
        )
        client.force_login(desk_a)
        response = client.post(reverse("goods:hand_to_service"), {"slips": [str(first.pk)]})
        assert response.status_code == 302
        empty = client.post(reverse("goods:hand_to_service"), {})
        assert empty.status_code == 422
    assert sorted(SlipHandoff.objects.values_list("slip__number", "stage")) == [
        ("FX-2026-0001", "to_service"),
        ("FX-2026-0001", "to_squad_leader"),
        ("FX-2026-0002", "to_squad_leader"),
    ]


# -- retention: two years, then purged -------------------------------------------------------------


def test_g05_a_slip_is_kept_two_years_and_purged_the_day_after(site_a, desk_a, guard_a, house_a):
    # rule G-05
    written = datetime(2024, 3, 10, 10, 0, tzinfo=SHANGHAI)
    slip = make_slip(site_a, desk_a, at=written)
    held = services.goods_out_check(
        site=site_a, guard=guard_a, now=written, goods=items([("冰箱", 1, "台")]), slip=slip
    ).release
    services.hold_resolve(
        release=held, actor=desk_a, release_goods=True, resolution="核实放行", now=written
    )
    services.slips_hand_to_leader(
        site=site_a, actor=guard_a, slips=[slip], squad_leader="李队", now=written
    )
    recent = make_slip(site_a, desk_a, at=datetime(2025, 6, 1, 9, 0, tzinfo=SHANGHAI))
    # one day short of two years, and the anniversary itself: kept
    for today in (date(2026, 3, 9), date(2026, 3, 10)):
        result = services.goods_purge(today=today, now=NOW)
        assert (result.slips, result.releases) == (0, 0)
        assert ReleaseSlip.objects.filter(pk=slip.pk).exists()
    # the day after: purged, with its items and hand-offs; the anomaly keeps its text
    out = io.StringIO()
    call_command("purge_goods", day="2026-03-11", stdout=out)
    assert "1 张放行条" in out.getvalue() and "1 条物品放行登记" in out.getvalue()
    assert list(ReleaseSlip.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not GoodsRelease.objects.exists() and not SlipHandoff.objects.exists()
    anomaly = GoodsAnomaly.objects.get()
    assert anomaly.release is None and "冰箱" in anomaly.message
    entry = AuditEntry.objects.get(action="goods.purge")
    assert (entry.site, entry.after) == (
        site_a,
        {"cutoff": "2024-03-10", "slips": 1, "releases": 1},
    )
    # idempotent
    call_command("purge_goods", day="2026-03-11", stdout=io.StringIO())
    assert AuditEntry.objects.filter(action="goods.purge").count() == 1


def test_g05_a_leap_day_slip_is_purged_on_1_march(site_a, desk_a, house_a):
    # rule G-05: kept to 28 Feb two years on, purged from 1 March
    make_slip(site_a, desk_a, at=datetime(2024, 2, 29, 9, 0, tzinfo=SHANGHAI))
    assert services.goods_purge(today=date(2026, 2, 28), now=NOW).slips == 0
    assert services.goods_purge(today=date(2026, 3, 1), now=NOW).slips == 1


def test_purge_goods_refuses_a_bad_date(db):
    with pytest.raises(CommandError):
        call_command("purge_goods", day="2026-02-30")
