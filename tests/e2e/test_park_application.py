"""An enterprise's application, end to end in a real browser (issue 6 §1): the park committee
opens it, reads every finding explained, and records the feasibility review, which moves the
workflow on."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_committee_reads_the_findings_and_records_the_review(
    browser, live_server, site_b, settings, tmp_path
):
    # rule IP-08
    from gatehouse.admission import services
    from gatehouse.admission.models import Project
    from gatehouse.sites.models import Zone
    from tests.admission.conftest import apply
    from tests.conftest import NOW, _user

    settings.MEDIA_ROOT = tmp_path / "media"
    committee = _user("committee_b", site=site_b, role="park_committee", staff=True)
    zone = Zone.objects.create(
        site=site_b, code="auto", name="汽车产业城", industry_focus="汽车零配件加工和整车装配"
    )
    enterprise = services.enterprise_create(
        site=site_b,
        actor=committee,
        now=NOW,
        name="安康精工汽车零部件有限公司",
        zone=zone,
        industry="汽车零配件加工",
        contact_name="陈志强",
        contact_phone="13912345678",
    )
    project = apply(site_b, committee, enterprise, zone)

    base = live_server.url
    page = browser.new_context(locale="zh-CN").new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "committee_b")
    page.fill("#id_password", "pass-1234")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/park/applications/{project.pk}/")
    text = page.locator("main").inner_text()
    # rule IP-03: the intensity is computed and explained with its numbers
    assert "IP-03" in text and "1,200,000.00元/亩" in text

    form = page.locator("form", has_text="登记下一环节")
    form.locator("[name=done_on]").fill("2026-06-01")
    form.get_by_role("button", name="登记").click()
    page.wait_for_url(f"{base}/park/applications/{project.pk}/")
    assert "committee_b" in page.locator(".workflow").inner_text()
    assert Project.objects.get(pk=project.pk).steps.filter(step="feasibility_review").exists()
