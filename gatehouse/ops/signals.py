"""Signal receivers: failed logins are counted and logged (no username: only that one failed)."""

from __future__ import annotations

import logging
from typing import Any

from gatehouse.ops.logs import log_event
from gatehouse.ops.metrics import LOGIN_FAILURES

logger = logging.getLogger("gatehouse.auth")


def on_login_failed(sender: Any, credentials: Any = None, request: Any = None, **kw: Any) -> None:
    LOGIN_FAILURES.inc()
    path = getattr(request, "path", "") if request is not None else ""
    log_event(logger, logging.WARNING, "auth.failure", "login failed", path=path)
