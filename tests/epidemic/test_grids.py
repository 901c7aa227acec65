"""Grid management (SPEC M-04): street → community → building grids, each with its grid officer
and volunteers, every building in one building grid, and the "五有一网格" checklist with who
ticked each item and when."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gatehouse.core.errors import DomainError
from tests.conftest import NOW


def test_grids_follow_street_community_building(site_a, manager_a, grids_a):
    # rule M-04
    from gatehouse.epidemic import services
    from gatehouse.epidemic.models import Grid

    building = grids_a["building"]
    assert building.parent == grids_a["community"]
    assert grids_a["community"].parent == grids_a["street"]
    for level, parent, code in (
        ("building", grids_a["street"].pk, "grid.parent"),
        ("community", None, "grid.parent"),
        ("street", grids_a["street"].pk, "grid.parent"),
    ):
        with pytest.raises(DomainError) as info:
            services.grid_create(
                site=site_a, actor=manager_a, now=NOW, level=level, name="新网格", parent_id=parent
            )
        assert info.value.code == code
    assert Grid.objects.count() == 3


def test_the_officer_must_hold_the_grid_officer_role(site_a, manager_a, guard_a, grids_a):
    # rule M-04
    from gatehouse.epidemic import services

    with pytest.raises(DomainError) as info:
        services.grid_update(
            grid=grids_a["building"],
            actor=manager_a,
            now=NOW,
            name="3栋网格",
            officer_id=guard_a.pk,
            volunteers="",
        )
    assert info.value.code == "grid.officer"


def test_a_building_is_in_one_grid_and_gaps_are_shown(client, site_a, manager_a, grids_a):
    # rule M-04: assigning 3栋 to a second grid moves it; a building in no grid is listed
    from gatehouse.epidemic import services
    from gatehouse.epidemic.models import GridBuilding
    from gatehouse.sites.models import Building

    b3 = Building.objects.get(site=site_a, code="3")
    b5 = Building.objects.create(site=site_a, code="5", name="5栋")
    other = services.grid_create(
        site=site_a,
        actor=manager_a,
        now=NOW,
        level="building",
        name="3、5栋网格",
        parent_id=grids_a["community"].pk,
    )
    client.force_login(manager_a)
    page = client.get(reverse("epidemic:grids")).content.decode()
    assert "以下楼栋尚未划入网格：5栋" in page
    response = client.post(
        reverse("epidemic:grid_assign", args=[other.pk]), {"buildings": [b3.pk, b5.pk]}
    )
    assert response.status_code == 302
    assert dict(GridBuilding.objects.values_list("building_id", "grid_id")) == {
        b3.pk: other.pk,
        b5.pk: other.pk,
    }
    assert "尚未划入网格" not in client.get(reverse("epidemic:grids")).content.decode()
    with pytest.raises(DomainError) as info:
        services.grid_assign(
            grid=grids_a["community"], actor=manager_a, now=NOW, building_ids=[b3.pk]
        )
    assert info.value.code == "grid.not_building"


def test_five_haves_checklist_records_who_and_when(client, site_a, manager_a, grids_a):
    # rule M-04
    from gatehouse.epidemic.models import GridCheck

    grid = grids_a["building"]
    client.force_login(manager_a)
    response = client.post(
        reverse("epidemic:grid_check", args=[grid.pk]),
        {"item": "supplies", "done": "on", "note": "口罩2000只、消毒液50升"},
    )
    assert response.status_code == 302
    check = GridCheck.objects.get()
    assert (check.item, check.done, check.checked_by, check.note) == (
        "supplies",
        True,
        manager_a,
        "口罩2000只、消毒液50升",
    )
    page = client.get(reverse("epidemic:grids")).content.decode()
    assert "缺有疫情防控指南、有防控管理制度和责任人、有属地医疗卫生力量指导和支持" in page
    bad = client.post(reverse("epidemic:grid_check", args=[grid.pk]), {"item": "nope"})
    assert bad.status_code == 422
    assert GridCheck.objects.count() == 1


def test_new_grid_page_refuses_a_wrong_parent_with_422(client, site_a, manager_a, grids_a):
    # rule M-04
    from gatehouse.epidemic.models import Grid

    client.force_login(manager_a)
    response = client.post(
        reverse("epidemic:grid_new"),
        {"level": "building", "name": "7栋网格", "parent": str(grids_a["street"].pk)},
    )
    assert response.status_code == 422
    assert 'data-code="grid.parent"' in response.content.decode()
    assert Grid.objects.count() == 3
    ok = client.post(
        reverse("epidemic:grid_new"),
        {"level": "building", "name": "7栋网格", "parent": str(grids_a["community"].pk)},
    )
    assert ok.status_code == 302
    assert Grid.objects.get(name="7栋网格").parent == grids_a["community"]


def test_a_resident_cannot_reach_the_grid_pages(client, resident_user_a, grids_a):
    client.force_login(resident_user_a)
    assert client.get(reverse("epidemic:grids")).status_code == 403
    assert client.get(reverse("epidemic:cases")).status_code == 403
