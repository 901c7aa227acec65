"""Named personas for the Django tests: two sites and the people who work at them.

Site A is 东湖花园 (a residential community), site B is 西岭工业园 (an industrial park). A test asks
for the persona it needs by name (``guard_a``, ``manager_b`` …) instead of building fixtures.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests judge the rules, not the machine's speed: CI shares two cores between the suite
# and everything else, where a slow example is no defect (no deadline, no too-slow health check).
hypothesis_settings.register_profile(
    "gatehouse", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("gatehouse")

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 9, 30, tzinfo=SHANGHAI)
# Valid resident ID numbers (GB 11643 check digits computed by hand); used as personas' IDs.
ID_ZHANG = "11010519491231002X"
ID_LI = "110105199001011232"


@pytest.fixture(autouse=True)
def _suite_clock(request):
    """Every test runs on the suite's calendar: the clock starts at ``NOW`` and ticks, so a page
    or a service that reads ``timezone.now()`` itself sees the same day as the fixtures, on any
    real date (CI also runs the suite with the system clock 400 days ahead). A test that needs
    another moment travels there itself (``time_machine.travel(..., tick=False)`` nests); one
    marked ``real_clock`` keeps the machine's clock."""
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _media_in_a_temporary_folder(tmp_path_factory):
    """Files a test uploads — or the demo, which files pass copies and violation photos — go to a
    temporary folder, never to the checkout's ``var/media``."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas log in a lot; a fast hasher keeps the suite quick (tests only)."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # hashes made outside a test
    ]


@pytest.fixture(autouse=True)
def _no_device_kept_in_memory():
    """The decision path's memory of devices (gatehouse.gate.reads) lives in the process, which
    every test shares; each test starts with it empty, as a fresh worker does."""
    from gatehouse.gate.reads import forget_devices

    forget_devices()
    yield
    forget_devices()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in this thread (the locale middleware sets it
    and nothing resets it); every test starts in the site's default language, as a fresh
    request does."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _key_failures_forgotten():
    """Failed API keys are counted per address in this process (gatehouse.throttle); every test
    starts with none, as a fresh worker would."""
    from gatehouse.throttle import key_throttle

    key_throttle.reset()
    yield
    key_throttle.reset()


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def frozen_now(monkeypatch):
    """The clock stopped at ``NOW``, the device APIs' own clocks included."""
    monkeypatch.setattr("gatehouse.access.api._clock", lambda: NOW)
    monkeypatch.setattr("gatehouse.vehicles.api._clock", lambda: NOW)
    with time_machine.travel(NOW, tick=False):
        yield NOW


def _user(username: str, *, site=None, role: str | None = None, staff: bool = False):
    from django.contrib.auth import get_user_model

    from gatehouse.accounts.models import Membership

    user = get_user_model().objects.create_user(
        username=username, password="pass-1234", is_staff=staff
    )
    if site is not None and role is not None:
        Membership.objects.create(user=user, site=site, role=role)
    return user


@pytest.fixture
def site_a(db):
    from gatehouse.sites.models import Site

    return Site.objects.create(code="donghu", name="东湖花园", kind="residential")


@pytest.fixture
def site_b(db):
    from gatehouse.sites.models import Site

    return Site.objects.create(code="xiling", name="西岭工业园", kind="industrial_park")


@pytest.fixture
def guard_a(site_a):
    return _user("guard_a", site=site_a, role="guard")


@pytest.fixture
def guard_b(site_b):
    return _user("guard_b", site=site_b, role="guard")


@pytest.fixture
def desk_a(site_a):
    return _user("desk_a", site=site_a, role="front_desk", staff=True)


@pytest.fixture
def manager_a(site_a):
    return _user("manager_a", site=site_a, role="security_manager", staff=True)


@pytest.fixture
def manager_b(site_b):
    return _user("manager_b", site=site_b, role="security_manager", staff=True)


