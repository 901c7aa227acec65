"""The register engine: declarations, one view for every register, the printable page."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from gatehouse.registers import engine
from gatehouse.visitors.models import Visit

from .conftest import VISITOR_ID, VISITOR_ID_MASKED

DAY = {"date_from": "2026-11-24", "date_to": "2026-11-24"}


class _NoFilter(forms.Form):
    pass


def _declaration(key: str, *cols: engine.Column) -> engine.Register:
    return engine.Register(key, "t", cols, _NoFilter, lambda site: Visit.objects.none(), "—")


def test_every_declared_page_has_its_url():
    keys = {item.key for item in engine.declared()}
    assert {
        "registers:index",
        "registers:visits",
        "registers:staff_exits",
        "registers:mail",
        "goods:registers",
        "goods:register_releases",
        "goods:register_entries",
        "vehicles:register",
        "parking:passes",
        "parking:leases",
    } <= keys
    for key in keys:
        assert reverse(key)


def test_a_column_without_a_cell_needs_a_row_renderer():
    with pytest.raises(ValueError, match="without a cell"):
        _declaration("x:no_cell", engine.Column("名称"))


def test_a_key_is_declared_once(monkeypatch):
    monkeypatch.setattr(engine, "_DECLARED", dict(engine._DECLARED))
    first = _declaration("x:twice", engine.Column("名称", str))
    engine.declare(first)
    engine.declare(first)  # the same declaration again (a module imported twice) is harmless
    with pytest.raises(ValueError, match="declared twice"):
        engine.declare(_declaration("x:twice", engine.Column("名称", str)))


def test_cells_rendered_column_by_column():
    spec = engine.Register(
        "x:cells",
        "t",
        (engine.Column("甲", lambda o: o["a"]), engine.Column("乙", lambda o: o["b"])),
        _NoFilter,
        lambda site: Visit.objects.none(),
        "—",
        css=lambda o: "row-" + o["a"],
    )
    assert spec.table([{"a": "1", "b": "2"}]) == [
        {"css": "row-1", "pairs": [("甲", "1"), ("乙", "2")]}
    ]


@pytest.mark.django_db
def test_the_printable_register_has_every_filtered_row_and_no_pager(
    client, manager_a, visitor_inside
):
    client.force_login(manager_a)
    page = client.get(reverse("registers:visits"), DAY).content.decode()
    assert "print=pdf" in page  # the page offers its paper form (print=1: the plain page)
    response = client.get(reverse("registers:visits"), {**DAY, "print": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "window.print()" in html and "来客进出登记表" in html
    assert html.count("<tr class=") == 1 and 'class="pager"' not in html
    assert VISITOR_ID_MASKED in html and VISITOR_ID not in html


def test_a_register_judged_at_read_time_gets_now_and_may_answer_a_list():
    # the shape of guard's patrol register: rows computed at ``now``, not a queryset
    import datetime as dt

    seen = []

    def judged(site, now, *, date_from=None, date_to=None, q=""):
        seen.append((site, now, date_from))
        return [engine.Row(("甲",)), engine.Row(("乙",))]

    spec = engine.Register(
        "x:judged",
        "t",
        engine.columns("名称"),
        _NoFilter,
        judged,
        "—",
        row=lambda row: row,
        takes_now=True,
    )
    now = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
    found = spec.find("site", now, {})
    assert seen == [("site", now, None)]
    assert list(spec.every(found)) == [("甲",), ("乙",)]
    assert spec.find("site", now, None) == []  # refused filters: no rows, no query
    assert len(seen) == 1
