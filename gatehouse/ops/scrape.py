"""What a scrape of ``/metrics`` returns: the counters and histograms of
:mod:`gatehouse.ops.metrics` (every worker process's, in multiprocess mode) and the gauges read
from the database now (:class:`DatabaseCollector`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from gatehouse.ops.metrics import multiprocess


class DatabaseCollector:
    """The gauges read from the database when scraped."""

    def collect(self) -> Iterator[Metric]:
        from django.db.models import Count, Min
        from django.utils import timezone

        from gatehouse.devices.models import CommandState, Device, DeviceCommand
        from gatehouse.notify.models import Message, MessageState
        from gatehouse.ops.heartbeat import beats
        from gatehouse.registers.models import ExportJob, ExportState

        now = timezone.now()
        online = GaugeMetricFamily(
            "gatehouse_devices_online",
            "Live devices heard from within their site's limit.",
            labels=["site"],
        )
        total = GaugeMetricFamily(
            "gatehouse_devices", "Live devices (key issued, not revoked).", labels=["site"]
        )
        counts: dict[int, list[int]] = {}
        rows = (
            Device.objects.filter(revoked_at__isnull=True)
            .exclude(key_hash="")
            .values_list("site_id", "site__device_offline_minutes", "last_seen_at")
        )
        for site_id, minutes, seen in rows:
            count = counts.setdefault(site_id, [0, 0])
            count[0] += 1
            if seen is not None and now - seen <= timedelta(minutes=minutes):
                count[1] += 1
        for site_id, (all_, up) in sorted(counts.items()):
            total.add_metric([str(site_id)], all_)
            online.add_metric([str(site_id)], up)
        yield total
        yield online

        queued = DeviceCommand.objects.filter(state=CommandState.QUEUED).aggregate(
            n=Count("pk"), oldest=Min("created_at")
        )
        yield _gauge(
            "gatehouse_device_commands_queued",
            "Device commands waiting to be delivered.",
            queued["n"],
        )
        lag = (now - queued["oldest"]).total_seconds() if queued["oldest"] else 0.0
        yield _gauge(
            "gatehouse_device_sync_lag_seconds",
            "Age of the oldest device command still waiting (0: none waiting).",
            max(lag, 0.0),
        )
        exports = ExportJob.objects.filter(
            state__in=[ExportState.QUEUED, ExportState.RUNNING]
        ).count()
        yield _gauge("gatehouse_export_queue_depth", "Exports queued or running.", exports)
        messages = Message.objects.filter(
            state__in=[MessageState.QUEUED, MessageState.SENDING]
        ).count()
        yield _gauge(
            "gatehouse_message_queue_depth", "Messages (SMS, notices) waiting to be sent.", messages
        )
        ages = GaugeMetricFamily(
            "gatehouse_worker_heartbeat_age_seconds",
            "Seconds since a worker's last heartbeat.",
            labels=["worker"],
        )
        for name, at in sorted(beats().items()):
            ages.add_metric([name], max((now - at).total_seconds(), 0.0))
        yield ages
        yield from _job_gauges()


def _job_gauges() -> Iterator[Metric]:
    """The periodic jobs as their runs are recorded (:class:`~gatehouse.jobs.models.JobRun`):
    the runs happen in the task worker, whose own counters no scrape of the web server sees,
    so what a scraper needs to alert on — a failed or overdue job — is read from the table."""
    from gatehouse.jobs.models import JobRun, RunStatus
    from gatehouse.jobs.schedule import SCHEDULE

    seconds = GaugeMetricFamily(
        "gatehouse_job_last_run_seconds",
        "Duration of a periodic job's latest finished run.",
        labels=["job"],
    )
    failed = GaugeMetricFamily(
        "gatehouse_job_last_run_failed",
        "1 if a periodic job's latest finished run failed, else 0.",
        labels=["job"],
    )
    succeeded = GaugeMetricFamily(
        "gatehouse_job_last_success_timestamp_seconds",
        "Unix time at which a periodic job last finished successfully.",
        labels=["job"],
    )
    finished = [RunStatus.SUCCEEDED, RunStatus.FAILED]
    for job in SCHEDULE:
        runs = JobRun.objects.filter(job=job.name).order_by("-due_at")
        last = runs.filter(status__in=finished).values_list("status", "duration_ms").first()
        if last is not None:
            status, duration_ms = last
            seconds.add_metric([job.name], (duration_ms or 0) / 1000)
            failed.add_metric([job.name], 1.0 if status == RunStatus.FAILED else 0.0)
        at = runs.filter(status=RunStatus.SUCCEEDED).values_list("finished_at", flat=True).first()
        if at is not None:
            succeeded.add_metric([job.name], at.timestamp())
    running = JobRun.objects.filter(status=RunStatus.RUNNING).count()
    yield seconds
    yield failed
    yield succeeded
    yield _gauge("gatehouse_jobs_running", "Periodic job runs in progress.", running)


def _gauge(name: str, doc: str, value: Any) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, value=float(value))


_database = CollectorRegistry(auto_describe=False)
_database.register(DatabaseCollector())


def exposition() -> bytes:
    """The text a scrape gets: this process's (or, in multiprocess mode, every process's)
    counters and histograms, then the database's gauges."""
    if multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(_database)
