"""Campaigns with the police (seed template T3 rows 11 and 13; rule T3-06): 收缴管制刀具 and
防坠楼 (人防/物防/技防) as inspections of places and classes; their findings are the hazard
findings of S-11 linked to the campaign; progress counted; the A4 report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.conftest import NOW

DAY = timedelta(days=1)


def _campaign(school, actor, **kw):
    from gatehouse.screenings import services

    args = {
        "site": school,
        "actor": actor,
        "kind": "falls",
        "title": "防坠楼专项检查",
        "partner": "东湖派出所",
        "starts_on": NOW.date(),
        "ends_on": NOW.date() + 14 * DAY,
        "places": [
            ("教学楼顶层走廊", "physical"),
            ("宿舍楼天台门", "people"),
            ("监控", "technical"),
        ],
        "now": NOW,
    }
    return services.campaign_create(**{**args, **kw})


def test_a_campaigns_findings_are_hazard_findings_and_progress_counts_them(client, school, safety):
    # rule T3-06
    from gatehouse.audit.models import AuditEntry
    from gatehouse.guard.models import HazardFinding
    from gatehouse.screenings import services

    c = _campaign(school, safety)
    first = c.places.first()
    services.place_inspect(place=first, actor=safety, note="护栏高度达标", now=NOW)
    finding = services.campaign_finding(
        campaign=c,
        actor=safety,
        place="dormitory",
        description="宿舍楼天台门未上锁",
        owner="宿管王老师",
        deadline=NOW.date() + DAY,
        now=NOW,
    )
    assert HazardFinding.objects.get(pk=finding.pk).campaign == c
    assert AuditEntry.objects.filter(action="guard.hazard.record", object_id=str(finding.pk))
    assert AuditEntry.objects.filter(action="campaign.finding").count() == 1
    p = services.progress_of(c, NOW)
    assert (p.places_done, p.places_total, p.findings_open, p.findings_overdue) == (1, 3, 1, 0)
    p = services.progress_of(c, NOW + 3 * DAY)
    assert p.findings_overdue == 1
    client.force_login(safety)
    html = client.get(reverse("screenings:campaign", args=[c.pk])).content.decode()
    assert "已检查 1/3 处，未整改隐患 1 项，其中逾期 0 项" in html
    assert "宿舍楼天台门未上锁" in html


def test_a_campaign_needs_its_partner_and_places(school, safety):
    # rule T3-06
    from gatehouse.core.errors import InvalidInput
    from gatehouse.screenings.models import Campaign

    with pytest.raises(InvalidInput) as exc:
        _campaign(school, safety, partner=" ")
    assert exc.value.code == "campaign.partner" and "派出所" in exc.value.message
    with pytest.raises(InvalidInput) as exc:
        _campaign(school, safety, places=[])
    assert exc.value.code == "campaign.places"
    assert not Campaign.objects.exists()


def test_a_campaign_is_created_from_the_page_with_its_measures(client, school, safety):
    # rule T3-06
    from gatehouse.screenings.models import Campaign

    client.force_login(safety)
    response = client.post(
        reverse("screenings:campaigns"),
        {
            "kind": "knives",
            "title": "收缴管制刀具专项行动",
            "partner": "东湖派出所",
            "starts_on": NOW.date().isoformat(),
            "ends_on": (NOW.date() + 7 * DAY).isoformat(),
            "places": "初二（1）班\n物防：男生宿舍",
        },
    )
    assert response.status_code == 302
    c = Campaign.objects.get()
    assert [(p.name, p.measure) for p in c.places.all()] == [
        ("初二（1）班", ""),
        ("男生宿舍", "physical"),
    ]
    bad = client.post(reverse("screenings:campaigns"), {"kind": "knives", "title": ""})
    assert bad.status_code == 400 and Campaign.objects.count() == 1


def test_the_report_is_an_a4_pdf(client, school, safety):
    # rule T3-06
    c = _campaign(school, safety)
    client.force_login(safety)
    response = client.get(reverse("screenings:campaign_report", args=[c.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_counsellor_has_no_campaign_pages(client, school, counsellor):
    client.force_login(counsellor)
    assert client.get(reverse("screenings:campaigns")).status_code == 403
