"""The cars inside now as the booth reads them (issue 14, "Measures"): the per-garage counts,
the first page of open stays newest first, their total and the pairing anomalies — the same
answers as before the reads were moved to selectors and indexed, in a bounded number of
statements (bench/bench_parking.py times them with 2 million sessions)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gatehouse.sites.models import Garage, ParkingSpace
from gatehouse.vehicles import selectors, services
from gatehouse.vehicles.models import ParkingSession
from tests.conftest import NOW


def stay(site, plate, *, minutes_ago, garage=None, status="open", anomaly=""):
    return ParkingSession.objects.create(
        site=site,
        garage=garage,
        plate=plate,
        kind="temporary",
        entered_at=NOW - timedelta(minutes=minutes_ago),
        exited_at=None if status == "open" else NOW,
        status=status,
        anomaly=anomaly,
    )


@pytest.fixture
def garages(site_a):
    b2 = Garage.objects.create(site=site_a, code="b2", name="地下车库B2")
    b1 = Garage.objects.create(site=site_a, code="b1", name="地下车库B1")
    ParkingSpace.objects.bulk_create(
        [ParkingSpace(garage=b1, number=f"B1-{i:02d}", kind="temporary") for i in range(3)]
        + [ParkingSpace(garage=b2, number=f"B2-{i:02d}", kind="temporary") for i in range(5)]
    )
    return b1, b2


def test_occupancy_counts_open_stays_and_spaces_per_garage_in_two_statements(
    site_a, site_b, garages
):
    b1, b2 = garages
    Garage.objects.create(site=site_a, code="b3", name="地下车库B3")  # no spaces, no cars
    stay(site_a, "京A00001", minutes_ago=10, garage=b1)
    stay(site_a, "京A00002", minutes_ago=20, garage=b1)
    stay(site_a, "京A00003", minutes_ago=30, garage=b1, status="closed")
    stay(site_a, "京A00004", minutes_ago=40, garage=b2)
    stay(site_a, "京A00005", minutes_ago=50)  # on the ground
    stay(site_b, "京A00006", minutes_ago=60)  # another site's car
    with CaptureQueriesContext(connection) as queries:
        rows = services.occupancy(site_a)
    assert [
        (row["garage"].code if row["garage"] else None, row["inside"], row["spaces"])
        for row in rows
    ] == [("b1", 2, 3), ("b2", 1, 5), ("b3", 0, 0), (None, 1, None)]
    assert len(queries) == 2  # not one more per garage


def test_cars_inside_lists_the_open_stays_newest_first_one_page(site_a, site_b, garages):
    b1, _b2 = garages
    for i in range(35):
        stay(site_a, f"京B{i:05d}", minutes_ago=i, garage=b1 if i % 2 else None)
    stay(site_a, "京C00001", minutes_ago=0, status="closed")  # left: not inside
    stay(site_b, "京C00002", minutes_ago=0)  # inside, elsewhere
    with CaptureQueriesContext(connection) as queries:
        page = [
            (s.plate, s.garage.code if s.garage else None) for s in selectors.cars_inside(site_a)
        ]
    assert len(queries) == 1  # the garages come with the stays
    assert page == [(f"京B{i:05d}", "b1" if i % 2 else None) for i in range(30)]
    assert selectors.cars_inside_count(site_a) == 35
    assert selectors.cars_inside_count(site_b) == 1


def test_session_anomalies_are_the_latest_ten_of_the_site(site_a, site_b):
    made = []
    for i in range(14):
        made.append(
            stay(
                site_a,
                f"京D{i:05d}",
                minutes_ago=100 - i,
                status="closed",
                anomaly="second_entry" if i % 2 else "exit_without_entry",
            )
        )
        stay(site_a, f"京E{i:05d}", minutes_ago=100 - i, status="closed")  # paired cleanly
    stay(site_b, "京F00001", minutes_ago=1, status="closed", anomaly="second_entry")
    assert [s.pk for s in selectors.session_anomalies(site_a)] == [s.pk for s in made[::-1][:10]]
    assert list(selectors.session_anomalies(site_b).values_list("plate", flat=True)) == ["京F00001"]


def test_the_anomaly_index_is_partial_and_serves_the_booth(site_a):
    # issue 14: a site without anomalies must not read its whole history to show none
    stay(site_a, "京G00001", minutes_ago=5, status="closed", anomaly="second_entry")
    sql, params = selectors.session_anomalies(site_a).query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(cell) for row in cursor.fetchall() for cell in row)
    assert "session_anomaly_idx" in plan
