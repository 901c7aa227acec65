"""Which tables belong to a site, and which are shared: the basis of running many sites on Citus
(distributed PostgreSQL) with the site as the distribution key (docs/citus.md).

Every model is one of:

- **distributed by site**: it has a site (a non-null foreign key or one-to-one to ``Site``), or
  belongs to a row that has one through non-null foreign keys (a lane through its gate). On
  Citus every such table carries ``site_id`` and is co-located with the others, so a site's rows
  live on one worker and a query that names the site touches one shard. The tables that reach
  their site only through a parent (:func:`children`) gain a ``site_id`` column in the migration
  to Citus (docs/citus.md, step 2);
- a **reference table** (:data:`REFERENCE`): small, shared by all sites, rarely written,
  copied to every worker so a distributed table may join and reference it;
- a **coordinator table** (:data:`COORDINATOR`): per person or per request rather than per site
  (sessions, login attempts, API tokens), kept on the coordinator only.

``tests/test_tenancy.py`` holds the code to this: a new model must fall into one class, a reference
table may not point at site data, and the gate's and the registers' queries of site data name
their site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

# Shared by every site, small, rarely written.
REFERENCE = frozenset(
    {
        "sites.Site",
        "auth.User",
        "auth.Group",
        "auth.Permission",
        "contenttypes.ContentType",
        "governance.PropertyCompany",
        "governance.Checklist",
        "governance.ChecklistItem",
        # the district's award rounds (文明物业小区, 流动红旗) compare sites; a handful a year
        "governance.AwardRound",
        # one row: the devices' registry version the gate path checks (gatehouse.gate.reads);
        # on Citus it becomes a row per site first (docs/citus.md, step 6)
        "devices.DeviceRegistryVersion",
    }
)

# Distributed by site, though some rows have no site today (an administrator's action outside any
# site): on Citus those rows are written under a reserved site (docs/citus.md, step 2).
SITE_OR_GLOBAL = frozenset({"audit.AuditEntry"})

# Foreign keys from a reference table into site data. Citus refuses them as constraints: on
# Citus each stays a plain column (its constraint dropped, docs/citus.md step 4) and the code that
# writes it keeps it right. A site's merger (M-05) is a site's row that the member sites point
# at; ending the merger clears the pointers.
LOOSE_REFERENCES = frozenset({("sites.Site", "unified_entrance")})

# Per person or per request, on the coordinator only.
COORDINATOR = frozenset(
    {
        "sessions.Session",
        "admin.LogEntry",
        "axes.AccessAttempt",
        "axes.AccessAttemptExpiration",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "accounts.ApiToken",
        # the workers' heartbeats (/readyz), the task queue and the scheduler's runs
        "ops.Heartbeat",
        "jobs.TaskRecord",
        "jobs.JobRun",
    }
)


@dataclass(frozen=True)
class Placement:
    label: str
    table: str
    kind: str  # "distributed", "reference" or "coordinator"
    # for a distributed table, the lookup from it to its site: "site" when it has the column,
    # else the path through its parents ("gate__site")
    site_path: str = ""


def _site_relations(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and (f.many_to_one or f.one_to_one) and not f.null
    ]


def site_path(model: type[models.Model], _seen: tuple[type, ...] = ()) -> str:
    """The shortest lookup from ``model`` to its Site through non-null relations, or ""."""
    from gatehouse.sites.models import Site

    relations = _site_relations(model)
    for field in relations:
        if field.related_model is Site:
            return field.name
    best = ""
    for field in relations:
        parent: Any = field.related_model
        if parent in _seen or parent is model:
            continue
        meta = getattr(parent, "_meta", None)  # a model class (not a lazy "app.Model" string)
        if meta is None or meta.label in REFERENCE | COORDINATOR:
            continue
        rest = site_path(parent, (*_seen, model))
        if rest and (not best or rest.count("__") + 1 < best.count("__")):
            best = f"{field.name}__{rest}"
    return best


def placements() -> list[Placement]:
    """Where each model's table goes; a model in no class raises (see the test)."""
    found = []
    for model in apps.get_models():
        label, table = model._meta.label, model._meta.db_table
        if label in REFERENCE:
            found.append(Placement(label, table, "reference"))
        elif label in COORDINATOR:
            found.append(Placement(label, table, "coordinator"))
        elif label in SITE_OR_GLOBAL:
            found.append(Placement(label, table, "distributed", "site"))
        elif path := site_path(model):
            found.append(Placement(label, table, "distributed", path))
        else:
            raise LookupError(f"{label} belongs to no site and is not listed as shared")
    return found


def children() -> list[Placement]:
    """Distributed tables that reach their site only through a parent: on Citus they gain a
    ``site_id`` column, filled from the parent, before they are distributed."""
    return [p for p in placements() if p.kind == "distributed" and "__" in p.site_path]


def distributed_tables() -> set[str]:
    return {p.table for p in placements() if p.kind == "distributed"}


def direct_tables() -> set[str]:
    """Distributed tables that have their ``site_id`` today."""
    return {p.table for p in placements() if p.kind == "distributed" and "__" not in p.site_path}
