"""The anomalies register and the cleaning rota export in the background as the other registers
do (issue 16 §1): a spreadsheet or PDF too long to make while the page waits becomes an export
job, the worker makes the file, and the user who asked downloads it; a short one is made at once;
bad filters are refused with a code and nothing queued."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gatehouse.guard.models import Anomaly
from gatehouse.registers import jobs
from gatehouse.registers.jobs import run_due_jobs
from gatehouse.registers.models import ExportJob, ExportState
from tests.conftest import NOW

pypdf = pytest.importorskip("pypdf")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(media):
    return media


def _anomalies(site, reporter, n: int) -> None:
    Anomaly.objects.bulk_create(
        Anomaly(
            site=site,
            kind="other",
            severity="low",
            place=f"{i + 1}号仓库",
            description=f"门未锁{i + 1:03d}",
            reported_by=reporter,
            reported_at=NOW - timedelta(hours=i),
        )
        for i in range(n)
    )


def _download(client, job: ExportJob) -> bytes:
    got = client.get(reverse("registers:export_file", args=[job.pk]))
    assert got.status_code == 200
    return b"".join(got.streaming_content)


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_a_long_anomalies_pdf_runs_as_a_job_the_requester_downloads(
    client, site_a, monitor_a, manager_b, monkeypatch
):
    # rule S-05: the 异常情况记录表 prints every row, in the background when it is long
    monkeypatch.setattr(jobs, "PDF_IN_PAGE", 4)
    _anomalies(site_a, monitor_a, 6)
    client.force_login(monitor_a)
    url = reverse("guard:anomalies")
    response = client.get(url, {"date_from": "2026-11-23", "print": "pdf"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:export", args=[job.pk])
    assert (job.key, job.format, job.state, job.rows_total) == (
        "guard:anomalies",
        "pdf",
        ExportState.QUEUED,
        6,
    )
    assert job.requested_by == monitor_a and job.site == site_a
    assert job.query == {"date_from": ["2026-11-23"]} and job.title == "异常情况记录表"

    assert run_due_jobs(NOW).done == 1
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.rows_done == 6
    text = _pdf_text(_download(client, job))
    assert "异常情况记录表" in text and "期间：2026-11-23起" in text
    assert all(f"门未锁{i:03d}" in text for i in range(1, 7))
    assert "公司领导（签字）" in text  # the paper's sign-off line

    # nobody else sees it
    client.force_login(manager_b)
    assert client.get(reverse("registers:export_file", args=[job.pk])).status_code == 404


def test_a_long_anomalies_xlsx_runs_as_a_job_with_every_row(client, site_a, monitor_a, monkeypatch):
    # rule S-05
    monkeypatch.setattr(jobs, "XLSX_IN_PAGE", 4)
    _anomalies(site_a, monitor_a, 5)
    client.force_login(monitor_a)
    response = client.get(reverse("guard:anomalies"), {"export": "xlsx"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert (job.key, job.format, job.rows_total) == ("guard:anomalies", "xlsx", 5)
    assert run_due_jobs(NOW).done == 1
    job.refresh_from_db()
    book = load_workbook(io.BytesIO(_download(client, job)))
    values = list(book.active.values)
    assert values[0][0] == f"{site_a.name} · 异常情况记录表"
    assert values[1][:4] == ("报告时间", "类别", "级别", "地点")
    assert [row[4] for row in values[2:]] == [f"门未锁{i:03d}" for i in range(1, 6)]


def test_a_short_anomalies_pdf_is_made_while_the_page_waits(client, site_a, monitor_a):
    # rule S-05
    _anomalies(site_a, monitor_a, 3)
    client.force_login(monitor_a)
    response = client.get(reverse("guard:anomalies"), {"print": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not ExportJob.objects.exists()


def test_bad_filters_are_refused_with_a_code_and_queue_nothing(client, site_a, monitor_a):
    # rule S-05
    client.force_login(monitor_a)
    response = client.get(
        reverse("guard:anomalies"),
        {"date_from": "2026-11-24", "date_to": "2026-11-01", "print": "pdf"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "export.filters" in html and "结束日期不能早于开始日期" in html
    assert not ExportJob.objects.exists()


@pytest.fixture
def rota(site_a, manager_a, guard_a, guard2_a):
    from gatehouse.guard.duties.services import rota_set

    return rota_set(
        site=site_a, actor=manager_a, guards=[guard_a, guard2_a], first_day=NOW.date(), now=NOW
    )


def test_a_long_cleaning_rota_pdf_runs_as_a_job_the_requester_downloads(
    client, manager_a, rota, monkeypatch
):
    # rule S-07: the 门卫日常卫生轮流表 for any range of days, in the background when it is long
    monkeypatch.setattr(jobs, "PDF_IN_PAGE", 30)
    client.force_login(manager_a)
    query = {"date_from": "2026-12-01", "date_to": "2026-12-31"}
    response = client.get(reverse("guard:cleaning"), {**query, "print": "pdf"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:export", args=[job.pk])
    assert (job.key, job.format, job.rows_total) == ("guard:cleaning", "pdf", 31)
    assert job.period == "2026-12-01 至 2026-12-31"
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page

    assert run_due_jobs(NOW).done == 1
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.rows_done == 31
    text = _pdf_text(_download(client, job))
    assert "门卫日常卫生轮流表" in text and "期间：2026-12-01至2026-12-31" in text
    assert "2026-12-01" in text and "2026-12-31" in text and "2026-11-30" not in text
    assert "安保主管检查（签字）" in text


def test_the_cleaning_rota_xlsx_of_a_range_turns_day_by_day(
    client, manager_a, guard_a, guard2_a, rota, monkeypatch
):
    # rule S-07: the turn passes daily from the first day, in the export as on the page
    monkeypatch.setattr(jobs, "XLSX_IN_PAGE", 10)
    client.force_login(manager_a)
    query = {"date_from": "2026-11-24", "date_to": "2026-12-05"}
    assert client.get(reverse("guard:cleaning"), {**query, "export": "xlsx"}).status_code == 302
    assert run_due_jobs(NOW).done == 1
    job = ExportJob.objects.get()
    values = list(load_workbook(io.BytesIO(_download(client, job))).active.values)
    assert values[1][:2] == ("日期", "值日门卫")
    days = [row[0][:10] for row in values[2:]]
    assert days[0] == "2026-11-24" and days[-1] == "2026-12-05" and len(days) == 12
    names = [row[1] for row in values[2:]]
    assert names[:4] == ["guard_a", "赵六", "guard_a", "赵六"]


def test_the_cleaning_rota_page_lists_the_range_asked_a_month_to_a_page(client, manager_a, rota):
    # rule S-07
    client.force_login(manager_a)
    url = reverse("guard:cleaning")
    html = client.get(url, {"date_from": "2026-12-01", "date_to": "2027-01-31"}).content.decode()
    assert "2026-12-01" in html and "2026-12-31" in html and "2027-01-01" not in html
    assert "第 1 / 2 页" in html and "date_from=2026-12-01" in html
    second = client.get(url, {"date_from": "2026-12-01", "date_to": "2027-01-31", "page": 2})
    assert "2027-01-31" in second.content.decode()
    # none asked: a week back, two weeks ahead
    html = client.get(url).content.decode()
    assert "2026-11-17" in html and "2026-12-07" in html and "2026-12-08" not in html


def test_a_cleaning_range_too_long_or_backwards_is_refused(client, manager_a, rota):
    # rule S-07
    client.force_login(manager_a)
    url = reverse("guard:cleaning")
    long = {"date_from": "2000-01-01", "date_to": "2026-12-31", "export": "xlsx"}
    response = client.get(url, long)
    assert response.status_code == 400 and "一次最多列出 3660 天" in response.content.decode()
    backwards = {"date_from": "2026-12-31", "date_to": "2026-12-01", "print": "pdf"}
    response = client.get(url, backwards)
    assert response.status_code == 400 and "export.filters" in response.content.decode()
    assert not ExportJob.objects.exists()
    page = client.get(url, {"date_from": "2000-01-01", "date_to": "2026-12-31"})
    assert "一次最多列出 3660 天" in page.content.decode()
