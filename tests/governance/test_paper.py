"""A property company's credit file (诚信档案) printed on the server (issue 16 §1): A4, the
company, its tender eligibility, its dishonesty records and warnings, the sign-off lines."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from gatehouse.governance import services
from tests.conftest import NOW
from tests.registers.test_paper import _assert_clean, _flat, _read

pytestmark = pytest.mark.django_db


def test_the_credit_file_prints_per_company(client, association_a, chutian, project_a):
    # rule GV-02: the dishonesty record and its five-year ban are on the paper
    services.credit_record_add(
        company=chutian,
        site=project_a.site,
        actor=association_a,
        now=NOW,
        recorded_on=date(2025, 3, 1),
        reason="擅自撤离小区",
        source="区房管局通报",
    )
    client.force_login(association_a)
    url = reverse("governance:company", args=[chutian.pk])
    page = client.get(url).content.decode()
    assert f'href="{url}?print=pdf"' in page  # the 打印 button
    response = client.get(url, {"print": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader, text = _read(b"".join(response.streaming_content))
    flat = _flat(text)
    assert "诚信档案" in flat and "东湖花园" in flat and "武汉楚天物业服务有限公司" in flat
    for label in ("列入日期", "失信事实", "依据", "禁止竞标至", "警示期间", "原因"):
        assert label in flat, label
    assert "2025-03-01擅自撤离小区区房管局通报2030-03-01" in flat
    assert "禁止参与招投标" in flat and "GV-02" in flat
    for line in ("经办人（签字）", "审核人（签字）", "物业行业协会（盖章）", "日期"):
        assert line in flat, line
    assert "第1页共1页" in flat
    box = reader.pages[0].mediabox
    assert float(box.width) < float(box.height)  # A4 portrait
    _assert_clean(reader, text)


def test_only_the_association_gets_the_credit_file(client, chutian, manager_a, association_b):
    url = reverse("governance:company", args=[chutian.pk])
    client.force_login(manager_a)
    assert client.get(url, {"print": "pdf"}).status_code == 403
    client.force_login(association_b)  # another site's association: not a company of its site
    assert client.get(url, {"print": "pdf"}).status_code == 404
