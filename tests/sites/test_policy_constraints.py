"""The database refuses a gate-policy value the rules cannot read (issue 12 §2), on SQLite and on
PostgreSQL alike: CHECK constraints on the site's mode, kind and numbers, the lane's kind and
direction, and the site's vehicle settings. Both layers: these keep bad values out, and the gate
refuses with ``policy.invalid`` should one get in anyway (tests/access/test_policy_invalid.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Model

from gatehouse.sites.models import Gate, Lane, Site
from gatehouse.vehicles.models import VehicleSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(site_a):
    gate = Gate.objects.create(site=site_a, code="east", name="东门")
    lane = Lane.objects.create(gate=gate, code="in", name="入口", kind="non_motor", direction="in")
    conf = VehicleSettings.objects.create(site=site_a)
    return {Site: site_a, Lane: lane, VehicleSettings: conf}


@pytest.mark.parametrize(
    ("model", "column", "value"),
    [
        (Site, "mode", "fast"),
        (Site, "mode", ""),
        (Site, "kind", "airport"),
        (Site, "fever_threshold", Decimal("35.9")),
        (Site, "fever_threshold", Decimal("39.1")),
        (Site, "request_timeout_minutes", 0),
        (Site, "visit_minutes", 0),
        (Site, "visit_minutes", 1441),
        (Lane, "kind", ""),
        (Lane, "kind", "tunnel"),
        (Lane, "direction", ""),
        (Lane, "direction", "up"),
        (VehicleSettings, "delivery_minutes", 0),
        (VehicleSettings, "taxi_minutes", 0),
        (VehicleSettings, "taxi_minutes", 1441),
        (VehicleSettings, "exit_grace_minutes", 1441),
    ],
)
def test_a_bad_policy_value_cannot_be_stored(rows, model: type[Model], column: str, value: Any):
    row = rows[model]
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{column: value})
    setattr(row, column, value)
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save(update_fields=[column])


def test_good_values_are_stored(rows):
    site = rows[Site]
    Site.objects.filter(pk=site.pk).update(
        mode="epidemic", fever_threshold=Decimal("36.0"), visit_minutes=None
    )
    Site.objects.filter(pk=site.pk).update(fever_threshold=Decimal("39.0"), visit_minutes=1440)
    VehicleSettings.objects.filter(pk=rows[VehicleSettings].pk).update(exit_grace_minutes=0)
    site.refresh_from_db()
    assert (site.mode, site.fever_threshold, site.visit_minutes) == (
        "epidemic",
        Decimal("39.0"),
        1440,
    )


def test_a_stored_threshold_reads_back_as_a_decimal(rows):
    site = rows[Site]
    Site.objects.filter(pk=site.pk).update(fever_threshold=Decimal("37.5"))
    assert Site.objects.get(pk=site.pk).fever_threshold == Decimal("37.5")
    assert Site.objects.values_list("fever_threshold", flat=True).get(pk=site.pk) == Decimal("37.5")


def test_the_migration_brings_existing_rows_into_range_first(rows):
    """What the constraints' migrations do before adding them, on rows stored earlier."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    from tests.access.test_policy_invalid import corrupt

    site, conf = rows[Site], rows[VehicleSettings]
    corrupt(Site, site.pk, "mode", "fast")
    corrupt(Site, site.pk, "fever_threshold", Decimal("35.0"))
    corrupt(Site, site.pk, "visit_minutes", 0)
    corrupt(Site, site.pk, "request_timeout_minutes", 0)
    corrupt(VehicleSettings, conf.pk, "taxi_minutes", 0)
    corrupt(VehicleSettings, conf.pk, "exit_grace_minutes", 5000)
    editor = type("Editor", (), {"connection": connection})()
    import_module("gatehouse.sites.migrations.0003_policy_constraints").repair_policy_values(
        apps, editor
    )
    import_module(
        "gatehouse.vehicles.migrations.0002_no_plate_and_policy_constraints"
    ).repair_settings(apps, editor)
    site.refresh_from_db()
    conf.refresh_from_db()
    assert (site.mode, site.fever_threshold, site.visit_minutes) == (
        "tightened",
        Decimal("36.0"),
        None,
    )
    assert site.request_timeout_minutes == 1
    assert (conf.taxi_minutes, conf.exit_grace_minutes) == (1, 1440)
