"""A query given a time limit on PostgreSQL (hand-written SQL lives in this package, issue 13 §4).

:func:`within` evaluates the first ``n`` rows of a queryset under a statement timeout set for
its transaction only (``set_config(..., true)`` inside a savepoint): the rows, or ``None`` when
the database cancelled the query — the savepoint's rollback then also undoes the setting. On any
other database the rows are returned as they come (no timeout there)."""

from __future__ import annotations

from typing import Any

from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet


def within(qs: QuerySet[Any], n: int, ms: int) -> list[Any] | None:
    db = connections[qs.db]
    if db.vendor != "postgresql":
        return list(qs[:n])
    try:
        with transaction.atomic(using=qs.db), db.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(ms)])
            found = list(qs[:n])
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", ["0"])
            return found
    except OperationalError:  # cancelled by the timeout
        return None
