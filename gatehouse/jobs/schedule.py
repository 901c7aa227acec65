"""The one table of the periodic jobs and their cadence. ``manage.py run_scheduler`` enqueues a
job at each of its due times; ``manage.py run_tasks`` runs it. Change a cadence here, nowhere
else. Due times are counted from a Monday midnight in Asia/Shanghai, plus the job's offset."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

SHANGHAI = ZoneInfo("Asia/Shanghai")
ANCHOR = datetime(2024, 1, 1, tzinfo=SHANGHAI)  # a Monday, 00:00 Beijing time

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class Job:
    name: str
    title: object  # a lazy Chinese title
    every: timedelta
    path: str  # the job function in gatehouse.jobs.periodic: takes now, returns a summary
    offset: timedelta = timedelta(0)  # after the anchor: a daily job's time of day

    def function(self) -> Callable[[datetime], str]:
        return import_string(f"gatehouse.jobs.periodic.{self.path}")  # type: ignore[no-any-return]

    def run(self, now: datetime) -> str:
        return self.function()(now)

    def due_at(self, now: datetime) -> datetime:
        """The latest due time at or before ``now``."""
        start = ANCHOR + self.offset
        slots = (now - start) // self.every
        return (start + slots * self.every).astimezone(SHANGHAI)

    def next_due(self, now: datetime) -> datetime:
        return self.due_at(now) + self.every


HALF_MINUTE = timedelta(seconds=30)

SCHEDULE: tuple[Job, ...] = (
    Job("check_devices", _("设备离线与边缘节点检查"), HALF_MINUTE, "check_devices"),
    Job("expire_requests", _("到期的访客申请"), MINUTE, "expire_requests"),
    Job("escalate_anomalies", _("异常升级、应急呼叫、漏巡"), MINUTE, "escalate_anomalies"),
    Job("vehicle_alerts", _("车辆滞留提醒"), MINUTE, "vehicle_alerts"),
    Job("flag_overstays", _("访客逾时未离"), 15 * MINUTE, "flag_overstays"),
    Job("check_repairs", _("报修超时提醒"), 15 * MINUTE, "check_repairs"),
    Job("check_epidemic", _("返乡人员监测提醒"), HOUR, "check_epidemic"),
    Job("lease_renewals", _("车位租赁到期"), DAY, "lease_renewals", timedelta(minutes=10)),
    Job("land_deadlines", _("用地监管期限"), DAY, "land_deadlines", timedelta(minutes=20)),
    Job("purge_goods", _("清除到期放行记录"), DAY, "purge_goods", timedelta(hours=3)),
    Job(
        "purge_plate_pictures",
        _("清除到期抓拍图片"),
        DAY,
        "purge_plate_pictures",
        timedelta(hours=3, minutes=10),
    ),
    Job(
        "purge_device_requests",
        _("清除过期设备请求记录"),
        DAY,
        "purge_device_requests",
        timedelta(hours=3, minutes=20),
    ),
    Job(
        "purge_job_runs",
        _("清除过期的定时任务记录"),
        DAY,
        "purge_job_runs",
        timedelta(hours=3, minutes=30),
    ),
    Job(
        "maintain_event_partitions",
        _("通行记录分区维护"),
        DAY,
        "maintain_event_partitions",
        timedelta(hours=2, minutes=40),
    ),
    Job(
        "purge_events",
        _("清除超过保存期限的通行记录"),
        DAY,
        "purge_events",
        timedelta(hours=2, minutes=50),
    ),
    Job("spot_check", _("每周登记抽查"), WEEK, "spot_check", timedelta(hours=6)),
)

JOBS: dict[str, Job] = {job.name: job for job in SCHEDULE}


def job_named(name: str) -> Job | None:
    return JOBS.get(name)
