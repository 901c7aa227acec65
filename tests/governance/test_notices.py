"""Rectification notices (限期整改通知书, issue 17 §3, SPEC GV-04): issued to a property company, a
house or an enterprise with a number per site and year; delivered against a signed receipt;
checked at the deadline; the register (xlsx, A4) and the notice's own A4 paper.

Today is 24 Nov 2026 (``tests.conftest.NOW``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO
from urllib.parse import unquote

import pytest
import time_machine
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.governance import notice_selectors, notices, services
from gatehouse.governance.models import RectificationNotice
from tests.conftest import NOW, SHANGHAI, _user
from tests.registers.test_paper import _assert_clean, _flat, _read

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)
DEADLINE = date(2026, 12, 10)


def _issue(site, actor, *, now=NOW, **kw):
    args = {
        "kind": "company",
        "finding": "3号楼消防通道堆放杂物",
        "items": "清理3号楼消防通道\n设置禁止堆放标识",
        "basis": "《中华人民共和国消防法》第二十八条",
        "deadline": DEADLINE,
        "issuer": "区物业行业协会",
    } | kw
    return notices.notice_issue(site=site, actor=actor, now=now, **args)


@pytest.fixture
def notice_a(site_a, association_a, chutian, project_a):
    return _issue(site_a, association_a, company_id=chutian.pk)


def _deliver(notice, actor, at=NOW):
    return notices.notice_deliver(
        notice=notice, actor=actor, now=NOW, delivered_at=at, receiver="李经理", method="in_person"
    )


# -- the services -----------------------------------------------------------------------------


def test_a_notice_is_numbered_per_site_and_year(site_a, site_b, association_a, notice_a, chutian):
    # rule GV-04: a rectification notice with a deadline, numbered, on the record
    assert notice_a.number == "整改-2026-0001"
    assert notice_a.recipient == "武汉楚天物业服务有限公司" and notice_a.company == chutian
    assert notice_a.items == "清理3号楼消防通道\n设置禁止堆放标识"
    assert notice_selectors.stage(notice_a, TODAY) == "issued"
    entry = AuditEntry.objects.get(action="governance.notice.issue")
    assert entry.site == site_a and entry.after["number"] == "整改-2026-0001"
    assert _issue(site_a, association_a, company_id=chutian.pk).number == "整改-2026-0002"
    next_year = datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI)
    later = _issue(
        site_a, association_a, company_id=chutian.pk, now=next_year, deadline=date(2027, 2, 1)
    )
    assert later.number == "整改-2027-0001"


def test_a_lost_race_for_the_number_takes_the_next(site_a, association_a, notice_a, monkeypatch):
    real = notice_selectors.taken_numbers
    calls = []

    def stale(site, year):  # the first try sees the state before another desk's insert
        calls.append(1)
        return [] if len(calls) == 1 else real(site, year)

    monkeypatch.setattr(notice_selectors, "taken_numbers", stale)
    again = _issue(site_a, association_a, company_id=notice_a.company_id)
    assert again.number == "整改-2026-0002" and len(calls) == 2


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"deadline": TODAY}, "notice.deadline_not_after_issue"),
        ({"items": " \n "}, "notice.items_empty"),
        ({"basis": ""}, "notice.basis_empty"),
        ({"company_id": None}, "notice.company"),
        ({"kind": "house", "house_number": "9-9-9999"}, "notice.house"),
        ({"kind": "enterprise", "enterprise_id": 999}, "notice.enterprise"),
        ({"kind": "nobody"}, "notice.kind"),
        ({"issuer": " "}, "issuer.empty"),
    ],
)
def test_a_bad_notice_writes_nothing(site_a, association_a, chutian, project_a, change, code):
    # rule GV-04
    with pytest.raises(InvalidInput) as caught:
        _issue(site_a, association_a, **({"company_id": chutian.pk} | change))
    assert caught.value.code == code
    assert (
        not RectificationNotice.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="governance.notice").exists()
    )


def test_a_company_of_another_site_is_not_a_recipient(site_b, association_b, chutian, project_a):
    with pytest.raises(InvalidInput) as caught:
        _issue(site_b, association_b, company_id=chutian.pk)
    assert caught.value.code == "notice.company"


def test_delivered_then_rectified_closes_the_notice_and_its_item(
    site_a, association_a, campaign_item
):
    # rule GV-04: delivered (to whom, when, how), then checked: rectified
    notice = _issue(site_a, association_a, item=campaign_item)
    assert notice.company == campaign_item.inspection.project.company
    delivered = _deliver(notice, association_a)
    assert delivered.delivered_to == "李经理" and delivered.delivery_method == "in_person"
    assert notice_selectors.stage(delivered, TODAY) == "delivered"
    with pytest.raises(DomainError) as caught:
        _deliver(delivered, association_a)
    assert caught.value.code == "notice.already_delivered"
    closed = notices.notice_close(
        notice=delivered, actor=association_a, now=NOW, checked_on=TODAY, result="rectified"
    )
    assert closed.result == "rectified" and closed.checked_by == association_a
    assert notice_selectors.stage(closed, date(2027, 1, 1)) == "rectified"
    campaign_item.refresh_from_db()
    assert campaign_item.rectified_on == TODAY
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"governance.notice.deliver", "governance.notice.close"} <= actions
    assert "governance.item.rectified" in actions


def test_not_rectified_only_from_the_deadline(site_a, association_a, notice_a):
    # rule GV-04: 限期整改仍不到位 is judged at the deadline, not before
    delivered = _deliver(notice_a, association_a)
    with pytest.raises(InvalidInput) as caught:
        notices.notice_close(
            notice=delivered, actor=association_a, now=NOW, checked_on=TODAY, result="not_rectified"
        )
    assert caught.value.code == "notice.before_deadline"
    assert RectificationNotice.objects.get().result == ""
    after = datetime(2026, 12, 11, 10, 0, tzinfo=SHANGHAI)
    assert notice_selectors.stage(delivered, after.date()) == "overdue"
    closed = notices.notice_close(
        notice=delivered,
        actor=association_a,
        now=after,
        checked_on=after.date(),
        result="not_rectified",
        note="杂物仍未清理",
    )
    assert notice_selectors.stage(closed, after.date()) == "not_rectified"


def test_a_notice_never_delivered_cannot_be_closed(site_a, association_a, notice_a):
    with pytest.raises(DomainError) as caught:
        notices.notice_close(
            notice=notice_a, actor=association_a, now=NOW, checked_on=TODAY, result="rectified"
        )
    assert caught.value.code == "notice.not_delivered"


# -- the pages --------------------------------------------------------------------------------


def test_the_association_issues_delivers_and_closes_on_its_pages(
    client, site_a, association_a, chutian, project_a
):
    client.force_login(association_a)
    form = client.get(reverse("governance:notice_new"))
    assert form.status_code == 200 and "区物业行业协会" in form.content.decode()
    bad = client.post(
        reverse("governance:notice_new"),
        {
            "kind": "company",
            "company": str(chutian.pk),
            "finding": "毁绿",
            "items": "恢复绿地",
            "basis": "管理规约",
            "deadline": "2026-11-24",
            "issuer": "区物业行业协会",
        },
    )
    assert bad.status_code == 422 and "整改期限须晚于下达日期" in bad.content.decode()
    assert not RectificationNotice.objects.exists()
    made = client.post(
        reverse("governance:notice_new"),
        {
            "kind": "company",
            "company": str(chutian.pk),
            "finding": "毁绿种菜",
            "items": "恢复绿地\n清除种植物",
            "basis": "《物业管理条例》第五十条",
            "deadline": "2026-12-10",
            "issuer": "区物业行业协会",
        },
    )
    notice = RectificationNotice.objects.get()
    url = reverse("governance:notice", args=[notice.pk])
    assert made.status_code == 302 and made["Location"] == url
    page = client.get(url).content.decode()
    assert "整改-2026-0001" in page and f'href="{url}?print=pdf"' in page
    assert 'data-stage="issued"' in page
    refused = client.post(
        reverse("governance:notice_deliver", args=[notice.pk]),
        {"delivered_at": "2026-11-25T09:00", "receiver": "李经理", "method": "in_person"},
    )
    assert refused.status_code == 422 and "送达时间不能晚于现在" in refused.content.decode()
    early = client.post(
        reverse("governance:notice_deliver", args=[notice.pk]),
        {"delivered_at": "2026-11-24T09:00", "receiver": "李经理", "method": "in_person"},
    )
    assert early.status_code == 422 and "送达时间不能早于下达时间" in early.content.decode()
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        client.post(
            reverse("governance:notice_deliver", args=[notice.pk]),
            {"delivered_at": "2026-11-24T11:00", "receiver": "李经理", "method": "in_person"},
        )
        closed = client.post(
            reverse("governance:notice_close", args=[notice.pk]),
            {"checked_on": "2026-11-24", "result": "rectified", "note": "已恢复"},
        )
    assert closed.status_code == 302
    notice.refresh_from_db()
    assert notice.delivered_to == "李经理" and notice.result == "rectified"
    assert 'data-stage="rectified"' in client.get(url).content.decode()


def test_the_manager_issues_to_a_house_and_the_park_to_an_enterprise(
    client, site_a, site_b, manager_a, house_a
):
    from gatehouse.people.models import Enterprise

    client.force_login(manager_a)
    client.post(
        reverse("governance:notice_new"),
        {
            "kind": "house",
            "house_number": "3-2-1201",
            "finding": "阳台违章搭建",
            "items": "拆除违章搭建",
            "basis": "《管理规约》第八条",
            "deadline": "2026-12-24",
            "issuer": "东湖花园物业服务中心",
        },
    )
    notice = RectificationNotice.objects.get()
    assert notice.house == house_a and notice.recipient == "3-2-1201 业主/住户"
    park = _user("park_b", site=site_b, role="park_committee")
    enterprise = Enterprise.objects.create(site=site_b, name="西岭精密机械有限公司")
    client.force_login(park)
    assert "园区管委会" in client.get(reverse("governance:notice_new")).content.decode()
    client.post(
        reverse("governance:notice_new"),
        {
            "kind": "enterprise",
            "enterprise": str(enterprise.pk),
            "finding": "厂区内搭建宿舍",
            "items": "拆除厂区内宿舍",
            "basis": "入园协议第十二条（IP-13）",
            "deadline": "2027-01-31",
            "issuer": "园区管委会",
        },
    )
    other = RectificationNotice.objects.get(site=site_b)
    assert other.enterprise == enterprise and other.number == "整改-2026-0001"


def test_other_roles_and_sites_get_nothing(client, guard_a, desk_a, association_b, notice_a):
    for user in (guard_a, desk_a):
        client.force_login(user)
        for url in (
            reverse("governance:notices"),
            reverse("governance:notice_new"),
            reverse("governance:notice", args=[notice_a.pk]),
        ):
            assert client.get(url).status_code == 403, (user, url)
        assert (
            client.get(
                reverse("governance:notice", args=[notice_a.pk]), {"print": "pdf"}
            ).status_code
            == 403
        )
    client.force_login(association_b)
    assert client.get(reverse("governance:notice", args=[notice_a.pk])).status_code == 404
    response = client.get(reverse("governance:notice", args=[notice_a.pk]), {"print": "pdf"})
    assert response.status_code == 404


def test_the_register_flags_overdue_notices_and_exports(
    client, site_a, association_a, chutian, project_a
):
    from openpyxl import load_workbook

    early = NOW - timedelta(days=30)
    late = _issue(
        site_a,
        association_a,
        company_id=chutian.pk,
        now=early,
        deadline=date(2026, 11, 20),
        finding="垃圾清运不及时",
    )
    _deliver(late, association_a, at=early + timedelta(hours=2))
    fresh = _issue(site_a, association_a, company_id=chutian.pk)
    client.force_login(association_a)
    page = client.get(reverse("governance:notices"))
    html = page.content.decode()
    assert late.number in html and fresh.number in html and "row-refused" in html
    assert "逾期未复查" in html and "print=pdf" in html
    overdue = client.get(reverse("governance:notices"), {"stage": "overdue"}).content.decode()
    assert late.number in overdue and fresh.number not in overdue
    export = client.get(reverse("governance:notices"), {"export": "xlsx"})
    sheet = load_workbook(BytesIO(b"".join(export.streaming_content))).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][0] == "通知书编号" and {values[2][0], values[3][0]} == {
        late.number,
        fresh.number,
    }
    printed = client.get(reverse("governance:notices"), {"print": "pdf"})
    reader, text = _read(b"".join(printed.streaming_content))
    flat = _flat(text)
    assert "限期整改通知书" in flat and "逾期未复查" in flat and "经办人（签字）" in flat
    assert "第1页共1页" in flat
    _assert_clean(reader, text)


def test_the_notice_prints_on_a4_with_its_signature_lines(client, association_a, notice_a):
    client.force_login(association_a)
    response = client.get(reverse("governance:notice", args=[notice_a.pk]), {"print": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "整改-2026-0001.pdf" in unquote(response["Content-Disposition"])
    reader, text = _read(b"".join(response.streaming_content))
    flat = _flat(text)
    assert "限期整改通知书" in flat and "东湖花园" in flat and "编号：整改-2026-0001" in flat
    assert "武汉楚天物业服务有限公司：" in flat and "3号楼消防通道堆放杂物" in flat
    assert "清理3号楼消防通道" in flat and "设置禁止堆放标识" in flat
    assert (
        "依据《中华人民共和国消防法》第二十八条" in flat and "请于2026年12月10日前整改完毕" in flat
    )
    for line in ("发出单位（盖章）", "签收人（签字）", "送达人（签字）", "日期", "送达回执"):
        assert line in flat, line
    assert "第1页共1页" in flat
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1
    _assert_clean(reader, text)


@pytest.fixture
def campaign_item(site_a, association_a, project_a):
    campaign = services.campaign_create(
        site=site_a,
        actor=association_a,
        now=NOW,
        title="2026年封闭式小区环境综合整治",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 12, 31),
    )
    inspection = services.inspection_record(
        campaign=campaign,
        project=project_a,
        actor=association_a,
        now=NOW,
        inspected_on=date(2026, 11, 20),
        inspectors="张明亮",
    )
    return services.item_issue(
        inspection=inspection,
        actor=association_a,
        now=NOW,
        ref="东湖整改〔2026〕5号",
        finding="消防通道堆放杂物",
        deadline=DEADLINE,
    )


def test_an_items_page_leads_to_its_notice(client, association_a, campaign_item):
    client.force_login(association_a)
    url = reverse("governance:item", args=[campaign_item.pk])
    assert f"?item={campaign_item.pk}" in client.get(url).content.decode()
    form = client.get(reverse("governance:notice_new"), {"item": campaign_item.pk})
    html = form.content.decode()
    assert form.status_code == 200 and "消防通道堆放杂物" in html and "2026-12-10" in html


def test_only_the_association_issues_for_an_inspections_item(client, manager_a, campaign_item):
    client.force_login(manager_a)
    response = client.get(reverse("governance:notice_new"), {"item": campaign_item.pk})
    assert response.status_code == 404
