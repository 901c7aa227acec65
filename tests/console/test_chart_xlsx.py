"""Every chart's numbers one click away as xlsx (issue 16 §3): each chart view answers
``?xlsx=NAME`` with chart NAME's numbers table — the same columns and rows the page shows beside
the chart — written by the shared writer; money is a number to the fen, text stays text. Checked
on the demo (scale 0.1, loaded once) for the monitoring board, the manager's week, parking income
and occupancy, the committee's stages and deadlines and the association's ratings."""

from __future__ import annotations

import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from gatehouse.sites.models import Site
from tests.conftest import NOW

pytestmark = pytest.mark.django_db

#: (chart view, a demo login allowed it, the site it is read at, the charts it draws)
CHARTS = (
    ("guard:board_stats", "monitor", "donghu", ("hourly", "refusals", "anomalies", "patrols")),
    ("console:week_stats", "manager", "donghu", ("traffic", "visitors", "patrols", "findings")),
    ("parking:income_stats", "desk", "donghu", ("income_daily", "income_monthly", "occupancy")),
    ("admission:charts", "committee", "wuli", ("stages", "deadlines")),
    ("governance:rating_charts", "association", None, ("stars",)),
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from gatehouse.demo.load import build_demo

    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield build_demo(scale=0.1, now=NOW)
        transaction.set_rollback(True)


def _login(client, username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


def _same(shown, written) -> bool:
    """A cell of the page's table (JSON) and of the xlsx hold the same figure: money (the page's
    ``12.50``) is the number 12.50 in the xlsx, a count the same integer, text the same text."""
    if isinstance(written, int | float) and isinstance(shown, str):
        return Decimal(shown) == Decimal(str(written))
    return shown == written


@pytest.mark.parametrize(("view", "username", "code", "names"), CHARTS)
def test_each_charts_xlsx_has_the_numbers_of_its_table(demo, client, view, username, code, names):
    _login(client, username)
    url = reverse(view)
    shown = client.get(url).json()
    assert set(shown["charts"]) == set(names)
    site = Site.objects.get(code=code).name if code else None
    filled = 0
    for name in names:
        spec = shown["charts"][name]
        got = client.get(url, {"xlsx": name})
        assert got.status_code == 200, name
        assert got["Content-Type"].startswith("application/vnd.openxmlformats")
        wanted = quote(f"{spec['title']}-{NOW:%Y%m%d}.xlsx")
        assert got["Content-Disposition"].endswith(wanted)
        values = list(load_workbook(io.BytesIO(b"".join(got.streaming_content))).active.values)
        title = values[0][0]
        assert title.endswith(f" · {spec['title']}") and spec["title"]
        if site is not None:
            assert title == f"{site} · {spec['title']}"
        assert values[1][0].startswith("导出时间：")
        assert list(values[2][: len(spec["columns"])]) == spec["columns"]
        rows = [list(r[: len(spec["columns"])]) for r in values[3:]]
        assert len(rows) == len(spec["rows"]), name
        for page_row, xlsx_row in zip(spec["rows"], rows, strict=True):
            assert all(_same(a, b) for a, b in zip(page_row, xlsx_row, strict=True)), (
                name,
                page_row,
                xlsx_row,
            )
        filled += bool(rows)
    assert filled  # the demo gives every dashboard numbers


def test_money_is_a_number_to_the_fen_in_the_xlsx(demo, client):
    from gatehouse.parking.charts import parking_stats

    _login(client, "desk")
    stats = parking_stats(Site.objects.get(code="donghu"), NOW)
    expected = dict(stats["charts"]["income_daily"]["rows"])
    got = client.get(reverse("parking:income_stats"), {"xlsx": "income_daily"})
    book = load_workbook(io.BytesIO(b"".join(got.streaming_content)))
    cells = list(book.active.iter_rows(min_row=4))
    assert len(cells) == len(expected) == 30
    paid = 0
    for day, money in cells:
        assert isinstance(money.value, int | float) and money.number_format == "0.00"
        assert Decimal(str(money.value)).quantize(Decimal("0.01")) == expected[day.value]
        paid += money.value != 0
    assert paid >= 3  # the demo's days of money


def test_an_unknown_chart_is_404_with_a_code_and_the_xlsx_keeps_the_views_roles(demo, client):
    _login(client, "monitor")
    got = client.get(reverse("guard:board_stats"), {"xlsx": "nonsense"})
    assert got.status_code == 404 and got.json()["code"] == "chart.unknown"
    assert got.json()["message"] == "没有这个图表。"
    _login(client, "guard_east")
    assert client.get(reverse("guard:board_stats"), {"xlsx": "hourly"}).status_code == 403
    assert client.get(reverse("console:week_stats"), {"xlsx": "traffic"}).status_code == 403


def test_each_chart_on_a_page_has_its_download_link(demo, client):
    _login(client, "monitor")
    html = client.get(reverse("guard:board")).content.decode()
    assert html.count("data-xlsx") == 4 and "下载 xlsx" in html
