"""文明物业小区 selection and the rotating red flag (流动红旗) between communities, awarded per period
from the association's ratings; the association's district-wide view (issue 17 §3; SPEC GV-01,
GV-04; T5, T6).

Today is 24 Nov 2026 (``tests.conftest.NOW``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core import commendation as rules
from gatehouse.core.errors import InvalidInput
from gatehouse.governance import district, services
from gatehouse.governance.models import AwardEntry, AwardRound
from tests.conftest import NOW, _user

from .conftest import company, score, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _s(key, name, score, *, warned=False, overdue=0):
    return rules.Standing(key, name, None if score is None else Decimal(score), warned, overdue)


# -- the core -----------------------------------------------------------------------------------


def test_the_flag_goes_to_the_best_eligible_community():
    # rule GV-04 with GV-01: ≥ 90, no warning, nothing overdue → 文明物业小区; best ≥ 80 → flag
    result = rules.award(
        [
            _s(1, "东湖花园", 95, warned=True),
            _s(2, "关山春晓", 92),
            _s(3, "光谷新城", 86),
            _s(4, "南湖雅园", 97, overdue=1),
            _s(5, "鲁巷小区", 75),
            _s(6, "未评小区", None),
        ]
    )
    assert result.winner == 2 and result.code == "first"
    verdicts = {v.key: v for v in result.verdicts}
    assert [k for k, v in verdicts.items() if v.civilised] == [2]
    assert verdicts[1].code == "warned" and verdicts[4].code == "overdue"
    assert verdicts[3].code == "flag_only" and verdicts[3].flag_eligible
    assert verdicts[5].code == "low_score" and verdicts[6].code == "no_score"


def test_on_a_tie_the_holder_keeps_the_flag_else_it_moves():
    tied = [_s(1, "东湖花园", 92), _s(2, "关山春晓", 92)]
    kept = rules.award(tied, holder=2)
    assert (kept.winner, kept.code) == (2, "kept")
    moved = rules.award(tied, holder=3)
    assert (moved.winner, moved.code) == (1, "moved")  # first by name


def test_without_an_eligible_community_the_flag_is_withheld():
    result = rules.award([_s(1, "东湖花园", 95, warned=True), _s(2, "关山春晓", 70)], holder=1)
    assert result.winner is None and result.code == "withheld"


# -- the round, stored ----------------------------------------------------------------------------


@pytest.fixture
def site_c(db):
    from gatehouse.sites.models import Site

    return Site.objects.create(code="guanggu", name="光谷新城", kind="residential")


@pytest.fixture
def two_communities(site_a, site_c, association_a, project_a):
    association_a.memberships.create(site=site_c, role="industry_association")
    site_b = site_c
    other = company("武汉江城佳园物业管理有限公司", site_b, association_a)
    project_b = services.project_create(
        site=site_b,
        actor=association_a,
        now=NOW,
        company=other,
        name="光谷新城物业服务项目",
        since=date(2020, 1, 1),
    )
    for project, off in ((project_a, {"repairs": 5}), (project_b, {"repairs": 8})):
        assessment = score(
            project, association_a, year=2025, assessed_on=date(2026, 1, 20), off=off
        )
        sign_all(assessment, association_a, on=date(2026, 1, 25))
        services.assessment_finalise(assessment=assessment, actor=association_a, now=NOW)
    # at site A an item went past its deadline in October, unrectified
    campaign = services.campaign_create(
        site=site_a,
        actor=association_a,
        now=NOW,
        title="环境整治",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 31),
    )
    inspection = services.inspection_record(
        campaign=campaign,
        project=project_a,
        actor=association_a,
        now=NOW,
        inspected_on=date(2026, 10, 1),
        inspectors="张明亮",
    )
    services.item_issue(
        inspection=inspection,
        actor=association_a,
        now=NOW,
        ref="东湖整改1号",
        finding="消防通道堵塞",
        standard="parking",
        deadline=date(2026, 10, 15),
    )
    return project_a, project_b


def test_rounds_award_and_move_the_flag(site_a, site_c, association_a, two_communities):
    site_b = site_c
    # rule GV-04 with GV-01: September — 东湖 (95) over 光谷 (92); October — 东湖's item went
    # overdue, the flag moves to 光谷
    sites = district.district_sites(association_a)
    assert list(sites) == sorted([site_a, site_b], key=lambda s: s.name)
    september = district.award_round(
        sites=sites,
        actor=association_a,
        now=NOW,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 9, 30),
    )
    assert september.winner == site_a and september.code == "first"
    assert AwardEntry.objects.filter(round=september, civilised=True).count() == 2
    october = district.award_round(
        sites=sites,
        actor=association_a,
        now=NOW,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
    )
    assert october.winner == site_b and october.code == "moved"
    entry = AwardEntry.objects.get(round=october, site=site_a)
    assert (entry.overdue, entry.civilised, entry.code) == (1, False, "overdue")
    audit = AuditEntry.objects.filter(action="governance.award").latest("pk")
    assert audit.after["winner_id"] == site_b.pk and audit.after["civilised"] == [site_b.pk]


def test_a_period_not_yet_over_is_refused(association_a, two_communities):
    with pytest.raises(InvalidInput) as err:
        district.award_round(
            sites=district.district_sites(association_a),
            actor=association_a,
            now=NOW,
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
        )
    assert err.value.code == "award.period_open"
    assert not AwardRound.objects.exists()


def test_the_district_view_shows_every_community_side_by_side(
    client, site_a, site_c, association_a, two_communities
):
    site_b = site_c
    client.force_login(association_a)
    url = reverse("governance:district")
    response = client.post(url, {"period_start": "2026-10-01", "period_end": "2026-10-31"})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert site_a.name in html and site_b.name in html
    assert "武汉楚天物业服务有限公司" in html and "武汉江城佳园物业管理有限公司" in html
    assert "95.00" in html and "92.00" in html and "流动红旗" in html
    rows = {
        code: html.split(f'data-site="{code}"')[1].split("</tr>")[0]
        for code in (site_a.code, site_b.code)
    }
    assert "🚩" in rows[site_b.code] and "🚩" not in rows[site_a.code]  # October's holder
    bad = client.post(url, {"period_start": "2026-10-31", "period_end": "2026-10-01"})
    assert bad.status_code == 422 and AwardRound.objects.count() == 1


def test_only_the_association_sees_the_district(client, manager_a, site_a):
    client.force_login(manager_a)
    assert client.get(reverse("governance:district")).status_code == 403
    client.force_login(_user("yeweihui", site=site_a, role="owners_committee"))
    assert client.get(reverse("governance:district")).status_code == 403
