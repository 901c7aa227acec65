"""Structured logs: the request id of the request being served, and a JSON-lines formatter.

A log call that describes an event passes ``extra={"event": "decision", "fields": {...}}``;
the JSON formatter writes one object per line — ``time`` (ISO 8601, Asia/Shanghai, +08:00),
``level``, ``logger``, ``message``, ``request_id``, ``event`` and the fields. Fields hold codes,
ids, counts and durations only: never a name, a plate, an ID number or a body.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

request_id: ContextVar[str] = ContextVar("gatehouse_request_id", default="")

# What a proxy may hand us as X-Request-ID: letters, digits and . _ : -, up to 64 characters.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")
_SHANGHAI = ZoneInfo("Asia/Shanghai")


def request_id_from(header: str | None) -> str:
    """The proxy's id when well formed, else a fresh one."""
    if header and _WELL_FORMED.fullmatch(header):
        return header
    return uuid.uuid4().hex


def log_event(logger: logging.Logger, level: int, event: str, message: str, **fields: Any) -> None:
    """One event line, built only when the logger would emit it (cheap on the hot path)."""
    if logger.isEnabledFor(level):
        logger.log(level, message, extra={"event": event, "fields": fields})


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, _SHANGHAI).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id.get() or None,
        }
        event = getattr(record, "event", None)
        if event:
            data["event"] = event
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            for key, value in fields.items():
                data.setdefault(key, value)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The plain format (``make demo``): time, level, logger, request id, message, fields."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, _SHANGHAI).isoformat(timespec="seconds")
        request = getattr(record, "request_id", "-")
        line = f"{stamp} {record.levelname} {record.name} [{request}] {record.getMessage()}"
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line
