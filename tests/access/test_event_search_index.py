"""The event register's text search is served by trigram indexes on PostgreSQL (issue 18 §4):
the search the register runs can use them: the plan of its very expression names all four."""

from __future__ import annotations

import pytest
from django.db import connection

from gatehouse.access.models import AccessEvent
from gatehouse.registers.selectors import event_search

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram indexes")
def test_the_search_can_use_the_trigram_indexes(site_a):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'access_accessevent' "
            "AND indexname LIKE %s",
            ["%_trgm"],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert names == {
        f"event_{c}_trgm" for c in ("subject", "credential_masked", "reason", "message")
    }
    # The register's own search expression, alone: on an empty table the planner would rather
    # walk the site's index, so the scan is switched off to ask whether the indexes fit at all.
    search = AccessEvent.objects.filter(event_search("张三")).values("pk")
    sql, params = search.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "BitmapOr" in plan, plan
    for column in ("subject", "credential_masked", "reason", "message"):
        # Plain table: the index by its name; partitioned (PostgreSQL, gate/partitions.py): each
        # month's copy of it, named by PostgreSQL, on the same expression.
        served = f"Index Cond: (upper(({column})::text)"
        assert f"event_{column}_trgm" in plan or served in plan
