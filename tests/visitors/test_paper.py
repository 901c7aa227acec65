"""The visitors' pass (装修出入证, 介绍信, 临时出入证) printed on the server (issue 16 §1): an A6
card inside crop marks on A4, its number, its QR and the terminal's code; the ID number masked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import ID_LI
from tests.registers.test_paper import _assert_clean, _flat, _read

from .test_passes import _issue

pytestmark = pytest.mark.django_db


def test_the_pass_prints_as_a_card_with_both_codes(client, site_a, house_a, desk_a):
    p = _issue(site_a, desk_a, id_number=ID_LI)
    client.force_login(desk_a)
    url = reverse("passes:print", args=[p.pk])
    page = client.get(url).content.decode()
    assert f'href="{url}?print=pdf"' in page and "window.print()" not in page
    response = client.get(url, {"print": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    reader, text = _read(b"".join(response.streaming_content))
    flat = _flat(text)
    assert "装修出入证" in flat and "东湖花园" in flat and f"证号：{p.number}" in flat
    assert "王师傅" in flat and "好家装饰" in flat and "3-2-1201" in flat
    assert "出入证二维码" in flat and "门禁终端扫码" in flat
    assert "110105********1232" in flat and ID_LI not in flat
    assert "第1页共1页" in flat and "已撤销" not in flat
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 1 and abs(float(box.height) - 841.9) < 1
    _assert_clean(reader, text)


def test_a_revoked_pass_prints_stamped(client, site_a, house_a, desk_a):
    from gatehouse.visitors import passes
    from tests.conftest import NOW

    p = _issue(site_a, desk_a)
    passes.pass_revoke(pass_=p, actor=desk_a, reason="装修完工", now=NOW)
    client.force_login(desk_a)
    response = client.get(reverse("passes:print", args=[p.pk]), {"print": "pdf"})
    _reader, text = _read(b"".join(response.streaming_content))
    assert "已撤销" in _flat(text)


def test_the_pass_pdf_is_the_desks_of_its_site(client, site_a, house_a, desk_a, guard_a, manager_b):
    p = _issue(site_a, desk_a)
    url = reverse("passes:print", args=[p.pk])
    client.force_login(guard_a)
    assert client.get(url, {"print": "pdf"}).status_code == 403
    client.force_login(manager_b)
    assert client.get(url, {"print": "pdf"}).status_code == 404
