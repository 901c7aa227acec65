"""The industry association's pages: who may see them, what they show, bad forms."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from gatehouse.console.nav import FEATURES
from gatehouse.governance import services
from gatehouse.governance.models import Assessment, PropertyProject, Tender
from tests.conftest import NOW, _user

from .conftest import company, score, sign_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


PAGES = ["governance:rating", "governance:credit", "governance:rectification"]


@pytest.mark.parametrize("name", PAGES)
def test_other_roles_are_refused(client, site_a, manager_a, name):
    client.force_login(manager_a)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(_user("park", site=site_a, role="park_committee"))
    assert client.get(reverse(name)).status_code == 403


def test_the_association_features_lead_to_real_pages(client, association_a):
    for slug in ("rating", "credit", "rectification"):
        assert FEATURES[slug].built
    client.force_login(association_a)
    html = client.get(reverse("console:home")).content.decode()
    for name in PAGES:
        assert reverse(name) in html


def test_a_member_of_another_site_sees_none_of_it(client, association_a, association_b, project_a):
    assessment = score(project_a, association_a)
    campaign = services.campaign_create(
        site=project_a.site,
        actor=association_a,
        now=NOW,
        title="整治",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 31),
    )
    client.force_login(association_b)
    assert project_a.name not in client.get(reverse("governance:rating")).content.decode()
    for name, pk in (
        ("governance:project", project_a.pk),
        ("governance:assessment", assessment.pk),
        ("governance:campaign", campaign.pk),
        ("governance:company", project_a.company_id),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404, name
    response = client.post(
        reverse("governance:signoff", args=[assessment.pk]),
        {"party": "police", "signer": "x", "opinion": "y", "signed_on": "2026-11-24"},
    )
    assert response.status_code == 404 and not assessment.signoffs.exists()


def test_a_project_is_registered_with_a_new_company(client, association_a, site_a):
    client.force_login(association_a)
    response = client.post(reverse("governance:project_new"), {"name": "东湖花园", "since": ""})
    assert response.status_code == 422
    assert "请选择物业服务企业，或填写新企业名称" in response.content.decode()
    response = client.post(
        reverse("governance:project_new"),
        {"name": "东湖花园物业服务项目", "company_name": "武汉楚天物业", "since": "2019-07-01"},
    )
    project = PropertyProject.objects.get()
    assert response["Location"] == reverse("governance:project", args=[project.pk])
    assert project.company.name == "武汉楚天物业" and project.site == site_a


def test_scoring_signing_and_finalising_through_the_pages(client, association_a, project_a):
    # rule GV-01
    client.force_login(association_a)
    page = client.get(reverse("governance:project", args=[project_a.pk]))
    form = page.context["form"]
    data = {"year": "2026", "assessed_on": "2026-11-20"}
    for item in form.items:
        data[f"score_{item.key}"] = str(item.weight)
    data["score_repairs"] = "99"
    response = client.post(reverse("governance:assessment_new", args=[project_a.pk]), data)
    assert response.status_code == 422 and "不能超过该项分值" in response.content.decode()
    data["score_repairs"] = "5"
    data["note_repairs"] = "水电小修多次过夜"
    response = client.post(reverse("governance:assessment_new", args=[project_a.pk]), data)
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("governance:assessment", args=[assessment.pk])
    html = client.get(response["Location"]).content.decode()
    assert "年度考核得分90分：评为三星级物业项目" in html and "★★★" in html
    assert "水电小修多次过夜" in html
    # rule GV-05: evidence from the registers, and the registers that do not exist yet
    assert "来客进出登记" in html and "尚未在本系统上线" in html
    response = client.post(reverse("governance:finalise", args=[assessment.pk]), {})
    assert response.status_code == 422 and "尚缺以下单位的签署意见" in response.content.decode()
    for party in ("township", "community", "police", "owners_committee"):
        response = client.post(
            reverse("governance:signoff", args=[assessment.pk]),
            {"party": party, "signer": "签署人", "opinion": "同意", "signed_on": "2026-11-22"},
        )
        assert response.status_code == 302
    response = client.post(reverse("governance:finalise", args=[assessment.pk]), {})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.finalised_at == NOW


def test_the_credit_page_shows_bans_and_refuses_a_tender_with_two_bidders(
    client, association_a, site_a, chutian
):
    # rule GV-02, rule GV-03
    rival = company("武汉江城佳园物业管理有限公司", site_a, association_a)
    services.credit_record_add(
        company=rival,
        site=site_a,
        actor=association_a,
        now=NOW,
        recorded_on=date(2025, 3, 1),
        reason="擅自撤离",
    )
    client.force_login(association_a)
    response = client.post(
        reverse("governance:tender_add"),
        {
            "stage": "preliminary",
            "method": "tender",
            "bidders": [chutian.pk, rival.pk],
            "winner": chutian.pk,
            "decided_on": "2026-11-20",
        },
    )
    assert response.status_code == 422
    assert "投标人2个，少于3个；经区房管局批准，可以采用协议方式选聘" in response.content.decode()
    assert not Tender.objects.exists()
    response = client.post(
        reverse("governance:tender_add"),
        {
            "stage": "preliminary",
            "method": "agreement",
            "bidders": [chutian.pk],
            "winner": chutian.pk,
            "decided_on": "2026-11-20",
            "bureau_approved": "on",
            "approval_ref": "房管批〔2026〕8号",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("governance:credit")).content.decode()
    assert "经区房管局批准，采用协议方式选聘" in html
    assert "tender.dishonest_ban" in html and "至2030年3月1日" in html
    html = client.get(reverse("governance:company", args=[rival.pk])).content.decode()
    assert "禁止竞标至 2030-03-01" in html
    other = company("与本小区无关的物业公司", site_a, association_a)
    assert client.get(reverse("governance:company", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("governance:arrears_add"),
        {
            "owner_name": "孙德明",
            "arrears": "4860",
            "confirmed_by": "judgment",
            "confirmed_on": "2026-06-01",
        },
    )
    assert response.status_code == 302
    assert "录入个人信用档案" in client.get(reverse("governance:credit")).content.decode()


def test_the_rectification_pages(client, association_a, project_a):
    # rule GV-04
    client.force_login(association_a)
    response = client.post(
        reverse("governance:rectification"),
        {"title": "专项整治", "starts_on": "2026-09-01", "ends_on": "2026-08-01"},
    )
    assert response.status_code == 422
    response = client.post(
        reverse("governance:rectification"),
        {"title": "专项整治", "starts_on": "2026-09-01", "ends_on": "2026-12-31"},
    )
    campaign_url = response["Location"]
    pk = int(campaign_url.rstrip("/").rsplit("/", 1)[1])
    client.post(
        reverse("governance:inspection_add", args=[pk]),
        {"project": project_a.pk, "inspected_on": "2026-09-10", "inspectors": "张明亮"},
    )
    inspection = project_a.inspections.get()
    client.post(
        reverse("governance:item_add", args=[pk]),
        {
            "inspection": inspection.pk,
            "ref": "整改1号",
            "finding": "车辆乱停",
            "standard": "parking",
            "deadline": "2026-10-31",
        },
    )
    item = inspection.items.get()
    html = client.get(campaign_url).content.decode()
    assert "逾期未整改" in html and "未督查" in html
    response = client.post(
        reverse("governance:follow_up", args=[item.pk]), {"on": "2026-11-24", "note": "仍占道"}
    )
    assert response.status_code == 302
    assert "已督查" in client.get(campaign_url).content.decode()
    response = client.post(
        reverse("governance:warning_add", args=[pk]),
        {"company": project_a.company_id, "start": "2026-11-24", "end": "2027-02-24"},
    )
    assert response.status_code == 302
    html = client.get(reverse("governance:project", args=[project_a.pk])).content.decode()
    assert "tender.warning" in html and "禁止参与招投标" in html


def test_a_rectify_band_asks_for_a_deadline_on_the_page(client, association_a, project_a):
    # rule GV-01
    assessment = score(
        project_a,
        association_a,
        off={"repairs": 15, "complaints": 15, "duty_24h": 10, "patrol": 5},
    )
    sign_all(assessment, association_a)
    client.force_login(association_a)
    response = client.post(reverse("governance:finalise", args=[assessment.pk]), {})
    assert response.status_code == 422
    assert "须限期整改" in response.content.decode()
    response = client.post(
        reverse("governance:finalise", args=[assessment.pk]), {"rectify_deadline": "2027-01-31"}
    )
    assert response.status_code == 302
    html = client.get(reverse("governance:assessment", args=[assessment.pk])).content.decode()
    assert "2027-01-31" in html and "登记整改完成" in html
