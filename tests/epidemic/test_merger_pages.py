"""The pages of T8·2 and T8·11: setting up and ending a merger of compounds behind unified
entrances (M-05), its passages' register, and the property company's written commitment (承诺书)
with its template PDF and the manager's board's warning."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gatehouse.accounts.models import Membership
from gatehouse.audit.models import AuditEntry
from gatehouse.console.context import SESSION_SITE_KEY
from gatehouse.core.errors import InvalidInput
from gatehouse.epidemic import services
from gatehouse.epidemic.models import Commitment, UnifiedEntrance
from gatehouse.sites.models import Gate
from tests.conftest import NOW

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% signed scan\n"


@pytest.fixture
def boss(manager_a, site_b):
    Membership.objects.create(user=manager_a, site=site_b, role="security_manager")
    return manager_a


def test_manager_sets_up_and_ends_a_merger_on_the_page(client, boss, site_a, site_b, lanes_a):
    # rule M-05: the form takes the compounds and gates the manager manages; a bad window is
    # refused on its field (422, nothing written); ending restores the site's own rules
    north = Gate.objects.create(site=site_b, code="north", name="北门")
    client.force_login(boss)
    url = reverse("epidemic:mergers")
    with time_machine.travel(NOW, tick=False):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "西岭工业园·北门" in html and "东湖花园·东门" in html
        form = {
            "name": "东片区合并",
            "members": [str(site_a.pk), str(site_b.pk)],
            "gates": [str(north.pk)],
            "valid_from": "2026-11-24T09:00",
            "valid_until": "2026-11-24T08:00",
            "reason": "疫情防控，两小区合并",
        }
        bad = client.post(url, form)
        assert bad.status_code == 422
        assert "结束时间须晚于开始时间" in bad.content.decode()
        assert not UnifiedEntrance.objects.exists()
        assert client.post(url, form | {"valid_until": ""}).status_code == 302
    merger = UnifiedEntrance.objects.get()
    assert merger.created_by == boss and merger.valid_until is None
    site_a.refresh_from_db()
    assert site_a.unified_entrance == merger
    with time_machine.travel(NOW, tick=False):
        listed = client.get(url).content.decode()
        assert "进行中" in listed and "北门" in listed
        end_url = reverse("epidemic:merger_end", args=[merger.pk])
        assert client.post(end_url, {"end_reason": " "}).status_code == 422
        assert client.post(end_url, {"end_reason": "疫情解除"}).status_code == 302
    merger.refresh_from_db()
    assert merger.ended_by == boss and merger.end_reason == "疫情解除"
    site_a.refresh_from_db()
    assert site_a.unified_entrance is None
    assert AuditEntry.objects.filter(action="site.merger_end").count() == 2


def test_front_desk_sees_but_cannot_set_up(client, desk_a, site_a, lanes_a):
    # rule M-05: only a security manager sets up or ends a merger
    client.force_login(desk_a)
    url = reverse("epidemic:mergers")
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="merger-form"' not in page.content.decode()
    assert client.post(url, {"name": "x"}).status_code == 403
    assert not UnifiedEntrance.objects.exists()


def test_merged_passages_register_lists_the_sites_people(client, boss, site_a, site_b, lanes_a):
    # rule M-05: the register of the person's own site (site B) shows the passage at A
    from gatehouse.gate.decide import gate_read
    from gatehouse.people import services as people
    from gatehouse.sites.models import Lane

    person = people.person_create(
        site=site_b, actor=boss, name="李娜", kind="employee", now=NOW - timedelta(days=1)
    )
    people.credential_issue(
        site=site_b,
        person=person,
        kind="staff_badge",
        number="11223344",
        valid_from=NOW - timedelta(days=1),
        actor=boss,
        now=NOW - timedelta(days=1),
    )
    services.merger_set_up(
        site=site_a,
        actor=boss,
        name="东片区合并",
        member_ids=[site_b.pk],
        gate_ids=[lanes_a["east/walk-in"].gate_id],
        valid_from=NOW - timedelta(hours=1),
        valid_until=None,
        reason="疫情防控",
        now=NOW - timedelta(hours=1),
    )
    lane = Lane.objects.select_related("gate__site").get(pk=lanes_a["east/walk-in"].pk)
    assert gate_read(lane=lane, kind="card", value="11223344", now=NOW).decision.allowed
    client.force_login(boss)
    session = client.session
    session[SESSION_SITE_KEY] = site_b.pk
    session.save()
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("epidemic:merged_passages")).content.decode()
    assert "李*" in html and "东湖花园" in html and "东片区合并" in html
    # The gate site's retention purged the event (its id stays, pointing at nothing): the
    # person's own site still lists the passage, with its gate and direction.
    from gatehouse.epidemic.models import MergedPassage

    MergedPassage.objects.update(event_id=10**9)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("epidemic:merged_passages")).content.decode()
    gate = lanes_a["east/walk-in"]
    assert "李*" in html and f"{gate.gate.name}·{gate.name}" in html and ">进<" in html


def _commit(site, actor, **kw):
    values = {
        "site": site,
        "actor": actor,
        "company": "东湖物业服务有限公司",
        "items": "封闭管理\n每日消毒\n\n",
        "signatory": "赵强",
        "signed_on": date(2026, 11, 20),
        "valid_from": date(2026, 11, 20),
        "valid_until": date(2026, 12, 31),
        "scan": SimpleUploadedFile("承诺书.pdf", PDF, content_type="application/pdf"),
        "now": NOW,
    }
    return services.commitment_record(**(values | kw))


def test_commitment_recorded_with_its_scan(site_a, manager_a):
    # T8·11: the commitments, the signatory, the window and the scan; audited
    c = _commit(site_a, manager_a)
    assert c.item_list() == ["封闭管理", "每日消毒"]
    assert c.scan_name == "承诺书.pdf" and c.scan.read() == PDF
    assert AuditEntry.objects.filter(action="epidemic.commitment_record").count() == 1
    for kw, code in (
        ({"valid_until": date(2026, 11, 1)}, "commitment.window"),
        ({"signed_on": date(2026, 11, 25)}, "commitment.signed_on"),
        ({"items": " \n "}, "commitment.items"),
        ({"company": " "}, "commitment.company"),
        ({"scan": SimpleUploadedFile("x.pdf", b"MZ not a pdf")}, "upload.content"),
        ({"scan": None}, "upload.missing"),
    ):
        with pytest.raises(InvalidInput) as refused:
            _commit(site_a, manager_a, **kw)
        assert refused.value.code == code
    assert Commitment.objects.count() == 1


def test_board_warns_of_epidemic_mode_without_a_current_commitment(
    client, site_a, manager_a, lanes_a
):
    # T8·11: the manager's board shows the site in epidemic mode without a current commitment
    from gatehouse.access import modes

    client.force_login(manager_a)
    board = reverse("guard:board")
    with time_machine.travel(NOW, tick=False):
        assert 'data-testid="board-commitment"' not in client.get(board).content.decode()
        modes.mode_switch(
            site=site_a, actor=manager_a, to_mode="epidemic", reason="疫情防控", now=NOW
        )
        assert 'data-testid="board-commitment"' in client.get(board).content.decode()
        _commit(site_a, manager_a)
        assert 'data-testid="board-commitment"' not in client.get(board).content.decode()
    with time_machine.travel(NOW + timedelta(days=60), tick=False):
        client.force_login(manager_a)  # the session of 60 days ago has expired
        assert 'data-testid="board-commitment"' in client.get(board).content.decode()


def test_commitment_pages_template_pdf_and_scan(client, site_a, site_b, manager_a, manager_b):
    # T8·11: the page lists it; the template is an A4 PDF; the scan is served to the site only
    c = _commit(site_a, manager_a)
    client.force_login(manager_a)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("epidemic:commitments")).content.decode()
        assert "东湖物业服务有限公司" in html and "当前有效" in html
        pdf = client.get(reverse("epidemic:commitment_template"))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")
        scan = client.get(reverse("epidemic:commitment_scan", args=[c.pk]))
        assert scan.status_code == 200 and b"".join(scan.streaming_content) == PDF
        bad = client.post(
            reverse("epidemic:commitments"),
            {
                "company": "东湖物业",
                "items": "封闭管理",
                "signatory": "赵强",
                "signed_on": "2026-11-20",
                "valid_from": "2026-11-20",
                "valid_until": "2026-12-31",
            },
        )
        assert bad.status_code == 422 and "请上传签字盖章后的扫描件" in bad.content.decode()
    client.force_login(manager_b)
    assert client.get(reverse("epidemic:commitment_scan", args=[c.pk])).status_code == 404
