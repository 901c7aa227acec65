"""The epidemic part of the demo: 东湖花园's grids with their officers and checklist, returnees
at different stages (one completed, one transferred, alerts raised for a missed report and an
overdue test); a second run adds nothing."""

from __future__ import annotations

from gatehouse.demo.epidemic import load_epidemic_demo
from tests.conftest import NOW


def test_the_demo_grids_and_cases(site_a, house_a, desk_a, manager_a):
    from gatehouse.epidemic.models import EpidemicAlert, Grid, GridBuilding, ReturneeCase
    from gatehouse.people import services as people
    from gatehouse.sites.models import Building, House, Unit

    desk_a.username = "desk"
    desk_a.save()
    four = Building.objects.create(site=site_a, code="4", name="4栋")
    unit = Unit.objects.create(building=four, code="1")
    for n in range(1, 7):
        house = House.objects.create(site=site_a, unit=unit, number=f"4-1-{n}01", room=f"{n}01")
        person = people.person_create(
            site=site_a, actor=manager_a, name=f"住户{n}", kind="owner", now=NOW
        )
        people.house_link(person=person, house=house, relation="owner", actor=manager_a)
    made = load_epidemic_demo(now=NOW)
    assert made["donghu"] > 0
    assert load_epidemic_demo(now=NOW) == {}
    assert Grid.objects.filter(level="building").count() == 3
    grid = Grid.objects.get(name="3-4栋网格")
    assert grid.officer.username == "grid" and grid.parent.name == "东湖社区"
    assert set(GridBuilding.objects.filter(grid=grid).values_list("building__code", flat=True)) == {
        "3",
        "4",
    }
    cases = ReturneeCase.objects.all()
    assert cases.count() == 5
    assert not cases.filter(house=house_a).exists()
    assert sorted(cases.exclude(close_reason="").values_list("close_reason", flat=True)) == [
        "completed",
        "transferred",
    ]
    kinds = set(EpidemicAlert.objects.values_list("kind", flat=True))
    assert {"report_missed", "test_overdue", "abnormal"} <= kinds


def test_the_demo_outing_limit_screenings_and_ledgers(site_a, house_a, desk_a, manager_a):
    # rule M-02 (the outing limit), M-04 (王芳 screens her grid's houses)
    from gatehouse.epidemic.models import (
        Disinfection,
        OutingRule,
        ScreeningVisit,
        SupplyIssue,
        WasteCollection,
    )
    from gatehouse.people import services as people
    from gatehouse.sites.models import Building, House, Unit

    desk_a.username = "desk"
    desk_a.save()
    four = Building.objects.create(site=site_a, code="4", name="4栋")
    unit = Unit.objects.create(building=four, code="1")
    for n in range(1, 9):
        house = House.objects.create(site=site_a, unit=unit, number=f"4-1-{n}01", room=f"{n}01")
        person = people.person_create(
            site=site_a, actor=manager_a, name=f"住户{n}", kind="owner", now=NOW
        )
        people.house_link(person=person, house=house, relation="owner", actor=manager_a)
    load_epidemic_demo(now=NOW)
    rule = OutingRule.objects.get(site=site_a)
    assert (rule.persons, rule.days) == (1, 2)
    visits = ScreeningVisit.objects.all()
    assert visits.count() == 6 and all(v.officer.username == "grid" for v in visits)
    assert visits.filter(follow_up="done").count() == 2
    assert visits.filter(follow_up="pending").count() == 2  # a stay in Wuhan, nobody home today
    assert Disinfection.objects.filter(target="vehicle").count() == 7
    assert WasteCollection.objects.count() == 7 and SupplyIssue.objects.count() == 5
    before = ScreeningVisit.objects.count() + Disinfection.objects.count()
    assert load_epidemic_demo(now=NOW) == {}
    assert ScreeningVisit.objects.count() + Disinfection.objects.count() == before
