"""Hand-joined reads for the hot path of a gate decision.

A device read must be decided in a few milliseconds on a small on-premise box (issue 3 §9:
≥ 500 decisions/s on two cores). Building and compiling a Django queryset costs 0.5–1 ms of CPU
each time, more than the query itself, so the few reads every decision makes are written once as
SQL here and turned back into ordinary model instances (``Model.from_db``), with the related
objects attached as ``select_related`` would attach them. The column lists come from the models'
own metadata, so a new field is picked up without touching the SQL.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.db.models import CharField, ForeignKey, Model
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[Model]) -> str:
    return quote(model._meta.db_table)


def columns(model: type[Model], alias: str) -> str:
    """``alias."col", …`` for every concrete field of ``model``, in field order."""
    return ", ".join(f"{alias}.{quote(f.column)}" for f in model._meta.concrete_fields)


_bound: ContextVar[Any] = ContextVar("gate_connection", default=None)


def current() -> Any:
    """The default database's connection itself. ``django.db.connection`` is a proxy that looks
    the connection up on every attribute; the gate path reads it a few dozen times a decision
    (issue 18 §5), so each function here looks it up once, and inside :func:`bound` (a device
    request of the fast path) not even that: ``connections[…]`` is itself a context-local
    look-up of a few microseconds, made fifteen times a decision."""
    conn = _bound.get()
    return conn if conn is not None else connections[DEFAULT_DB_ALIAS]


@contextmanager
def bound() -> Iterator[None]:
    """Within the block, :func:`current` answers the default connection of this thread (or
    task) without looking it up: the same object Django's handler gives, for the block's
    length."""
    token = _bound.set(connections[DEFAULT_DB_ALIAS])
    try:
        yield
    finally:
        _bound.reset(token)


def statement(build_sql: Callable[[], str]) -> Callable[[], str]:
    """Memoise a function that writes a statement from model metadata (per database vendor), so
    the text is put together once per process, not on every read."""
    texts: dict[str, str] = {}

    def text() -> str:
        vendor = current().vendor
        if vendor not in texts:
            texts[vendor] = build_sql()
        return texts[vendor]

    return text


def width(model: type[Model]) -> int:
    return len(model._meta.concrete_fields)


def build(model: type[Model], row: Sequence[Any], start: int) -> Any:
    """The instance of ``model`` from ``row[start:start + width]``; None for an outer join's
    missing side (a NULL primary key)."""
    # (A model class is hashable; mypy without the Django plugin sees it as type[Any].)
    db = current()
    names, pk_index, converters, plain = _plan(model, db.vendor)  # type: ignore[arg-type]
    values = list(row[start : start + len(names)])
    if values[pk_index] is None:
        return None
    for i, col, convs in converters:
        for conv in convs:
            values[i] = conv(values[i], col, db)
    if not plain:
        return model.from_db(DEFAULT_DB_ALIAS, names, values)
    # What from_db and __init__ make of a whole row, without their per-field work (a seventh of
    # a decision's CPU went to building its seven instances): the values as the attributes,
    # the instance marked as loaded from the default database.
    obj = object.__new__(model)
    obj.__dict__.update(zip(names, values, strict=True))
    state = obj._state = ModelState()
    state.adding = False
    state.db = DEFAULT_DB_ALIAS
    return obj


def new[M: Model](model: type[M], **values: Any) -> M:
    """A new, unsaved instance of ``model``, the same as ``model(**values)`` makes it (each field
    its value or its default; a related object given by name sets its key and is cached as the
    descriptor caches it), without ``__init__``'s per-field work: a tenth of a device decision's
    CPU went to building its event (issue 18 §5). Falls back to ``model(**values)`` for a model
    that is not plain (:func:`_is_plain`) or a name that is not a concrete field's."""
    plan = _new_plan(model)  # type: ignore[arg-type]
    if plan is None or not values.keys() <= plan[1]:
        return model(**values)
    obj = object.__new__(model)
    attrs = obj.__dict__
    state = obj._state = ModelState()
    for name, attname, related, field in plan[0]:
        if related is not None and name in values:
            other = values[name]
            if other is None:
                attrs[attname] = None
            else:
                if not isinstance(other, related):
                    return model(**values)  # let Django raise its own error
                if state.db is None:
                    state.db = router.db_for_write(model, instance=other)
                if other._state.db is None:
                    other._state.db = router.db_for_write(type(other), instance=obj)
                if not router.allow_relation(other, obj):
                    return model(**values)  # Django raises the router's refusal
                attrs[attname] = getattr(other, field.target_field.attname)
            state.fields_cache[name] = other
        elif attname in values:
            attrs[attname] = values[attname]
        elif name in values:
            attrs[attname] = values[name]
        else:
            attrs[attname] = field.get_default()
    return obj


