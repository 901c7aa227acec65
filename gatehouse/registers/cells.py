"""What a register's filters and cells are made of, written once for every app's registers:
the Asia/Shanghai day window of a date filter, a time as a register prints it, a choice's label,
who registered a row. Pure reads and formatting, no queries of their own."""

from __future__ import annotations

import functools
import operator
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Model, Q, QuerySet
from django.utils.translation import get_language

from gatehouse.accounts.actor import actor_name

SHANGHAI = ZoneInfo("Asia/Shanghai")


def display(obj: Any, field: str) -> str:
    """The label of a choice field's value, as ``get_<field>_display`` gives it, from a table
    built once per model field and language (Django rebuilds and re-translates the whole choice
    list on every call, which dominated "who is on site now")."""
    value = getattr(obj, field)
    return _labels(obj.__class__, field, get_language() or "").get(value, value)


@functools.lru_cache(maxsize=128)
def _labels(model: Any, field: str, language: str) -> dict[Any, str]:
    return {key: str(label) for key, label in model._meta.get_field(field).flatchoices}


def local(dt: datetime | None) -> datetime | None:
    return dt.astimezone(SHANGHAI) if dt is not None else None


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def window(qs: QuerySet, name: str, date_from: date | None, date_to: date | None) -> QuerySet:
    """``qs`` with ``name`` on the days from ``date_from`` to ``date_to`` (Asia/Shanghai)."""
    if date_from is not None:
        qs = qs.filter(**{f"{name}__gte": day_start(date_from)})
    if date_to is not None:
        qs = qs.filter(**{f"{name}__lt": day_start(date_to + timedelta(days=1))})
    return qs


def register_rows[M: Model](
    qs: QuerySet[M],
    at: str,
    date_from: date | None,
    date_to: date | None,
    *,
    q: str = "",
    search: Sequence[str] = (),
    where: Mapping[str, Any] | None = None,
    related: Sequence[str] = (),
) -> QuerySet[M]:
    """A register's rows, newest first: those of ``qs`` with ``at`` on the days from
    ``date_from`` to ``date_to`` (Asia/Shanghai), with the keyword ``q`` matching one of the
    ``search`` lookups (``"name__icontains"``, ``"phone_last4"`` …), and matching every lookup
    of ``where`` whose value was chosen (``""`` and ``None`` are the filter left open)."""
    qs = window(qs, at, date_from, date_to)
    if q and search:
        qs = qs.filter(functools.reduce(operator.or_, (Q(**{lookup: q}) for lookup in search)))
    chosen = {lookup: v for lookup, v in (where or {}).items() if v not in ("", None)}
    if chosen:
        qs = qs.filter(**chosen)
    return qs.select_related(*related).order_by(f"-{at}", "-pk")


def hm(dt: datetime | None, day: date | None = None) -> str:
    """``14:05``; with the month and day when it is not on ``day`` (left the next morning)."""
    if dt is None:
        return "—"
    when = local(dt)
    assert when is not None
    return f"{when:%H:%M}" if day is not None and when.date() == day else f"{when:%m-%d %H:%M}"


SECONDS = "%Y-%m-%d %H:%M:%S"


def stamp(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``2026-11-24 14:05`` in Asia/Shanghai (or as ``fmt`` says), or ``—``."""
    when = local(dt)
    return when.strftime(fmt) if when is not None else "—"


def user_name(user: Any) -> str:
    """Who did it, as a register prints it (a dash for nobody)."""
    return actor_name(user, "—")
