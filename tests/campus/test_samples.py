"""The canteen's 留样记录 (seed template T3: "严把食品运输、索证、加工、用餐、留样等关口"):
each dish's sample, at least 125 g, kept 48 hours and then disposed of; overdue ones flagged;
the register exported to xlsx (rule T3-03)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from tests.conftest import NOW

H = timedelta(hours=1)


def _record(school, actor, **kw):
    from gatehouse.campus import services

    args = {
        "site": school,
        "actor": actor,
        "meal": "lunch",
        "dish": "番茄炒蛋",
        "grams": 150,
        "kept_at": NOW - H,
        "keeper": "食堂李师傅",
        "now": NOW,
    }
    return services.sample_record(**{**args, **kw})


def test_a_sample_is_due_for_disposal_48_hours_later_and_flagged_when_overdue(
    school, school_manager
):
    # rule T3-03
    from gatehouse.audit.models import AuditEntry
    from gatehouse.core.campus import sample_overdue

    sample = _record(school, school_manager)
    assert sample.dispose_due == NOW - H + 48 * H
    assert not sample_overdue(kept_at=sample.kept_at, disposed_at=None, now=NOW + 46 * H)
    assert sample_overdue(kept_at=sample.kept_at, disposed_at=None, now=NOW + 47 * H)
    assert not sample_overdue(kept_at=sample.kept_at, disposed_at=NOW + 47 * H, now=NOW + 50 * H)
    assert AuditEntry.objects.filter(action="sample.record").count() == 1


def test_light_samples_and_early_disposal_are_refused(school, school_manager):
    # rule T3-03
    from gatehouse.campus import services
    from gatehouse.campus.models import FoodSample
    from gatehouse.core.errors import DomainError, InvalidInput

    with pytest.raises(InvalidInput) as exc:
        _record(school, school_manager, grams=100)
    assert exc.value.code == "sample.too_light" and "125" in exc.value.message
    assert not FoodSample.objects.exists()
    sample = _record(school, school_manager)
    with pytest.raises(DomainError) as exc:
        services.sample_dispose(sample=sample, actor=school_manager, by="李师傅", now=NOW + 24 * H)
    assert exc.value.code == "sample.too_early"
    done = services.sample_dispose(
        sample=sample, actor=school_manager, by="李师傅", now=NOW + 48 * H
    )
    assert done.disposed_at == NOW + 48 * H and done.disposed_by == "李师傅"
    with pytest.raises(DomainError) as exc:
        services.sample_dispose(sample=sample, actor=school_manager, by="李师傅", now=NOW + 49 * H)
    assert exc.value.code == "sample.disposed"


def test_the_register_page_flags_overdue_and_exports_xlsx(client, school, school_manager):
    # rule T3-03
    from openpyxl import load_workbook

    _record(school, school_manager, dish="红烧肉", kept_at=NOW - 50 * H)
    _record(school, school_manager, dish="清炒时蔬")
    client.force_login(school_manager)
    page = client.get("/campus/samples/")
    html = page.content.decode()
    assert page.status_code == 200 and "红烧肉" in html and 'data-testid="overdue"' in html
    assert "超时未处理" in html
    bad = client.post(
        "/campus/samples/",
        {
            "meal": "lunch",
            "dish": "米饭",
            "grams": 50,
            "kept_at": "2026-11-24T09:00",
            "keeper": "李",
        },
    )
    assert bad.status_code == 400 and "125" in bad.content.decode()
    book = load_workbook(
        io.BytesIO(b"".join(client.get("/campus/samples/?format=xlsx").streaming_content))
    )
    values = [list(row) for row in book.active.iter_rows(values_only=True)]
    assert values[1][0] == "餐次"
    assert {r[1] for r in values[2:]} == {"红烧肉", "清炒时蔬"}
    assert any(r[1] == "红烧肉" and r[-1] == "超时未处理" for r in values[2:])