@functools.cache
def _new_plan(
    model: type[Model],
) -> tuple[list[tuple[str, str, Any, Any]], frozenset[str]] | None:
    """Per concrete field of a plain ``model``: its name, attribute name, the concrete model of
    a many-to-one relation (else None) and the field; and every name :func:`new` accepts."""
    if not _is_plain(model):
        return None
    plan = []
    names: set[str] = set()
    for f in model._meta.concrete_fields:
        related = None
        if f.generated:
            return None  # __init__ leaves a generated column unset
        if f.is_relation:
            if not f.many_to_one or f.one_to_one:
                return None  # a one-to-one also caches the other side
            related = f.remote_field.model._meta.concrete_model
        plan.append((f.name, f.attname, related, f))
        names.update((f.name, f.attname))
    return plan, frozenset(names)


def attach(obj: Model, name: str, other: Model | None) -> None:
    """``obj.<name> = other`` for a many-to-one relation between instances :func:`build` made
    from one row (the same database): the key and the related object's cache set as the
    descriptor sets them, without its type and router checks (a fortieth of a decision's CPU
    went to four of them, issue 18 §5)."""
    attname, target = _attach_plan(type(obj), name)  # type: ignore[arg-type]
    obj.__dict__[attname] = None if other is None else getattr(other, target)
    obj._state.fields_cache[name] = other


@functools.cache
def _attach_plan(model: type[Model], name: str) -> tuple[str, str]:
    field = model._meta.get_field(name)
    if not field.many_to_one:
        raise TypeError(f"{model.__name__}.{name} is not a many-to-one relation")
    return field.attname, field.target_field.attname


def _is_plain(model: type[Model]) -> bool:
    """Whether an instance of ``model`` built from a whole row by ``__init__`` is just its
    attributes set: no ``from_db`` or ``__init__`` of its own, no receiver of ``pre_init`` or
    ``post_init`` (an ImageField's dimensions), no deferred loading."""
    return (
        model.from_db.__func__ is Model.from_db.__func__  # type: ignore[attr-defined]
        and model.__init__ is Model.__init__
        and not pre_init.has_listeners(model)
        and not post_init.has_listeners(model)
    )


@functools.cache
def _plan(
    model: type[Model], vendor: str
) -> tuple[list[str], int, list[tuple[int, Any, Any]], bool]:
    """Attribute names, the primary key's position, per column the converters the ORM would
    apply (SQLite returns datetimes and decimals as text, booleans as integers; JSON is text),
    and whether an instance may be built plainly (:func:`_is_plain`)."""
    fields = model._meta.concrete_fields
    converters = []
    for i, f in enumerate(fields):
        col = f.get_col(model._meta.db_table)
        convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if convs:
            converters.append((i, col, convs))
    pk_index = next(i for i, f in enumerate(fields) if f.primary_key)
    return [f.attname for f in fields], pk_index, converters, _is_plain(model)


