"""The console view kit (issue 13 §1): partial rendering, a form run against a service with the
domain error on its field, and the xlsx download with every row, user text as text."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django import forms
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxDetails
from openpyxl import load_workbook

from gatehouse.console import http
from gatehouse.core.errors import InvalidInput


def _request(**headers: str) -> Any:
    request = RequestFactory().get("/", headers=headers)
    request.htmx = HtmxDetails(request)
    return request


@pytest.mark.parametrize(
    ("headers", "partial"),
    [
        ({}, False),
        ({"HX-Request": "true"}, True),
        ({"HX-Request": "true", "HX-Boosted": "true"}, False),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, False),
    ],
)
def test_only_a_swapping_htmx_request_gets_the_fragment(
    monkeypatch: pytest.MonkeyPatch, headers: dict[str, str], partial: bool
) -> None:
    seen: list[tuple[str, dict[str, Any], int]] = []

    def fake_render(request: Any, template: str, context: Any, status: int) -> HttpResponse:
        seen.append((template, dict(context), status))
        return HttpResponse(status=status)

    monkeypatch.setattr(http, "render", fake_render)
    response = http.render_partial(
        _request(**headers),
        "page.html",
        "_fragment.html",
        {"a": 1},
        422,
        page_context=lambda: {"shell": True},
    )
    assert http.is_partial(_request(**headers)) is partial
    if partial:
        assert seen == [("_fragment.html", {"a": 1}, 422)]
    else:
        assert seen == [("page.html", {"a": 1, "shell": True}, 422)]
    assert response.status_code == 422
    assert "HX-Request" in response["Vary"]


class PlateForm(forms.Form):
    plate = forms.CharField()
    note = forms.CharField(required=False)


def _refuse(field: str) -> Any:
    def call(data: dict[str, Any]) -> Any:
        raise InvalidInput("plate.bad", "车牌号不对", {"field": field})

    return call


def test_a_domain_error_lands_on_the_field_it_names() -> None:
    form = PlateForm({"plate": "沪A12345"})
    assert http.run_form(form, _refuse("plate")) is None
    assert form.errors == {"plate": ["车牌号不对"]}


def test_a_domain_error_naming_no_field_of_the_form_lands_above_it() -> None:
    form = PlateForm({"plate": "沪A12345"})
    assert http.run_form(form, _refuse("elsewhere")) is None
    assert form.non_field_errors() == ["车牌号不对"]


def test_field_of_chooses_where_the_error_lands() -> None:
    form = PlateForm({"plate": "沪A12345"})
    assert http.run_form(form, _refuse("x"), field_of=lambda exc: "note") is None
    assert form.errors == {"note": ["车牌号不对"]}


def test_an_invalid_form_never_reaches_the_service() -> None:
    calls: list[Any] = []
    form = PlateForm({})
    assert http.run_form(form, calls.append) is None
    assert calls == []
    assert "plate" in form.errors


def test_a_service_that_returns_nothing_still_counts_as_done() -> None:
    form = PlateForm({"plate": "沪A12345"})
    assert http.run_form(form, lambda data: None) is True
    assert http.run_form(PlateForm({"plate": "沪B1"}), lambda data: data["plate"]) == "沪B1"


def test_the_xlsx_download_has_every_row_with_user_text_as_text() -> None:
    rows = [["=1+2", 7, None]] + [[f"行{n}", n, "x"] for n in range(10_001)]
    response = http.xlsx_response(
        "登记表-20261204.xlsx", "某小区 · 登记表", ["甲", "乙", "丙"], rows
    )
    assert response["Content-Type"] == http.XLSX_TYPE
    assert "20261204.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "某小区 · 登记表"
    assert sheet["A1"].value == "某小区 · 登记表"
    assert sheet["A1"].font.bold and sheet["A1"].font.size == 14
    assert [c.value for c in sheet[2]] == ["甲", "乙", "丙"]
    assert all(c.font.bold for c in sheet[2])
    assert sheet["A3"].value == "=1+2"
    assert sheet["A3"].data_type == "s"
    assert sheet["A3"].quotePrefix
    assert sheet["B3"].value == 7
    assert sheet["C3"].value is None
    assert sheet.max_row == 2 + len(rows)  # no cap
    assert sheet.column_dimensions["C"].width == 16
