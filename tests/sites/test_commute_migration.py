"""Issue 13 §4: the commute minutes moved from the guard's settings to the site. The data
migration carries each site's configured value over (and back), so no site's shift-change
windows (P-13, S-09) change with the move."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("sites", "0005_site_commute_minutes"), ("guard", "0001_initial")]
AFTER = [("sites", "0006_commute_from_guard_settings"), ("guard", "0002_commute_minutes_to_site")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_each_sites_commute_minutes_are_carried_over_from_the_guard_settings():
    # rule S-09 / P-13: the windows are the working hours ± the site's configured minutes
    old = _migrate(BEFORE)
    Site = old.get_model("sites", "Site")
    GuardSettings = old.get_model("guard", "GuardSettings")
    configured = Site.objects.create(code="m-a", name="甲")
    Site.objects.create(code="m-b", name="乙")
    GuardSettings.objects.create(site_id=configured.pk, commute_minutes=45)
    try:
        new = _migrate(AFTER)
        Site = new.get_model("sites", "Site")
        minutes = dict(Site.objects.values_list("code", "commute_minutes"))
        assert minutes == {"m-a": 45, "m-b": 30}
        assert "commute_minutes" not in {
            f.name for f in new.get_model("guard", "GuardSettings")._meta.get_fields()
        }
        # And back: the settings row takes the site's value again.
        Site.objects.filter(code="m-a").update(commute_minutes=20)
        old = _migrate(BEFORE)
        settings_row = old.get_model("guard", "GuardSettings").objects.get(site_id=configured.pk)
        assert settings_row.commute_minutes == 20
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
