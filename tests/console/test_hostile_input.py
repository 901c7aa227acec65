"""Hostile input to the console gets a styled 4xx page, never a 500, and writes nothing
(issue 12 §5); a forbidden page is logged as one line."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from gatehouse.guard.models import Ticket
from gatehouse.people.models import Person
from tests.console.test_import import _workbook, upload
from tests.guard.conftest import monitor_a  # noqa: F401 (fixture)

HOTLINE = {"kind": "call", "caller": "王女士", "phone": "", "subject": "咨询停车"}


@pytest.mark.usefixtures("monitor_a")
@pytest.mark.parametrize("field", ["caller", "subject"])
def test_a_nul_in_a_form_field_is_a_422_page_and_writes_nothing(client, site_a, desk_a, field):
    client.force_login(desk_a)
    response = client.post(reverse("guard:hotline"), {**HOTLINE, field: "咨询\x00停车"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "空字符（NUL）" in html and "未保存任何内容" in html
    assert 'data-code="input.nul"' in html
    assert Ticket.objects.count() == 0
    # The same form without the NUL is accepted (the refusal was the NUL's).
    assert client.post(reverse("guard:hotline"), HOTLINE).status_code == 302


@pytest.mark.parametrize(
    "params", [{"q": "张\x00"}, {"page": "1\x00"}, {"\x00": "1"}], ids=["q", "page", "key"]
)
def test_a_nul_in_a_query_is_a_422_page(client, desk_a, params):
    client.force_login(desk_a)
    response = client.get(reverse("console:people"), params)
    assert response.status_code == 422
    assert "空字符（NUL）" in response.content.decode()


def test_the_422_page_speaks_english_on_request(client, desk_a):
    client.force_login(desk_a)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("console:people"), {"q": "\x00"})
    assert response.status_code == 422
    assert "NUL character" in response.content.decode()


def test_a_nul_in_the_session_cookie_is_a_422_page(client):
    client.cookies["sessionid"] = "abcdefghij\x00klmnop"
    assert client.get(reverse("console:home")).status_code == 422


@pytest.mark.parametrize("page", ["9223372036854775808", "99999999999999999999", "-1", "x"])
def test_a_page_number_out_of_range_is_answered(client, desk_a, resident_a, page):
    client.force_login(desk_a)
    response = client.get(reverse("console:people"), {"q": "张", "page": page})
    assert response.status_code == 200


def test_the_event_log_cursor_out_of_range_is_answered(client, manager_a):
    client.force_login(manager_a)
    cursor = "2026-11-24T09:30:00+08:00|9223372036854775808"
    response = client.get(reverse("registers:events"), {"before": cursor})
    assert response.status_code in {200, 422}


@pytest.mark.usefixtures("monitor_a")
def test_a_form_over_the_limit_is_a_413_page(client, settings, site_a, desk_a):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    client.force_login(desk_a)
    response = client.post(reverse("guard:hotline"), {**HOTLINE, "subject": "长" * 2000})
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
    assert Ticket.objects.count() == 0


def test_an_upload_keeps_its_own_larger_limit(client, settings, desk_a, site_a, house_a):
    # Uploaded files are not counted against the form limit: an import larger than it goes in.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = _workbook(
        [["王芳", "业主", "110105199001011232", "13912345678", "3-2-1201", "00A1B2C3"]]
    )
    assert len(body) > 1000
    client.force_login(desk_a)
    response = client.post(
        reverse("console:import_people"), {"file": upload(body=body)}, follow=True
    )
    assert response.status_code == 200
    assert Person.objects.filter(site=site_a, name="王芳").exists()


def test_a_forbidden_page_is_logged_as_one_line(client, guard_a, caplog):
    client.force_login(guard_a)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(reverse("parking:passes")).status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.exc_info is None and record.exc_text is None
    line = record.getMessage()
    assert "\n" not in line
    assert "/parking/passes/" in line and f"user={guard_a.pk}" in line
    assert "reason=" in line