@pytest.fixture
def superuser(db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser(username="root", password="pass-1234")


@pytest.fixture
def house_a(site_a):
    from gatehouse.sites.models import Building, House, Unit

    building = Building.objects.create(site=site_a, code="3", name="3栋")
    unit = Unit.objects.create(building=building, code="2")
    return House.objects.create(site=site_a, unit=unit, number="3-2-1201", room="1201")


@pytest.fixture
def resident_a(site_a, house_a, manager_a):
    """张伟, owner of 3-2-1201 at site A, with an owner card."""
    from gatehouse.people import services

    person = services.person_create(
        site=site_a,
        actor=manager_a,
        name="张伟",
        kind="owner",
        id_number=ID_ZHANG,
        phone="13800138000",
        now=NOW,
    )
    services.house_link(person=person, house=house_a, relation="owner", actor=manager_a)
    return person


@pytest.fixture
def resident_b(site_b, manager_b):
    """李娜, an employee at site B."""
    from gatehouse.people import services

    return services.person_create(
        site=site_b,
        actor=manager_b,
        name="李娜",
        kind="employee",
        id_number=ID_LI,
        phone="13912345678",
        now=NOW,
    )


# -- gates, lanes and cards (issue 3) ------------------------------------------------------------

CARD_ZHANG = "0A1B2C3D"


@pytest.fixture
def lanes_a(site_a):
    """Site A's gates: 东门 (stays open when tightened) and 西门, each with a walk-in, walk-out and
    motor-in lane. Keys are ``"east/walk-in"`` etc."""
    from gatehouse.sites.models import Gate, Lane

    lanes = {}
    for code, name, open_ in (("east", "东门", True), ("west", "西门", False)):
        gate = Gate.objects.create(site=site_a, code=code, name=name, open_when_tightened=open_)
        for lane_code, kind, direction in (
            ("walk-in", "non_motor", "in"),
            ("walk-out", "non_motor", "out"),
            ("motor-in", "motor", "in"),
        ):
            lanes[f"{code}/{lane_code}"] = Lane.objects.create(
                gate=gate, code=lane_code, name=f"{name}{lane_code}", kind=kind, direction=direction
            )
    return lanes


@pytest.fixture
def walk_in_a(lanes_a):
    return lanes_a["east/walk-in"]


@pytest.fixture
def walk_out_a(lanes_a):
    return lanes_a["east/walk-out"]


@pytest.fixture
def card_a(resident_a, manager_a):
    """张伟's owner card, valid from a year before NOW."""
    from datetime import timedelta

    from gatehouse.people import services

    return services.credential_issue(
        site=resident_a.site,
        person=resident_a,
        kind="owner_card",
        number=CARD_ZHANG,
        valid_from=NOW - timedelta(days=365),
        actor=manager_a,
        now=NOW,
    )


@pytest.fixture
def resident_user_a(resident_a):
    """张伟's login (role resident at site A)."""
    user = _user("zhangwei", site=resident_a.site, role="resident")
    resident_a.user = user
    resident_a.save(update_fields=["user"])
    return user


@pytest.fixture
def file_database(transactional_db, tmp_path):
    """Run a threaded test on a file copy of the in-memory SQLite test database.

    SQLite's in-memory shared-cache database fails a table lock at once ("database table is
    locked") where the project's WAL file database waits its busy timeout; concurrency tests
    need the real behaviour. On PostgreSQL this does nothing."""
    import sqlite3

    from django.db import connection, connections

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "threads.sqlite3"
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    name = connection.settings_dict["NAME"]
    connection.connection = None  # keep the in-memory database alive, unused
    connection.settings_dict["NAME"] = str(path)
    # The replica alias mirrors the test database: it follows to the file (and its in-memory
    # connection, if it has one, is kept aside the same way).
    replica = connections["replica"] if "replica" in connections.settings else None
    if replica is not None:
        replica_memory = replica.connection
        replica.connection = None
        replica.settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory
        if replica is not None:
            replica.close()
            replica.settings_dict["NAME"] = name
            replica.connection = replica_memory


@pytest.fixture
def live_server(request, file_database):
    """A live server per test, on the file copy of the test database (``file_database``).

    pytest-django's own server lives for the whole session and, on an in-memory SQLite database,
    hands its request threads the test thread's connection object. A test that reads the
    database while something outside it (an edge agent's reports, a browser's polling) is being
    served then shares one connection and one transaction state between two threads: a query
    of the test thread can land inside the server's transaction and fail with the server's error
    (seen in CI as a TransactionManagementError in an edge health check). On the file copy each
    thread opens its own connection, as in production; on PostgreSQL nothing changes."""
    import os

    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr)
    assert not server.thread.connections_override, "the live server must not share connections"
    yield server
    server.stop()


def _flush_past_the_event_triggers() -> None:
    """Between transactional tests the test database is emptied: PostgreSQL truncates (no row
    trigger fires), SQLite deletes row by row, which the trigger refusing to delete an access
    event (access/0005) stops. On SQLite the flush lifts that trigger and puts it back, in the
    flush's own transaction."""
    import importlib

    from django.db.backends.sqlite3 import base

    flush = base.DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if "access_accessevent" not in tables:
            return statements
        migration = importlib.import_module("gatehouse.access.migrations.0005_event_chain")
        return [migration.SQLITE_DROP_DELETE, *statements, migration.SQLITE_NO_DELETE]

    base.DatabaseOperations.sql_flush = sql_flush


_flush_past_the_event_triggers()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A ``replica`` alias mirroring the test database, as Django tests a read replica: the
    router sends reads there only where a test switches ``GATEHOUSE_REPLICA_READS`` on
    (tests/test_replica.py); everywhere else it is unused."""
    import copy

    from django.db import connections

    if "replica" not in connections.settings:
        replica = copy.deepcopy(connections.settings["default"])
        replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default"}
        connections.settings["replica"] = replica
