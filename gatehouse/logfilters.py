"""Logging filters named in ``settings.LOGGING``."""

from __future__ import annotations

import logging
from typing import Any


def _escaped(value: Any) -> str:
    # As Django escapes what it logs of a request: no forged lines in the log.
    return str(value).encode("unicode_escape").decode("ascii")


class OneLineForbidden(logging.Filter):
    """A forbidden page (403) is logged as one line — the path, the user's id and the reason —
    not as a traceback per request: Django's ``django.request`` logger passes the
    ``PermissionDenied`` as ``exc_info``, and a guard who clicks a page of the manager's would
    fill the log with stack traces that say nothing more."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        error = record.exc_info[1] if record.exc_info else None
        try:
            user = getattr(request, "user", None)
            user_id = getattr(user, "pk", None)
        except Exception:
            user_id = None
        record.msg = "Forbidden: path=%s user=%s reason=%s"
        record.args = (
            _escaped(getattr(request, "path", "?")),
            user_id if user_id is not None else "-",
            _escaped(error) if error is not None and str(error) else "permission denied",
        )
        record.exc_info = None
        record.exc_text = None
        return True
