"""Everything a vehicle decision looks up, in one statement (issue 14: the plate path's figures).

A plate camera pushes a result and waits for the barrier: the push must be answered in a few
milliseconds on the site's two-core box. The lookups it needs were seven ORM queries (the
site's vehicle settings, the tariff in force twice, the plate credential, the registered vehicle,
the vehicle pass, the open parking session), and half of a push's time went on Django compiling
their SQL. Here they are one hand-written statement built once from the models' metadata (as
:mod:`gatehouse.gate.sql` does for a card read): a row of keys found by small sub-selects, each
joined to its row, turned back into model instances (:func:`gatehouse.gate.rows.build`).

What each part finds is what the ORM look-ups it replaced found (``tests/vehicles/
test_lookups.py`` checks each part, on SQLite and PostgreSQL):

- the site's :class:`VehicleSettings` (None: the defaults apply);
- the holder of the active plate credential (the lowest key first, as ``.first()`` took it);
- the registered vehicle with its owner and whether its enterprise is active;
- the active vehicle pass valid at ``at`` (V-10);
- the open parking session, newest first, and the vehicle register row still inside;
- the tariff posted for the lane's garage in force at ``at``, else the site-wide one, as its
  JSON text (the parsed policy is cached by that text: a posted plan is never edited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from gatehouse.gate import rows
from gatehouse.parking.models import PassStatus, TariffPlan, VehiclePass
from gatehouse.people.models import (
    Credential,
    CredentialKind,
    CredentialStatus,
    Enterprise,
    Person,
    Vehicle,
)
from gatehouse.vehicles.models import (
    ParkingSession,
    SessionStatus,
    VehicleSettings,
    VehicleVisit,
    VehicleVisitStatus,
)


@dataclass(frozen=True)
class PlateLookup:
    """What the database holds about a plate at a site at one moment."""

    settings: VehicleSettings | None
    holder: Person | None
    vehicle: Vehicle | None
    enterprise_active: bool | None
    vpass: VehiclePass | None
    session: ParkingSession | None
    inside: VehicleVisit | None
    tariff: str | None

    def registered(self) -> tuple[bool, Person | None]:
        """A vehicle of the site's register (a person's car or an enterprise's fleet car), known
        by its plate whether or not a plate credential was issued: (known, owner). A person's
        car is judged as its owner's; a fleet car with nobody attached (owner None) is a staff
        vehicle of its enterprise (V-04). A car whose owner or enterprise has left is not
        known."""
        car = self.vehicle
        if car is None:
            return False, None
        owner = car.owner if car.owner_id is not None else None
        if owner is not None:
            return owner.is_active, owner if owner.is_active else None
        return bool(car.enterprise_id is not None and self.enterprise_active), None


def _key(name: str, text: str) -> str:
    return f"({text}) AS {name}"


@rows.statement
def plate_facts() -> str:
    """The keys of the rows a plate's decision reads, found by sub-selects, then the rows."""
    t = rows.table
    keys = ", ".join(
        [
            _key("vs_id", f"SELECT vs.id FROM {t(VehicleSettings)} vs WHERE vs.site_id = %s"),  # noqa: S608 (names from model metadata, values bound)
            _key(
                "holder_id",
                f"SELECT c.person_id FROM {t(Credential)} c WHERE c.site_id = %s "  # noqa: S608 (names from model metadata, values bound)
                "AND c.number = %s AND c.kind = %s AND c.status = %s ORDER BY c.id LIMIT 1",
            ),
            _key(
                "vehicle_id",
                f"SELECT v.id FROM {t(Vehicle)} v WHERE v.site_id = %s AND v.plate = %s "  # noqa: S608 (names from model metadata, values bound)
                "ORDER BY v.id LIMIT 1",
            ),
            _key(
                "pass_id",
                f"SELECT vp.id FROM {t(VehiclePass)} vp WHERE vp.site_id = %s AND vp.plate = %s "  # noqa: S608 (names from model metadata, values bound)
                "AND vp.status = %s AND vp.valid_from <= %s "
                "AND (vp.valid_until IS NULL OR vp.valid_until > %s) ORDER BY vp.id LIMIT 1",
            ),
            _key(
                "session_id",
                f"SELECT ps.id FROM {t(ParkingSession)} ps WHERE ps.site_id = %s "  # noqa: S608 (names from model metadata, values bound)
                "AND ps.plate = %s AND ps.status = %s ORDER BY ps.id DESC LIMIT 1",
            ),
            _key(
                "visit_id",
                f"SELECT vv.id FROM {t(VehicleVisit)} vv WHERE vv.site_id = %s "  # noqa: S608 (names from model metadata, values bound)
                "AND vv.plate = %s AND vv.status = %s ORDER BY vv.id DESC LIMIT 1",
            ),
            _key(
                "garage_plan_id",
                f"SELECT tg.id FROM {t(TariffPlan)} tg WHERE tg.site_id = %s "  # noqa: S608 (names from model metadata, values bound)
                "AND tg.garage_id = %s AND tg.effective_from <= %s "
                "ORDER BY tg.effective_from DESC, tg.id DESC LIMIT 1",
            ),
            _key(
                "site_plan_id",
                f"SELECT ts.id FROM {t(TariffPlan)} ts WHERE ts.site_id = %s "  # noqa: S608 (names from model metadata, values bound)
                "AND ts.garage_id IS NULL AND ts.effective_from <= %s "
                "ORDER BY ts.effective_from DESC, ts.id DESC LIMIT 1",
            ),
        ]
    )
    table = rows.quote(TariffPlan._meta.get_field("table").column)
    return (
        f"SELECT {rows.columns(VehicleSettings, 'vs')}, {rows.columns(Person, 'hp')}, "  # noqa: S608 (names from model metadata, values bound)
        f"{rows.columns(Vehicle, 'v')}, {rows.columns(Person, 'op')}, en.is_active, "
        f"{rows.columns(VehiclePass, 'vp')}, {rows.columns(ParkingSession, 'ps')}, "
        f"{rows.columns(VehicleVisit, 'vv')}, CAST(tp.{table} AS TEXT) "
        f"FROM (SELECT {keys}) k "
        f"LEFT JOIN {t(VehicleSettings)} vs ON vs.id = k.vs_id "
        f"LEFT JOIN {t(Person)} hp ON hp.id = k.holder_id "
        f"LEFT JOIN {t(Vehicle)} v ON v.id = k.vehicle_id "
        f"LEFT JOIN {t(Person)} op ON op.id = v.owner_id "
        f"LEFT JOIN {t(Enterprise)} en ON en.id = v.enterprise_id "
        f"LEFT JOIN {t(VehiclePass)} vp ON vp.id = k.pass_id "
        f"LEFT JOIN {t(ParkingSession)} ps ON ps.id = k.session_id "
        f"LEFT JOIN {t(VehicleVisit)} vv ON vv.id = k.visit_id "
        f"LEFT JOIN {t(TariffPlan)} tp ON tp.id = COALESCE(k.garage_plan_id, k.site_plan_id)"
    )


