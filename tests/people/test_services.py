"""People services: validation through the core, sealing, one active holder per card, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gatehouse.audit.models import AuditEntry
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.people import services
from gatehouse.people.models import Credential, Person
from gatehouse.privacy import unseal
from tests.conftest import ID_ZHANG, NOW


def test_person_create_seals_id_and_phone_and_audits(site_a, manager_a):
    person = services.person_create(
        site=site_a,
        actor=manager_a,
        name=" 王 芳 ",
        kind="owner",
        id_number="11010519491231002x",
        phone="+86 138-0013-8000",
        now=NOW,
    )
    person.refresh_from_db()
    assert person.name == "王 芳"
    assert person.id_number_masked == "110105********002X"
    assert (
        person.id_number_last4 == "002X"
    )  # rule P-04: the last four serve the forgotten-card check
    assert person.phone_masked == "138****8000"
    assert unseal(person.id_number_cipher) == ID_ZHANG
    assert unseal(person.phone_cipher) == "13800138000"
    assert ID_ZHANG not in person.id_number_cipher
    entry = AuditEntry.objects.get(action="person.create", object_id=str(person.pk))
    assert entry.actor == manager_a and entry.site == site_a
    assert "id_number_cipher" not in entry.after and "id_number_hash" not in entry.after
    assert entry.after["id_number_masked"] == "110105********002X"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("110105194912310021", "id_number.checksum"),
        ("11010519491331002X", "id_number.birth_date"),
        ("110105491231002", "id_number.legacy"),
        ("abc", "id_number.format"),
    ],
)
def test_bad_id_number_changes_nothing(site_a, manager_a, raw, code):
    people, audits = Person.objects.count(), AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as err:
        services.person_create(
            site=site_a, actor=manager_a, name="王芳", kind="owner", id_number=raw, now=NOW
        )
    assert err.value.code == code
    assert err.value.message  # a Chinese sentence for the clerk
    assert (Person.objects.count(), AuditEntry.objects.count()) == (people, audits)


def test_same_id_number_twice_at_one_site_is_refused(
    site_a, site_b, manager_a, manager_b, resident_a
):
    with pytest.raises(DomainError) as err:
        services.person_create(
            site=site_a, actor=manager_a, name="张伟", kind="owner", id_number=ID_ZHANG, now=NOW
        )
    assert err.value.code == "person.duplicate_id_number"
    assert ID_ZHANG not in str(err.value.details)
    # Another site keeps its own registry.
    other = services.person_create(
        site=site_b, actor=manager_b, name="张伟", kind="employee", id_number=ID_ZHANG, now=NOW
    )
    assert other.site == site_b


def test_same_card_typed_three_ways_is_one_card(site_a, manager_a, resident_a):
    family = services.person_create(
        site=site_a, actor=manager_a, name="张小明", kind="family", now=NOW
    )
    card = services.credential_issue(
        site=site_a,
        actor=manager_a,
        kind="owner_card",
        number="00A1B2C3",
        person=resident_a,
        now=NOW,
    )
    assert card.number == "00A1B2C3"
    for typed in ("0010597059", "161,45763", "00:a1:b2:c3"):
        with pytest.raises(DomainError) as err:
            services.credential_issue(
                site=site_a,
                actor=manager_a,
                kind="owner_card",
                number=typed,
                person=family,
                now=NOW,
            )
        assert err.value.code == "credential.duplicate"
    assert Credential.objects.filter(site=site_a, number="00A1B2C3").count() == 1
    # Once the card is reported lost, the number may be issued again.
    services.credential_set_status(credential=card, status="lost", actor=manager_a, now=NOW)
    again = services.credential_issue(
        site=site_a, actor=manager_a, kind="owner_card", number="161,45763", person=family, now=NOW
    )
    assert again.status == "active"
    # ...but the lost card cannot come back to life while the new one is active.
    with pytest.raises(DomainError):
        services.credential_set_status(credential=card, status="active", actor=manager_a, now=NOW)
    audit = AuditEntry.objects.filter(object_id=str(card.pk), action="credential.lost").get()
    assert audit.before["status"] == "active" and audit.after["status"] == "lost"


def test_database_refuses_two_active_holders_even_without_the_service(site_a, resident_a):
    from django.db import IntegrityError, transaction

    Credential.objects.create(
        site=site_a, kind="owner_card", number="0000BEEF", person=resident_a, valid_from=NOW
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Credential.objects.create(
            site=site_a, kind="owner_card", number="0000BEEF", person=resident_a, valid_from=NOW
        )


def test_credential_window_must_be_ordered(site_a, manager_a, resident_a):
    with pytest.raises(InvalidInput) as err:
        services.credential_issue(
            site=site_a,
            actor=manager_a,
            kind="owner_card",
            number="12345678",
            person=resident_a,
            valid_from=NOW,
            valid_until=NOW - timedelta(days=1),
            now=NOW,
        )
    assert err.value.code == "credential.window"
    assert not Credential.objects.exists()


def test_credential_holder_must_belong_to_the_site(site_a, manager_a, resident_b):
    with pytest.raises(InvalidInput) as err:
        services.credential_issue(
            site=site_a,
            actor=manager_a,
            kind="owner_card",
            number="12345678",
            person=resident_b,
            now=NOW,
        )
    assert err.value.code == "credential.holder_site"


def test_vehicle_plate_is_normalised_and_unique(site_a, manager_a, resident_a):
    car = services.vehicle_register(
        site=site_a, actor=manager_a, plate="京a·12345", owner=resident_a, now=NOW
    )
    assert car.plate == "京A12345"
    with pytest.raises(DomainError) as err:
        services.vehicle_register(site=site_a, actor=manager_a, plate="京A 12345", now=NOW)
    assert err.value.code == "vehicle.duplicate_plate"
    with pytest.raises(InvalidInput) as err:
        services.vehicle_register(site=site_a, actor=manager_a, plate="ABC123", now=NOW)
    assert err.value.code.startswith("plate.")


def test_blacklist_add_and_lift(site_a, manager_a, resident_a):
    # rule P-11: the blacklist records who is refused, why and until when.
    entry = services.blacklist_add(
        site=site_a,
        actor=manager_a,
        reason="多次尾随进入",
        person=resident_a,
        expires_at=NOW + timedelta(days=30),
        now=NOW,
    )
    assert entry.id_number_hash == resident_a.id_number_hash
    assert entry.id_number_masked == "110105********002X"
    plate = services.blacklist_add(
        site=site_a, actor=manager_a, reason="违规占用消防通道", plate="沪B·D12345", now=NOW
    )
    assert plate.plate == "沪BD12345" and plate.kind == "plate"
    with pytest.raises(InvalidInput):
        services.blacklist_add(site=site_a, actor=manager_a, reason="", plate="沪BD12345", now=NOW)
    services.blacklist_lift(entry=entry, actor=manager_a, now=NOW + timedelta(days=1))
    entry.refresh_from_db()
    assert entry.lifted_at == NOW + timedelta(days=1)
    assert AuditEntry.objects.filter(action="blacklist.lift", object_id=str(entry.pk)).exists()


@pytest.mark.django_db(transaction=True)
def test_audit_refuses_to_write_outside_a_transaction(site_a):
    from gatehouse.audit.services import audit_record

    with pytest.raises(RuntimeError):
        audit_record(action="x", site=site_a)


@pytest.mark.django_db(transaction=True)
def test_a_failing_audit_rolls_the_write_back(monkeypatch, site_a, manager_a):
    def boom(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "audit_record", boom)
    with pytest.raises(RuntimeError):
        services.person_create(site=site_a, actor=manager_a, name="王芳", kind="owner", now=NOW)
    assert not Person.objects.filter(name="王芳").exists()
