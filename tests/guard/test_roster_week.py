"""The roster as a week grid (issue 16 §2, SPEC S-01): the roster page opens on this week's grid
of posts by days with the gaps marked; another week by date; only the site's own roster."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from gatehouse.guard.models import Shift
from gatehouse.guard.roster.selectors import week_grid
from gatehouse.guard.roster.services import shift_add
from gatehouse.sites.models import Post
from tests.conftest import NOW

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def rostered(site_a, manager_a, guard_a, guard2_a, gate_post, patrol_post):
    """东门岗 (2 round the clock) has 赵六 08-20 and guard_a 20-08 on Tuesday 24 November; the
    patrol post has nobody all week."""
    shift_add(site=site_a, actor=manager_a, post=gate_post, guard=guard2_a,
              start=at(8), end=at(20), now=NOW)  # fmt: skip
    shift_add(site=site_a, actor=manager_a, post=gate_post, guard=guard_a,
              start=at(20), end=at(8, day=1), now=NOW)  # fmt: skip
    return gate_post, patrol_post


def test_the_week_grid_of_the_site(site_a, rostered):
    # rule S-01: a gap is shown
    view = week_grid(site_a, None, NOW)
    assert view.grid.monday == date(2026, 11, 23)
    assert [post.name for post, _row in view.rows] == ["东门岗", "户外巡逻"]
    gate, patrol = (row for _post, row in view.rows)
    tuesday = gate.cells[1]
    assert [s.guard for s in tuesday.shifts] == ["赵六", "guard_a"]
    assert [(g.start_hm, g.end_hm, g.short) for g in tuesday.gaps] == [
        ("00:00", "08:00", 2),
        ("08:00", "24:00", 1),
    ]
    assert [(g.start_hm, g.end_hm) for g in patrol.cells[3].gaps] == [("00:00", "24:00")]


def test_the_roster_page_opens_on_this_weeks_grid(client, manager_a, rostered):
    client.force_login(manager_a)
    response = client.get(reverse("guard:roster"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "排班周表 2026-11-23（周一）至 2026-11-29（周日）" in html
    assert "缺岗 00:00–24:00" in html  # the patrol post, every day
    assert "缺1人 08:00–24:00" in html  # the gate on Tuesday: one of two
    assert "赵六" in html and "次日08:00" in html and "前日20:00–08:00" in html
    assert "?week=2026-11-16" in html and "?week=2026-11-30" in html
    assert 'value="2026-11-23"' in html
    # the list under the grid names each day's gap in full
    assert "东门岗 11-24 08:00–24:00 缺1人（需2人，已排1人）" in html
    assert "户外巡逻 11-29 00:00–24:00 缺1人（需1人，已排0人）" in html


def test_another_week_by_any_of_its_days(client, manager_a, rostered):
    client.force_login(manager_a)
    html = client.get(reverse("guard:roster"), {"week": "2026-12-03"}).content.decode()
    assert "排班周表 2026-11-30（周一）至 2026-12-06（周日）" in html
    assert "赵六" not in html.split('id="week"')[1].split("</section>")[0]


@pytest.mark.parametrize("week", ["2026-13-40", "tomorrow", "1900-01-01"])
def test_an_invalid_week_is_refused_with_a_reason(client, manager_a, rostered, week):
    client.force_login(manager_a)
    shifts = Shift.objects.count()
    response = client.get(reverse("guard:roster"), {"week": week})
    html = response.content.decode()
    assert response.status_code == 400
    assert "所选日期无效" in html and "排班周表 2026-11-23（周一）" in html
    assert Shift.objects.count() == shifts


def test_another_sites_manager_sees_only_their_own_roster(
    client, site_a, site_b, manager_b, guard_a, rostered
):
    Post.objects.create(site=site_b, name="西岭北门", kind="gate", headcount=1)
    client.force_login(manager_b)
    html = client.get(reverse("guard:roster"), {"week": "2026-11-24"}).content.decode()
    assert "西岭北门" in html
    assert "东门岗" not in html and "赵六" not in html and "户外巡逻" not in html
    # the site is the user's own: naming site A changes nothing
    html = client.get(reverse("guard:roster"), {"site": site_a.pk}).content.decode()
    assert "东门岗" not in html


def test_the_week_grid_is_the_managers(client, guard_a, rostered):
    client.force_login(guard_a)
    assert client.get(reverse("guard:roster")).status_code == 403
    assert client.get(reverse("guard:roster"), {"week": "bad"}).status_code == 403


def test_the_week_grid_in_english(client, settings, manager_a, rostered):
    from django.utils import translation

    client.force_login(manager_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        html = client.get(reverse("guard:roster")).content.decode()
    finally:
        translation.deactivate()
    assert "Roster for the week 2026-11-23 (Monday) to 2026-11-29 (Sunday)" in html
    assert "Unstaffed 00:00–24:00" in html and "1 short 08:00–24:00" in html
    assert "next day 08:00" in html


def test_a_shift_added_from_another_week_goes_back_to_it(client, manager_a, guard_a, gate_post):
    client.force_login(manager_a)
    response = client.post(
        reverse("guard:roster") + "?week=2026-12-02",
        {
            "action": "shift",
            "post": gate_post.pk,
            "guard": guard_a.pk,
            "start": "2026-12-02T08:00",
            "end": "2026-12-02T20:00",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("guard:roster") + "?week=2026-11-30"
    html = client.get(response["Location"]).content.decode()
    assert "已排班" in html and "08:00–20:00" in html