def plate_lookup(*, site_id: int, plate: str, at: datetime, garage_id: int | None) -> PlateLookup:
    """What a decision at a lane of ``garage_id`` (None: on the ground) needs about ``plate``
    (canonical, or "" for a vehicle without one: then only the settings and the tariff) at
    ``at``, in one statement."""
    when = connection.ops.adapt_datetimefield_value(at)
    params: list[Any] = [
        site_id,
        *(site_id, plate, CredentialKind.PLATE, CredentialStatus.ACTIVE),
        *(site_id, plate),
        *(site_id, plate, PassStatus.ACTIVE, when, when),
        *(site_id, plate, SessionStatus.OPEN),
        *(site_id, plate, VehicleVisitStatus.INSIDE),
        *(site_id, garage_id, when),
        *(site_id, when),
    ]
    row = rows.fetch_one(plate_facts(), params)
    assert row is not None  # a SELECT without FROM's rows yields exactly one
    found: list[Any] = []
    at_column = 0
    for model in (VehicleSettings, Person, Vehicle, Person):
        found.append(rows.build(model, row, at_column))
        at_column += rows.width(model)
    conf, holder, vehicle, owner = found
    enterprise_active = row[at_column]
    at_column += 1
    later: list[Any] = []
    for model in (VehiclePass, ParkingSession, VehicleVisit):
        later.append(rows.build(model, row, at_column))
        at_column += rows.width(model)
    vpass, session, inside = later
    tariff = row[at_column]
    if vehicle is not None:
        vehicle.owner = owner
    if not plate:
        holder = vehicle = vpass = session = inside = None
    return PlateLookup(
        settings=conf,
        holder=holder,
        vehicle=vehicle,
        enterprise_active=None if enterprise_active is None else bool(enterprise_active),
        vpass=vpass,
        session=session,
        inside=inside,
        tariff=tariff,
    )
