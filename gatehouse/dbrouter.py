"""Reads that may come from a read replica, and everything else from the primary (issue 18 §5).

With ``GATEHOUSE_REPLICA_URL`` set, a second database alias ``replica`` points at a streaming
standby of the primary. Only reads that tolerate a replica's lag of a second or two go there:

- a person's GET of a register, a dashboard, a chart or the monitoring board
  (:data:`REPLICA_VIEWS`, chosen by the view's URL name in :class:`ReplicaReadsMiddleware`);
- a background export while it reads its rows (:func:`replica_reads` around the export).

Everything else stays on the primary: every write, the booth, the gate devices and their API,
the resident's and the desk's pages, and — even inside a replica read — the tables whose lag a
person would notice at once (:data:`PRIMARY_APPS`: sessions and users, so a fresh login is not
mistaken for none; memberships and roles; the export jobs a person just queued). A person who
has just written anything (any non-GET request) reads from the primary for
``GATEHOUSE_REPLICA_PIN_SECONDS`` afterwards, so the register they are sent back to shows the
row they wrote.

Without a replica the router answers ``None`` everywhere and Django uses ``default``."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"

# Views (namespace:url_name, or namespace:* for all of a namespace's views) whose GETs read from
# the replica: the registers, the dashboards and charts, the monitoring board.
REPLICA_VIEWS = frozenset(
    {
        "registers:*",
        "console:week_stats",
        "admission:charts",
        "governance:rating_charts",
        "parking:income_stats",
        "guard:board",
        "guard:board_stats",
    }
)

# Apps and models read from the primary even during a replica read.
PRIMARY_APPS = frozenset({"sessions", "auth", "contenttypes", "accounts", "axes", "admin"})
PRIMARY_MODELS = frozenset({"registers.exportjob"})

PIN_COOKIE = "gh_primary"

_reading_replica: ContextVar[bool] = ContextVar("gatehouse_replica_reads", default=False)


def replica_enabled() -> bool:
    return bool(settings.GATEHOUSE_REPLICA_READS) and REPLICA in connections.settings


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads inside come from the replica, when one is configured (writes never do)."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _reading_replica.get() or not replica_enabled():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_APPS or meta.label_lower in PRIMARY_MODELS:
            return None
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the standby follows the primary's schema by replication


def replica_view(request: HttpRequest) -> bool:
    match = request.resolver_match
    if match is None or request.method not in ("GET", "HEAD"):
        return False
    namespace = match.namespace
    return f"{namespace}:*" in REPLICA_VIEWS or f"{namespace}:{match.url_name}" in REPLICA_VIEWS


class ReplicaReadsMiddleware:
    """Chooses the replica for a person's GET of a view in :data:`REPLICA_VIEWS`, unless they
    wrote something in the last ``GATEHOUSE_REPLICA_PIN_SECONDS`` (the pin cookie)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _reading_replica.set(False)
        try:
            response = self.get_response(request)
        finally:
            _reading_replica.reset(token)
        pin = settings.GATEHOUSE_REPLICA_PIN_SECONDS
        if replica_enabled() and pin and request.method not in ("GET", "HEAD", "OPTIONS"):
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + pin),
                max_age=pin,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        if replica_enabled() and replica_view(request) and not _pinned(request):
            _reading_replica.set(True)  # undone by __call__'s reset


def _pinned(request: HttpRequest) -> bool:
    value = request.COOKIES.get(PIN_COOKIE, "")
    return value.isdigit() and int(value) > time.time()
