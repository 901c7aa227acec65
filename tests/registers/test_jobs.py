"""Large exports and PDFs in the background (issue 16 §1): a register's spreadsheet or PDF too long
to make while the page waits becomes a job — its page shows the progress, then the download —
run by the export worker (``run_due_jobs``, handed the time); a PDF of any length is laid out in
parts and numbered across them; only the user who asked, at that site, sees the job."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gatehouse.core.errors import DomainError
from gatehouse.registers import jobs, paper
from gatehouse.registers.jobs import Found, Source, export_start, run_due_jobs
from gatehouse.registers.models import ExportJob, ExportState

pypdf = pytest.importorskip("pypdf")

DAY = {"date_from": "2026-11-24", "date_to": "2026-11-24"}
LABELS = ("日期", "姓名", "事由", "被访人")
SIGNOFFS = ("值班门卫（签字）", "行政人事部审核（签字）")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [_flat(page.extract_text()) for page in reader.pages]


def _rows(n: int) -> list[tuple[str, ...]]:
    return [(f"2026-11-{1 + i % 24:02d}", f"王{i:04d}", "送文件", f"3-2-{i:04d}") for i in range(n)]


class _Watched:
    """A test register of ``n`` rows that notes, as the writer reads it, the progress the job
    has recorded (``seen``); ``fail_at``: a row that raises instead."""

    def __init__(self, n: int, fail_at: int | None = None) -> None:
        self.n, self.fail_at = n, fail_at
        self.seen: list[tuple[int, int, int]] = []

    def find(self, site, now, data):
        def rows():
            for i, row in enumerate(_rows(self.n)):
                if i == self.fail_at:
                    raise RuntimeError("磁盘已满")
                if i % 250 == 0:
                    job = ExportJob.objects.get()
                    self.seen.append((i, job.rows_done, job.rows_total))
                yield row

        return Found(
            "测试登记表", LABELS, paper.paper_for("registers:visits"), {}, lambda: self.n, rows
        )


@pytest.fixture
def watched(monkeypatch):
    def declare(n: int, fail_at: int | None = None) -> _Watched:
        source = _Watched(n, fail_at)
        monkeypatch.setitem(jobs._SOURCES, "tests:watched", Source(source.find, frozenset()))
        return source

    return declare


# -- the PDF of any length ---------------------------------------------------------------------


def test_a_long_pdf_is_laid_out_in_parts_and_numbered_across_them(site_a, now):
    told = []
    out = io.BytesIO()
    pages = paper.render_long_pdf(
        paper.paper_for("registers:visits"),
        "来客进出登记表",
        site_a,
        "全部日期",
        LABELS,
        iter(_rows(130)),
        now,
        out,
        count=130,
        progress=told.append,
        part_rows=50,
    )
    assert told == [50, 100, 130]  # after each of the three parts
    texts = _pages(out.getvalue())
    assert len(texts) == pages >= 4
    for number, text in enumerate(texts, start=1):
        assert f"第{number}页共{pages}页" in text, (number, text[-60:])  # once, across the parts
        assert all(label in text for label in LABELS)  # the header row on every page
        assert site_a.name in text and "来客进出登记表" in text  # the running head
    assert "共130条" in texts[0] and "期间：全部日期" in texts[0]  # the title block: page 1 only
    assert not any("共130条" in t for t in texts[1:])
    assert all(_flat(line) in texts[-1] for line in SIGNOFFS)  # sign-off lines: the last page
    assert not any(SIGNOFFS[0] in t for t in texts[:-1])
    every = "".join(texts)
    assert all(f"王{i:04d}" in every for i in range(130))  # no row lost between the parts


def test_css_text_cannot_end_the_string_or_the_style():
    text = paper.css_text('东湖"}</style><script>\\')
    assert text.startswith('"') and text.endswith('"')
    inner = text[1:-1]
    assert not any(c in inner for c in '"}<>')
    assert "东湖" in inner


# -- the job: started by the page, run by the worker ------------------------------------------


@pytest.mark.django_db
def test_a_long_pdf_from_the_register_page_runs_as_a_job_to_its_download(
    client, site_a, manager_a, visitor_inside, now, monkeypatch
):
    monkeypatch.setattr(jobs, "PDF_IN_PAGE", 0)  # every PDF is "long"
    client.force_login(manager_a)
    response = client.get(reverse("registers:visits"), {**DAY, "print": "pdf"})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "registers:export", args=[job.pk]
    )
    assert (job.site, job.requested_by, job.key, job.format) == (
        site_a,
        manager_a,
        "registers:visits",
        "pdf",
    )
    assert job.state == ExportState.QUEUED and job.rows_total == 1
    assert job.query == {"date_from": ["2026-11-24"], "date_to": ["2026-11-24"]}
    page = client.get(response["Location"]).content.decode()
    assert "排队中" in page and 'hx-trigger="every 2s"' in page  # the page asks again
    again = client.get(reverse("registers:visits"), {**DAY, "print": "pdf"})
    assert again["Location"] == response["Location"] and ExportJob.objects.count() == 1

    ran = run_due_jobs(now)
    assert (ran.done, ran.failed) == (1, 0)
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.rows_done == job.rows_total == 1
    assert job.finished_at == now and job.filename == "来客进出登记表-20261124.pdf"
    assert Path(job.file.path).is_file()
    page = client.get(response["Location"]).content.decode()
    assert "hx-trigger" not in page and reverse("registers:export_file", args=[job.pk]) in page
    mine = client.get(reverse("registers:exports")).content.decode()
    assert "来客进出登记表" in mine and "已完成" in mine

    got = client.get(reverse("registers:export_file", args=[job.pk]))
    assert got.status_code == 200 and got["Content-Type"] == "application/pdf"
    texts = _pages(b"".join(got.streaming_content))
    flat = "".join(texts)
    assert "王*" in flat and "送文件" in flat and "期间：2026-11-24至2026-11-24" in flat
    assert f"第1页共{len(texts)}页" in texts[0]
    assert all(_flat(line) in texts[-1] for line in SIGNOFFS)


@pytest.mark.django_db
def test_a_job_records_its_progress_as_it_goes_and_the_xlsx_has_every_row(
    site_a, manager_a, watched, now
):
    source = watched(1_200)
    job = export_start(
        site=site_a, actor=manager_a, key="tests:watched", fmt="xlsx", query={}, now=now
    )
    assert job.rows_total == 1_200 and job.title == "测试登记表"
    assert run_due_jobs(now).done == 1
    # (rows read so far, rows_done recorded, rows_total): every 500 rows, while it ran
    assert source.seen == [
        (0, 0, 1200),
        (250, 0, 1200),
        (500, 500, 1200),
        (750, 500, 1200),
        (1000, 1000, 1200),
    ]
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.rows_done == 1_200 and job.percent == 100
    sheet = load_workbook(job.file.path, read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2 + 1_200  # the title row, the header row, every row
    assert values[0][0] == f"{site_a.name} · 测试登记表" and values[1] == LABELS
    assert values[2][1] == "王0000" and values[-1][1] == "王1199"


@pytest.mark.django_db
def test_a_long_event_log_xlsx_goes_to_the_background(
    client, manager_a, visitor_inside, now, monkeypatch
):
    monkeypatch.setattr(jobs, "XLSX_IN_PAGE", 0)
    client.force_login(manager_a)
    response = client.get(reverse("registers:events"), {**DAY, "export": "xlsx"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.key == "registers:events" and job.title == "通行事件记录" and job.rows_total >= 1
    assert run_due_jobs(now).done == 1
    got = client.get(reverse("registers:export_file", args=[job.pk]))
    assert got.status_code == 200 and "attachment" in got["Content-Disposition"]
    values = list(load_workbook(io.BytesIO(b"".join(got.streaming_content))).active.values)
    assert len(values) == 2 + job.rows_total and values[1][:3] == ("时间", "出入口/通道", "方向")


@pytest.mark.django_db
def test_a_failed_job_records_its_error_and_keeps_no_file(client, site_a, manager_a, watched, now):
    watched(800, fail_at=600)
    job = export_start(
        site=site_a, actor=manager_a, key="tests:watched", fmt="pdf", query={}, now=now
    )
    ran = run_due_jobs(now)
    assert (ran.done, ran.failed) == (0, 1) and "磁盘已满" in ran.errors[0]
    job.refresh_from_db()
    assert job.state == ExportState.FAILED and job.finished_at == now
    assert "RuntimeError" in job.error and "磁盘已满" in job.error and not job.file
    client.force_login(manager_a)
    page = client.get(reverse("registers:export", args=[job.pk])).content.decode()
    assert "导出失败" in page and "磁盘已满" in page and "hx-trigger" not in page
    assert client.get(reverse("registers:export_file", args=[job.pk])).status_code == 404
    assert run_due_jobs(now).failed == 0  # not taken again


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_taken_again_after_the_lease(site_a, manager_a, watched, now):
    watched(10)
    job = export_start(
        site=site_a, actor=manager_a, key="tests:watched", fmt="xlsx", query={}, now=now
    )
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportState.RUNNING, lease_until=now + timedelta(minutes=1), attempts=1
    )
    assert run_due_jobs(now).done == 0  # still another worker's
    assert run_due_jobs(now + timedelta(minutes=2)).done == 1
    job.refresh_from_db()
    assert job.state == ExportState.DONE and job.attempts == 2


@pytest.mark.django_db
def test_jobs_older_than_seven_days_are_deleted_with_their_files(site_a, manager_a, watched, now):
    watched(10)
    old = export_start(
        site=site_a, actor=manager_a, key="tests:watched", fmt="xlsx", query={}, now=now
    )
    run_due_jobs(now)
    old.refresh_from_db()
    path = Path(old.file.path)
    assert path.is_file()
    assert run_due_jobs(now + timedelta(days=6)).purged == 0
    assert run_due_jobs(now + timedelta(days=7, minutes=1)).purged == 1
    assert not ExportJob.objects.exists() and not path.exists()


# -- who sees a job ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_user_who_asked_at_that_site_sees_the_job(
    client, site_a, manager_a, manager_b, guard_a, watched, now
):
    watched(5)
    job = export_start(
        site=site_a, actor=manager_a, key="tests:watched", fmt="xlsx", query={}, now=now
    )
    run_due_jobs(now)
    for other in (manager_b, guard_a):  # another site's manager; a guard of the same site
        client.force_login(other)
        assert client.get(reverse("registers:export", args=[job.pk])).status_code == 404
        assert client.get(reverse("registers:export_file", args=[job.pk])).status_code == 404
        assert "测试登记表" not in client.get(reverse("registers:exports")).content.decode()
    client.force_login(manager_a)
    assert client.get(reverse("registers:export_file", args=[job.pk])).status_code == 200


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        ({"key": "registers:nope", "format": "xlsx"}, "export.register", "没有这个登记表"),
        ({"key": "registers:visits", "format": "doc"}, "export.format", "导出格式"),
        (
            {"key": "registers:visits", "format": "pdf", "date_from": "2026-13-45"},
            "export.filters",
            "筛选条件有误",
        ),
    ],
)
def test_bad_input_is_refused_with_a_code_and_creates_nothing(client, manager_a, data, code, words):
    client.force_login(manager_a)
    response = client.post(reverse("registers:export_new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-code="{code}"' in html and words in html
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_a_good_request_to_start_an_export_goes_to_its_page(client, manager_a, visitor_inside):
    client.force_login(manager_a)
    response = client.post(
        reverse("registers:export_new"), {"key": "registers:visits", "format": "xlsx", **DAY}
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("registers:export", args=[job.pk])
    assert job.query == {"date_from": ["2026-11-24"], "date_to": ["2026-11-24"]}
    assert job.period == "2026-11-24 至 2026-11-24" and job.rows_total == 1


@pytest.mark.django_db
def test_the_service_refuses_an_unknown_register_or_format(site_a, manager_a, now):
    for key, fmt, code in (
        ("registers:nope", "xlsx", "export.register"),
        ("registers:visits", "csv", "export.format"),
    ):
        with pytest.raises(DomainError) as caught:
            export_start(site=site_a, actor=manager_a, key=key, fmt=fmt, query={}, now=now)
        assert caught.value.code == code
    assert not ExportJob.objects.exists()


def test_the_event_log_declares_its_source():
    assert jobs.source("registers:events") is not None
    assert jobs.source("registers:visits") is not None
    assert jobs.source("registers:nope") is None


@pytest.mark.django_db
def test_the_export_worker_runs_the_queued_jobs_once(site_a, manager_a, watched, now):
    from django.core.management import call_command

    watched(3)
    job = export_start(
        site=site_a, actor=manager_a, key="tests:watched", fmt="xlsx", query={}, now=now
    )
    out = io.StringIO()
    call_command("export_worker", "--once", stdout=out)
    job.refresh_from_db()
    assert job.state == ExportState.DONE and "exports done 1, failed 0" in out.getvalue()
