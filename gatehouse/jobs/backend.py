"""A database backend for ``django.tasks`` (Django ships none): a task is a ``TaskRecord`` row,
claimed and run by ``manage.py run_tasks``. No broker; the database the app already has."""

from __future__ import annotations

import os
import socket
from traceback import format_exception
from typing import Any

from django.db import transaction
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskError, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

from gatehouse.jobs.models import TaskRecord


def _result(record: TaskRecord, task: Task | None = None) -> TaskResult:
    if task is None:
        task = import_string(record.task_path)
    errors = []
    if record.error:
        errors.append(TaskError(exception_class_path=record.exception_path, traceback=record.error))
    result = TaskResult(
        task=task,  # type: ignore[arg-type]
        id=str(record.pk),
        status=TaskResultStatus(record.status),
        enqueued_at=record.enqueued_at,
        started_at=record.started_at,
        finished_at=record.finished_at,
        last_attempted_at=record.started_at,
        args=record.args,
        kwargs=record.kwargs,
        backend=record.backend_name,
        errors=errors,
        worker_ids=[record.worker_id] if record.worker_id else [],
    )
    if record.status == TaskResultStatus.SUCCESSFUL:
        object.__setattr__(result, "_return_value", record.return_value)
    return result


class DatabaseBackend(BaseTaskBackend):
    supports_get_result = True
    supports_priority = True

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        record = TaskRecord.objects.create(
            task_path=task.module_path,
            queue_name=task.queue_name,
            backend_name=self.alias,
            priority=task.priority,
            args=normalize_json(list(args)),
            kwargs=normalize_json(dict(kwargs)),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
        )
        result = _result(record, task)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        try:
            record = TaskRecord.objects.get(pk=int(result_id))
        except (TaskRecord.DoesNotExist, ValueError):
            raise TaskResultDoesNotExist(result_id) from None
        return _result(record)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def claim_next(*, worker: str, queues: list[str] | None = None) -> TaskRecord | None:
    """Claim the oldest ready task (highest priority first): an UPDATE … WHERE status=READY
    that only one worker can win, so two workers never run the same task."""
    while True:
        ready = TaskRecord.objects.filter(status=TaskResultStatus.READY)
        if queues:
            ready = ready.filter(queue_name__in=queues)
        pk = ready.order_by("-priority", "pk").values_list("pk", flat=True).first()
        if pk is None:
            return None
        won = TaskRecord.objects.filter(pk=pk, status=TaskResultStatus.READY).update(
            status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_id=worker
        )
        if won:
            return TaskRecord.objects.get(pk=pk)


def run_record(record: TaskRecord) -> TaskRecord:
    """Run a claimed task and store its outcome (the return value, or the error's traceback)."""
    task: Task = import_string(record.task_path)
    result = _result(record, task)
    task_started.send(DatabaseBackend, task_result=result)
    try:
        value = task.call(*record.args, **record.kwargs)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # a task's failure is stored, the worker goes on
        kind = type(exc)
        record.status = TaskResultStatus.FAILED
        record.exception_path = f"{kind.__module__}.{kind.__qualname__}"[:200]
        record.error = "".join(format_exception(exc))
    else:
        record.status = TaskResultStatus.SUCCESSFUL
        record.return_value = normalize_json(value)
    record.finished_at = timezone.now()
    with transaction.atomic():
        record.save(
            update_fields=["status", "exception_path", "error", "return_value", "finished_at"]
        )
    task_finished.send(DatabaseBackend, task_result=_result(record, task))
    return record
