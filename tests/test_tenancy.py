"""Many sites on Citus, the site as the distribution key (issue 18 §5; docs/citus.md): every
table belongs to a site or is a small shared table, and the gate's and the registers' queries of
site data name their site, so each touches one site's shard."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from gatehouse import tenancy
from tests.access.test_device_api import PATH, device_client, make_device, read
from tests.conftest import CARD_ZHANG


def test_every_model_is_placed_once():
    placed = tenancy.placements()
    labels = [p.label for p in placed]
    assert sorted(labels) == sorted(m._meta.label for m in apps.get_models())
    assert len(set(labels)) == len(labels)
    assert not tenancy.REFERENCE & tenancy.COORDINATOR


def test_a_new_shared_table_must_be_named(monkeypatch):
    """A model with no way to its site and not listed as shared is refused, not guessed."""
    monkeypatch.setattr(tenancy, "REFERENCE", tenancy.REFERENCE - {"governance.Checklist"})
    with pytest.raises(LookupError, match=r"governance\.Checklist"):
        tenancy.placements()


def test_reference_tables_do_not_point_at_site_data():
    """Citus copies a reference table to every worker: it may not hold a foreign key into a
    distributed table (nor may a coordinator table be referenced by site data)."""
    distributed = tenancy.distributed_tables()
    for label in tenancy.REFERENCE:
        model = apps.get_model(label)
        for field in model._meta.concrete_fields:
            if field.is_relation and (label, field.name) not in tenancy.LOOSE_REFERENCES:
                assert field.related_model._meta.db_table not in distributed, (label, field.name)


def test_tables_with_a_site_name_it_site_id():
    for placement in tenancy.placements():
        if placement.kind == "distributed" and "__" not in placement.site_path:
            field = apps.get_model(placement.label)._meta.get_field(placement.site_path)
            assert field.column == "site_id", placement


def test_the_tables_that_gain_a_site_column_are_the_plans():
    """docs/citus.md lists the tables that reach their site through a parent (they gain
    ``site_id`` before distribution); a new one must be added there."""
    plan = (tenancy_doc := _doc())
    missing = [p.table for p in tenancy.children() if f"`{p.table}`" not in plan]
    assert missing == [], "add them to docs/citus.md step 2"
    assert tenancy_doc.count("`sites_site`") >= 1


def _doc() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[1] / "docs/citus.md").read_text(encoding="utf-8")


# -- the queries ---------------------------------------------------------------------------------

_TABLE = re.compile(r'(?:FROM|JOIN|UPDATE|INTO)\s+"([a-z_0-9]+)"', re.IGNORECASE)


class _Recorder:
    def __init__(self) -> None:
        self.unscoped: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        direct = tenancy.direct_tables()
        touched = set(_TABLE.findall(sql)) & direct
        # SQLite's own next-id query of the event chain (PostgreSQL, hence Citus, uses a sequence)
        sqlite_only = "sqlite_sequence" in sql
        if touched and "site_id" not in sql and not sqlite_only:
            self.unscoped.append(sql)
        return execute(sql, params, many, context)


@pytest.mark.django_db
def test_a_gate_decision_names_its_site_in_every_query(site_a, manager_a, lanes_a, card_a):
    _, key = make_device(site_a, manager_a)
    api = device_client(key)
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        body = api.post(PATH, read("card", CARD_ZHANG, "n-citus")).json()
    assert body["outcome"] == "allow"
    assert recorder.unscoped == [], "\n".join(recorder.unscoped)


@pytest.mark.django_db
def test_the_event_register_names_its_site_in_every_query(client, manager_a, site_a, lanes_a):
    client.force_login(manager_a)
    recorder = _Recorder()
    with connection.execute_wrapper(recorder):
        for name in ("registers:events", "registers:on_site"):
            assert client.get(reverse(name)).status_code == 200
    assert recorder.unscoped == [], "\n".join(recorder.unscoped)