def fetch_one(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    with current().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()  # type: ignore[no-any-return]


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def written_fields(model: type[Model], exclude: Sequence[str] = ()) -> list[Any]:
    """The fields an insert of ``model`` writes from an instance: every concrete field but the
    primary key and those named in ``exclude`` (columns the statement fills itself)."""
    return [
        f for f in model._meta.concrete_fields if not f.primary_key and f.attname not in exclude
    ]


def column_list(fields: Sequence[Any]) -> str:
    return ", ".join(quote(f.column) for f in fields)


def prepared(obj: Model, fields: Sequence[Any]) -> list[Any]:
    """The values of ``fields`` of ``obj`` (a new instance) as an insert binds them, adapted for
    the database as ``save()`` would. A plain ``CharField`` holding a ``str`` and a plain
    ``ForeignKey`` holding an ``int`` or None are bound as they are, which is what Django's
    preparation returns for them (without its three calls a field: issue 18 §5)."""
    db = current()
    values = []
    attrs = obj.__dict__
    for f, attname, kind in _prepare_plan(fields):
        if kind is not None:
            value = attrs[attname] if attname in attrs else getattr(obj, attname)
            if type(value) is kind or (kind is int and value is None):
                values.append(value)
                continue
        values.append(f.get_db_prep_save(f.pre_save(obj, True), db))
    return values


_plans: dict[int, tuple[Sequence[Any], list[tuple[Any, str, type | None]]]] = {}


def _prepare_plan(fields: Sequence[Any]) -> list[tuple[Any, str, type | None]]:
    """Per field of ``fields``: the field, its attribute name and :func:`_plain_kind`; kept by
    the identity of the list (the statement builders hand out one list each, built once), with
    the list itself kept so that its identity is not reused while it is kept."""
    found = _plans.get(id(fields))
    if found is None or found[0] is not fields:
        if len(_plans) >= 64:  # a caller building its list each time: stay bounded
            _plans.clear()
        found = _plans[id(fields)] = (fields, [(f, f.attname, _plain_kind(f)) for f in fields])
    return found[1]


@functools.cache
def _plain_kind(field: Any) -> type | None:
    """The type of value ``field``'s preparation leaves as it is, if any: ``str`` for a plain
    CharField (its to_python of a str), ``int`` for a plain ForeignKey to an integer key (or
    NULL); not their subclasses, which may prepare differently. Pinned by tests/gate/test_sql.py
    against Django's own preparation."""
    if type(field) is CharField:
        return str
    if type(field) is ForeignKey and field.target_field.get_internal_type() in _INTEGER_KEYS:
        return int
    return None


_INTEGER_KEYS = frozenset(("AutoField", "BigAutoField", "IntegerField", "BigIntegerField"))


def saved(obj: Model, pk: Any) -> None:
    """Mark ``obj`` as the stored row with primary key ``pk``."""
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = DEFAULT_DB_ALIAS


@functools.cache
def _insert_plan(model: type[Model], vendor: str) -> tuple[str, list[Any]]:
    fields = written_fields(model)
    marks = ", ".join(["%s"] * len(fields))
    pk = quote(model._meta.pk.column)
    text = f"INSERT INTO {table(model)} ({column_list(fields)}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608 (names from model metadata, values bound)
    return text, fields


def insert[M: Model](obj: M) -> M:
    """Save a new instance with one insert built once from its model's metadata (what
    ``Model.objects.create`` does, without compiling the statement each time): every concrete
    field but the key, prepared as ``save()`` prepares it, the key read back. No signals are
    sent (the project uses none)."""
    # (A model class is hashable; mypy without the Django plugin sees it as type[Any].)
    text, fields = _insert_plan(type(obj), connection.vendor)  # type: ignore[arg-type]
    row = fetch_one(text, prepared(obj, fields))
    assert row is not None
    saved(obj, row[0])
    return obj


@functools.cache
def _update_plan(model: type[Model], names: tuple[str, ...], vendor: str) -> tuple[str, list[Any]]:
    fields = [model._meta.get_field(name) for name in names]
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    pk = quote(model._meta.pk.column)
    return f"UPDATE {table(model)} SET {sets} WHERE {pk} = %s", fields  # noqa: S608 (names from model metadata, values bound)


def update(obj: Model, names: Sequence[str]) -> None:
    """Write the fields ``names`` of a stored instance with one update built once from its
    model's metadata (what ``save(update_fields=…)`` does, without compiling it each time)."""
    # (A model class is hashable; mypy without the Django plugin sees it as type[Any].)
    text, fields = _update_plan(type(obj), tuple(names), connection.vendor)  # type: ignore[arg-type]
    values = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(text, [*values, obj.pk])
