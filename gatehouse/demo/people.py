"""The people of a demo plan, written through :mod:`gatehouse.people.services` (which validate,
seal ID numbers and phones, and audit): enterprises, persons with their houses, vehicles and
credentials, and the blacklist; each adds only what is missing, found by natural keys."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.masking import mask_phone
from gatehouse.demo.sites import SitePlan, SiteReport, at_day
from gatehouse.people import services
from gatehouse.people.models import (
    BlacklistEntry,
    CredentialStatus,
    Enterprise,
    HouseMembership,
    Person,
)
from gatehouse.privacy import lookup_hash, seal
from gatehouse.sites.models import Site


def ensure_enterprises(
    site: Site, plan: SitePlan, actor: Actor, now: datetime, report: SiteReport
) -> dict[str, Enterprise]:
    enterprises = {e.name: e for e in site.enterprises.all()}
    zones = {z.code: z for z in site.zones.all()} if plan.enterprises else {}
    for spec in plan.enterprises:
        if spec.name in enterprises:
            continue
        phone = seal("phone", spec.contact_phone)
        enterprise = Enterprise.objects.create(
            site=site,
            zone=zones.get(spec.zone),
            name=spec.name,
            uscc=spec.uscc,
            industry=spec.industry,
            contact_name=spec.contact_name,
            contact_phone_cipher=phone.cipher,
            contact_phone_masked=mask_phone(spec.contact_phone) if spec.contact_phone else "",
        )
        audit_record(
            action="enterprise.create",
            obj=enterprise,
            actor=actor,
            after=snapshot(enterprise),
            at=now,
        )
        enterprises[spec.name] = enterprise
        report.add("enterprises")
    return enterprises


def ensure_people(
    site: Site, plan: SitePlan, actor: Actor, now: datetime, today: date, report: SiteReport
) -> None:
    digest = {p.id_number: lookup_hash("id", p.id_number) for p in plan.people}
    have_people = set(
        site.people.exclude(id_number_hash="").values_list("id_number_hash", flat=True)
    )
    have_links = set(
        HouseMembership.objects.filter(house__site=site).values_list(
            "person__id_number_hash", "house__number"
        )
    )
    have_plates = set(site.vehicles.values_list("plate", flat=True))
    have_numbers = set(site.credentials.values_list("number", flat=True))
    missing_people = [p for p in plan.people if digest[p.id_number] not in have_people]
    missing_links = [
        (p, number, relation)
        for p in plan.people
        for number, relation in p.houses
        if (digest[p.id_number], number) not in have_links
    ]
    missing_vehicles = [v for v in plan.vehicles if v.plate not in have_plates]
    missing_credentials = [c for c in plan.credentials if c.number not in have_numbers]
    if not (missing_people or missing_links or missing_vehicles or missing_credentials):
        return

    enterprises = {e.name: e for e in site.enterprises.all()}
    for spec in missing_people:
        services.person_create(
            site=site,
            actor=actor,
            name=spec.name,
            kind=spec.kind,
            id_number=spec.id_number,
            phone=spec.phone,
            enterprise=enterprises.get(spec.enterprise),
            note=spec.note,
            now=now,
        )
    report.add("people", len(missing_people))

    people = {
        p.id_number_hash: p
        for p in site.people.exclude(id_number_hash="").only(
            "id", "site_id", "name", "id_number_hash"
        )
    }

    def person(id_number: str) -> Person | None:
        return people[digest[id_number]] if id_number else None

    houses = {h.number: h for h in site.houses.all()} if missing_links else {}
    for spec, number, relation in missing_links:
        holder = person(spec.id_number)
        assert holder is not None
        services.house_link(
            person=holder, house=houses[number], relation=relation, actor=actor, now=now
        )
    report.add("house_links", len(missing_links))

    for car in missing_vehicles:
        services.vehicle_register(
            site=site,
            actor=actor,
            plate=car.plate,
            owner=person(car.owner),
            enterprise=enterprises.get(car.enterprise),
            brand=car.brand,
            color=car.color,
            now=now,
        )
    report.add("vehicles", len(missing_vehicles))

    vehicles = {v.plate: v for v in site.vehicles.all()} if missing_credentials else {}
    for card in missing_credentials:
        valid_from = at_day(card.valid_from)
        valid_until = None
        if card.valid_days is not None:
            valid_until = at_day(today + timedelta(days=card.valid_days), 23)
        credential = services.credential_issue(
            site=site,
            actor=actor,
            kind=card.kind,
            number=card.number,
            person=person(card.person),
            vehicle=vehicles.get(card.vehicle),
            valid_from=valid_from,
            valid_until=valid_until,
            now=now,
        )
        if card.status != CredentialStatus.ACTIVE:
            services.credential_set_status(
                credential=credential, status=card.status, actor=actor, now=now
            )
    report.add("credentials", len(missing_credentials))


def ensure_blacklist(
    site: Site, plan: SitePlan, actor: Actor, now: datetime, report: SiteReport
) -> None:
    entries = BlacklistEntry.objects.filter(site=site)
    have_plates = set(entries.exclude(plate="").values_list("plate", flat=True))
    have_ids = set(entries.exclude(id_number_hash="").values_list("id_number_hash", flat=True))
    for spec in plan.blacklist:
        if spec.plate in have_plates or (
            spec.id_number and lookup_hash("id", spec.id_number) in have_ids
        ):
            continue
        starts = now - timedelta(days=spec.days_ago)
        services.blacklist_add(
            site=site,
            actor=actor,
            reason=spec.reason,
            name=spec.name,
            id_number=spec.id_number,
            plate=spec.plate,
            starts_at=starts,
            expires_at=starts + timedelta(days=spec.valid_days) if spec.valid_days else None,
            now=now,
        )
        report.add("blacklist")
