"""The park committee's pages: who may see them, what they show, and what a bad form does."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from gatehouse.admission import services
from gatehouse.admission.models import LandAlert, Project, StepRecord
from gatehouse.console.nav import FEATURES
from gatehouse.people.models import Enterprise
from tests.conftest import NOW, _user

from .conftest import ALL_DOCS, TODAY, WAN, apply, pdf, record_steps, reload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    """The pages read the clock (timezone.now()); the tests' day is NOW's."""
    with time_machine.travel(NOW, tick=False):
        yield


PAGES = ["admission:applications", "admission:land", "admission:enterprises", "admission:alerts"]


@pytest.mark.parametrize("name", PAGES)
def test_other_roles_are_refused(client, guard_b, name):
    client.force_login(guard_b)
    assert client.get(reverse(name)).status_code == 403


def test_an_association_member_is_refused(client, site_b):
    client.force_login(_user("assoc", site=site_b, role="industry_association"))
    assert client.get(reverse("admission:applications")).status_code == 403


def test_the_committee_features_lead_to_real_pages(client, committee_b):
    for slug in ("admission", "land", "enterprises"):
        assert FEATURES[slug].built
    client.force_login(committee_b)
    html = client.get(reverse("console:home")).content.decode()
    assert reverse("admission:applications") in html and reverse("admission:land") in html
    assert reverse("admission:enterprises") in html


def test_a_committee_member_of_another_site_sees_none_of_it(client, committee_a, project_b):
    client.force_login(committee_a)
    assert project_b.name not in client.get(reverse("admission:applications")).content.decode()
    for name in ("admission:project", "admission:land_project"):
        assert client.get(reverse(name, args=[project_b.pk])).status_code == 404
    doc = project_b.documents.first()
    assert client.get(reverse("admission:download", args=["document", doc.pk])).status_code == 404
    enterprise = project_b.enterprise
    assert client.get(reverse("admission:enterprise", args=[enterprise.pk])).status_code == 404
    response = client.post(
        reverse("admission:step", args=[project_b.pk]),
        {"step": "feasibility_review", "done_on": "2026-11-20"},
    )
    assert response.status_code == 404
    assert not StepRecord.objects.filter(step="feasibility_review").exists()


def _form(enterprise, zone, **changes):
    data = {
        "enterprise": enterprise.pk,
        "zone": zone.pk,
        "name": "新能源电池壳体项目",
        "sector": "汽车零配件加工",
        "registered_capital": "20,000,000",
        "paid_in_capital": "20000000.00",
        "fixed_investment": "90000000",
        "land_mu": "100",
        "high_tech": "on",
        "requests_own_land": "on",
        "applied_on": "2026-11-20",
    }
    for kind in ALL_DOCS[:4]:
        data[f"doc_{kind}"] = pdf(f"{kind}.pdf")
    data.update(changes)
    return data


def test_an_application_is_received_and_every_finding_explained(
    client, committee_b, enterprise_b, auto_zone
):
    client.force_login(committee_b)
    assert client.get(reverse("admission:apply")).status_code == 200
    response = client.post(reverse("admission:apply"), _form(enterprise_b, auto_zone))
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admission:project", args=[project.pk])
    assert project.registered_capital_fen == 2000 * WAN and project.high_tech
    html = client.get(response["Location"]).content.decode()
    # rule IP-07: the missing fifth document blocks the review, explained
    assert "IP-07" in html and "documents.missing.prior_approval" in html
    assert "缺少申请材料：有效的前置审批项目批准文件或生产经营许可证" in html
    # rule IP-05: the relaxation is offered to the committee with the numbers
    assert "IP-05" in html and "900,000.00元/亩" in html and "登记管委会决定" in html
    assert "材料不全" in html


def test_a_malformed_amount_is_refused_on_the_form(client, committee_b, enterprise_b, auto_zone):
    client.force_login(committee_b)
    response = client.post(
        reverse("admission:apply"), _form(enterprise_b, auto_zone, paid_in_capital="12.345")
    )
    assert response.status_code == 422
    assert "金额最多保留两位小数（精确到分）。" in response.content.decode()
    response = client.post(
        reverse("admission:apply"),
        _form(enterprise_b, auto_zone, doc_application=pdf("a.pdf", b"not a pdf")),
    )
    assert response.status_code == 422
    assert "文件内容与扩展名不符" in response.content.decode()
    assert not Project.objects.exists()


def test_a_decision_and_the_steps_through_the_page(client, committee_b, project_b, site_b):
    # rule IP-08
    client.force_login(committee_b)
    url = reverse("admission:step", args=[project_b.pk])
    response = client.post(url, {"step": "feasibility_review", "done_on": "2026-05-20"})
    assert response.status_code == 302
    response = client.post(url, {"step": "land_use_right", "done_on": "2026-06-01"})
    assert response.status_code == 422
    assert "须先完成" in response.content.decode()
    html = client.get(reverse("admission:project", args=[project_b.pk])).content.decode()
    assert "入园可行性评审" in html and "committee_b" in html


def test_construction_before_the_land_right_is_refused_on_the_page(client, committee_b, project_b):
    # rule IP-08
    record_steps(project_b, committee_b, ["feasibility_review", "contract", "land_procedures"])
    client.force_login(committee_b)
    response = client.post(
        reverse("admission:step", args=[project_b.pk]),
        {"step": "construction", "done_on": "2026-11-20"},
    )
    assert response.status_code == 422
    assert "未依法取得土地使用权，不得开工建设" in response.content.decode()
    assert not reload(project_b).steps.filter(step="construction").exists()


def test_the_relaxation_decision_through_the_page(client, committee_b, enterprise_b, auto_zone):
    # rule IP-05
    project = apply(
        enterprise_b.site,
        committee_b,
        enterprise_b,
        auto_zone,
        fixed_investment_fen=9000 * WAN,
        high_tech=True,
    )
    client.force_login(committee_b)
    url = reverse("admission:decide", args=[project.pk])
    bad = client.post(url, {"finding_code": "intensity.relaxable", "approved": "1"})
    assert bad.status_code == 422
    response = client.post(
        url,
        {
            "finding_code": "intensity.relaxable",
            "approved": "1",
            "decided_on": "2026-06-01",
            "attendees": "周建国、王立新",
            "minutes": "同意放宽",
            "minutes_file": pdf("纪要.pdf"),
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("admission:project", args=[project.pk])).content.decode()
    assert "符合入园条件" in html and "周建国、王立新" in html


def test_documents_download_for_the_committee(client, committee_b, project_b):
    client.force_login(committee_b)
    doc = project_b.documents.get(kind="application")
    response = client.get(reverse("admission:download", args=["document", doc.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert client.get(reverse("admission:download", args=["nothing", doc.pk])).status_code == 404


def test_the_land_pages_show_the_timeline_and_handle_alerts(client, committee_b, project_b, site_b):
    # rule IP-10
    record_steps(project_b, committee_b, ["feasibility_review", "contract"])
    services.contract_save(
        project=reload(project_b),
        actor=committee_b,
        now=NOW,
        signed_on=date(2026, 5, 28),
        land_mu=100,
        land_price_fen_per_mu=20 * WAN,
        contracted_start=date(2026, 8, 24),
        planned_floor_area_m2=30000,
        total_investment_fen=12000 * WAN,
    )
    client.force_login(committee_b)
    html = client.get(reverse("admission:land")).content.decode()
    assert project_b.name in html
    html = client.get(reverse("admission:land_project", args=[project_b.pk])).content.decode()
    assert "start.breach" in html and "2026-11-25" in html and "即将到期" in html
    assert "视为投资人违约，终止履行合同，收回项目用地" in html
    services.land_deadlines_raise(site=site_b, now=NOW)
    alert = LandAlert.objects.get()
    response = client.post(reverse("admission:alert_handle", args=[alert.pk]), {"note": ""})
    assert response.status_code == 422
    response = client.post(
        reverse("admission:alert_handle", args=[alert.pk]), {"note": "已发函催告", "settled": "on"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.handled_by == committee_b and alert.settled


def test_a_land_form_error_is_shown_and_writes_nothing(client, committee_b, project_b):
    record_steps(project_b, committee_b, ["feasibility_review", "contract"])
    client.force_login(committee_b)
    response = client.post(
        reverse("admission:contract", args=[project_b.pk]),
        {
            "signed_on": "2026-05-28",
            "land_mu": "100",
            "land_price": "abc",
            "contracted_start": "2026-08-24",
            "planned_floor_area_m2": "30000",
            "total_investment": "120000000",
        },
    )
    assert response.status_code == 422
    assert "金额格式不正确" in response.content.decode()
    assert not hasattr(reload(project_b), "contract") or reload(project_b).contract is None


def test_the_plan_check_through_the_page(client, committee_b, project_b):
    # rule IP-13
    client.force_login(committee_b)
    response = client.post(
        reverse("admission:site_plan", args=[project_b.pk]),
        {
            "sector_code": "36",
            "land_area_m2": "10000",
            "floor_area_m2": "8000",
            "footprint_m2": "4000",
            "green_area_m2": "1000",
            "admin_living_area_m2": "300",
            "uses": ["hotel"],
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("admission:land_project", args=[project_b.pk])).content.decode()
    assert "use.hotel" in html and "工业用地范围内不得建造宾馆" in html


def test_the_enterprise_pages(client, committee_b, site_b, auto_zone):
    # rule IP-14
    client.force_login(committee_b)
    response = client.post(
        reverse("admission:enterprise_new"),
        {"name": "汉江物流有限公司", "zone": auto_zone.pk, "contact_phone": "12345"},
    )
    assert response.status_code == 422 and not Enterprise.objects.exists()
    response = client.post(
        reverse("admission:enterprise_new"),
        {"name": "汉江物流有限公司", "zone": auto_zone.pk, "contact_phone": "13912345678"},
    )
    enterprise = Enterprise.objects.get()
    assert response["Location"] == reverse("admission:enterprise", args=[enterprise.pk])
    client.post(
        reverse("admission:enterprise_duty", args=[enterprise.pk]),
        {"since": "2026-09-01", "period": "monthly", "due_day": "10", "months_after": "1"},
    )
    html = client.get(reverse("admission:enterprise", args=[enterprise.pk])).content.decode()
    assert "逾期未报" in html and "2026-10-10" in html
    response = client.post(
        reverse("admission:enterprise_filing", args=[enterprise.pk]),
        {"period_start": "2026-09-01", "filed_on": "2026-10-09"},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("admission:enterprise_notice", args=[enterprise.pk]),
        {"change": "split", "decided_on": "2026-10-01", "notified_on": "", "written": "on"},
    )
    assert response.status_code == 302
    html = client.get(reverse("admission:enterprise", args=[enterprise.pk])).content.decode()
    assert "notice.missing" in html and "企业分立未事先书面告知园区管委会" in html
    assert "按时报送" in html
    html = client.get(reverse("admission:enterprises")).content.decode()
    assert "汉江物流有限公司" in html


def test_the_policy_page(client, committee_b):
    client.force_login(committee_b)
    assert client.get(reverse("admission:policy")).status_code == 200
    response = client.post(reverse("admission:policy"), {"plot_ratio_min": "36:0.8"})
    assert response.status_code == 422
    response = client.post(
        reverse("admission:policy"), {"idle_fee_rate": "0.2", "plot_ratio_min": "36=0.8"}
    )
    assert response.status_code == 302
    html = client.get(reverse("admission:policy")).content.decode()
    assert "36=0.8" in html


def test_dates_in_the_future_are_refused(client, committee_b, project_b):
    client.force_login(committee_b)
    future = (TODAY + timedelta(days=3)).isoformat()
    response = client.post(
        reverse("admission:step", args=[project_b.pk]),
        {"step": "feasibility_review", "done_on": future},
    )
    assert response.status_code == 422 and "完成日期不能晚于今天" in response.content.decode()


def test_a_line_of_a_land_project_through_its_page(client, committee_a, committee_b, early_b):
    """An action on one line of a project (here ending a stoppage) finds the line of the user's
    site or answers 404, shows the page again with the form's error and 422, and otherwise
    writes and goes back to the project's land page."""
    from .test_land import contracted

    project_b = early_b
    contracted(project_b, committee_b, steps=6, start=date(2025, 1, 6))
    stoppage = services.stoppage_record(
        project=reload(project_b), actor=committee_b, now=NOW, start=date(2026, 4, 1)
    )
    url = reverse("admission:stoppage_end", args=[stoppage.pk])
    client.force_login(committee_a)
    assert client.post(url, {"end": TODAY.isoformat()}).status_code == 404
    client.force_login(committee_b)
    bad = client.post(url, {"end": "abc"})
    assert bad.status_code == 422
    assert project_b.name in bad.content.decode()
    stoppage.refresh_from_db()
    assert stoppage.end is None
    done = client.post(url, {"end": TODAY.isoformat()})
    assert done.status_code == 302
    assert done["Location"] == reverse("admission:land_project", args=[project_b.pk])
    stoppage.refresh_from_db()
    assert stoppage.end == TODAY
