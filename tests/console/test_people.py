"""人员查询 and the person page: search, masking, and never a trace of another site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import ID_ZHANG, member

pytestmark = pytest.mark.django_db

ID_LI = "110105199001011232"


@pytest.fixture
def zhang(resident_a, manager_a, now):
    """张伟 with an owner card and a car."""
    from gatehouse.people import services

    services.credential_issue(
        site=resident_a.site,
        actor=manager_a,
        kind="owner_card",
        number="00A1B2C3",
        person=resident_a,
        now=now,
    )
    car = services.vehicle_register(
        site=resident_a.site,
        actor=manager_a,
        plate="京A12345",
        owner=resident_a,
        brand="大众朗逸",
        color="白",
        now=now,
    )
    services.credential_issue(
        site=resident_a.site, actor=manager_a, kind="plate", number="京A12345", vehicle=car, now=now
    )
    return resident_a


@pytest.fixture
def li(resident_b, manager_b, now):
    """李娜 of site B, with a card and a car."""
    from gatehouse.people import services

    services.credential_issue(
        site=resident_b.site,
        actor=manager_b,
        kind="staff_badge",
        number="00FFEE01",
        person=resident_b,
        now=now,
    )
    services.vehicle_register(
        site=resident_b.site, actor=manager_b, plate="京B54321", owner=resident_b, now=now
    )
    return resident_b


def names(response):
    return [p.name for p in response.context["page"].object_list]


def test_the_list_shows_the_sites_people_masked(client, guard_a, zhang, li):
    client.force_login(guard_a)
    response = client.get(reverse("console:people"))
    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == ["张伟"]
    assert "110105********002X" in html
    assert "138****8000" in html
    assert "京A·12345" in html
    assert ID_ZHANG not in html
    assert "13800138000" not in html
    assert "李娜" not in html and "京B" not in html and "********1232" not in html


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"name": "张"}, True),
        ({"name": "李"}, False),  # 李娜 is at site B
        ({"house": "3-2-1201"}, True),
        ({"house": "1201"}, True),
        ({"house": "9-9-999"}, False),
        ({"id_last4": "002x"}, True),
        ({"id_last4": "1232"}, False),  # 李娜's last four, site B
        ({"plate": "京a·12345"}, True),
        ({"plate": "12345"}, True),
        ({"plate": "京B54321"}, False),
        ({"name": "张", "house": "3-2-1201", "id_last4": "002X"}, True),
        ({"name": "张", "id_last4": "0000"}, False),
    ],
)
def test_search(client, guard_a, zhang, li, query, found):
    client.force_login(guard_a)
    response = client.get(reverse("console:people"), query)
    assert names(response) == (["张伟"] if found else [])
    assert "李娜" not in response.content.decode()


def test_a_bad_last4_is_explained(client, guard_a, zhang):
    client.force_login(guard_a)
    response = client.get(reverse("console:people"), {"id_last4": "12"})
    assert "请输入证件号的后四位" in response.content.decode()
    assert names(response) == []


def test_the_list_is_paginated(client, guard_a, site_a, manager_a, now):
    from gatehouse.people import services

    for i in range(45):
        services.person_create(
            site=site_a, actor=manager_a, name=f"住户{i:02d}", kind="owner", now=now
        )
    client.force_login(guard_a)
    first = client.get(reverse("console:people"))
    assert len(names(first)) == 20
    assert "第 1 / 3 页" in first.content.decode()
    last = client.get(reverse("console:people"), {"page": 3, "name": "住户"})
    assert names(last) == [f"住户{i:02d}" for i in range(40, 45)]
    assert "name=%E4%BD%8F%E6%88%B7" in last.content.decode()  # the query stays in the links


def test_htmx_gets_only_the_results(client, guard_a, zhang):
    client.force_login(guard_a)
    response = client.get(reverse("console:people"), {"name": "张"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "张伟" in html and "<html" not in html


def test_the_person_page_shows_houses_credentials_and_vehicles(client, guard_a, zhang):
    client.force_login(guard_a)
    response = client.get(reverse("console:person", args=[zhang.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "3-2-1201" in html and "业主" in html
    assert "****B2C3" in html and "00A1B2C3" not in html  # cards masked
    assert "京A·12345" in html  # plates whole
    assert "大众朗逸" in html
    assert "110105********002X" in html and "138****8000" in html
    assert ID_ZHANG not in html and "13800138000" not in html


def test_a_guard_of_site_a_gets_404_for_a_person_of_site_b(client, guard_a, li):
    client.force_login(guard_a)
    response = client.get(reverse("console:person", args=[li.pk]))
    assert response.status_code == 404
    assert "李娜" not in response.content.decode()
    assert client.get(reverse("console:person", args=[999999])).status_code == 404


def test_a_non_staff_role_gets_404_on_people_and_403_on_the_list(client, site_a, zhang):
    for role in ("resident", "park_committee", "industry_association"):
        client.force_login(member(f"u_{role}", site_a, role))
        response = client.get(reverse("console:person", args=[zhang.pk]))
        assert response.status_code == 404
        assert "张伟" not in response.content.decode()
        assert client.get(reverse("console:people")).status_code == 403


def test_a_user_at_two_sites_sees_only_the_current_sites_people(client, site_a, site_b, zhang, li):
    from gatehouse.accounts.models import Membership

    user = member("both", site_a, "guard")
    Membership.objects.create(user=user, site=site_b, role="guard")
    client.force_login(user)
    client.post(reverse("console:switch_site"), {"site": site_a.pk})
    assert names(client.get(reverse("console:people"))) == ["张伟"]
    assert client.get(reverse("console:person", args=[li.pk])).status_code == 404
    client.post(reverse("console:switch_site"), {"site": site_b.pk})
    assert names(client.get(reverse("console:people"))) == ["李娜"]
    assert client.get(reverse("console:person", args=[zhang.pk])).status_code == 404
    assert client.get(reverse("console:person", args=[li.pk])).status_code == 200


def test_the_full_id_number_is_on_no_console_page(client, manager_a, zhang):
    client.force_login(manager_a)
    for url in (
        reverse("console:home"),
        reverse("console:people"),
        reverse("console:people") + "?id_last4=002X",
        reverse("console:person", args=[zhang.pk]),
    ):
        html = client.get(url).content.decode()
        assert ID_ZHANG not in html, url
        assert "13800138000" not in html, url
