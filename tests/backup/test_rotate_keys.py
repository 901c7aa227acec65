"""Rotation of the data keys (issue 18 §3): ``manage.py rotate_keys`` re-encrypts every encrypted
personal field under a new key, resumably, and ``--retire`` removes the old key only once no row
uses it."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from gatehouse import privacy
from gatehouse.backup import rotation
from gatehouse.people.models import Person
from gatehouse.people.services import find_person_by_id_number
from gatehouse.privacy import seal, unseal
from tests.conftest import ID_LI, ID_ZHANG


@pytest.fixture
def env_file(tmp_path, monkeypatch, settings):
    """A .env of the test's own, holding the configured keys; the decryptor is rebuilt after."""
    # Set through the fixture, so that the keys rotate_keys puts in place are undone afterwards.
    settings.GATEHOUSE_DATA_KEYS = list(settings.GATEHOUSE_DATA_KEYS)
    path = tmp_path / ".env"
    path.write_text(
        "# keys\nGATEHOUSE_DATA_KEYS=" + ",".join(settings.GATEHOUSE_DATA_KEYS) + "\nOTHER=1\n",
        "utf-8",
    )
    monkeypatch.setenv("GATEHOUSE_ENV_FILE", str(path))
    privacy._fernet.cache_clear()
    yield path
    privacy._fernet.cache_clear()


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("rotate_keys", *args, stdout=out)
    return out.getvalue()


def _env_keys(path) -> list[str]:
    for line in path.read_text("utf-8").splitlines():
        if line.startswith("GATEHOUSE_DATA_KEYS="):
            return line.split("=", 1)[1].split(",")
    raise AssertionError("no GATEHOUSE_DATA_KEYS line")


def _key_ids_in_use() -> set[str]:
    return {k for counts in rotation.usage().values() for k, n in counts.items() if n}


def test_every_encrypted_personal_field_is_found():
    labels = {cf.label for cf in rotation.cipher_fields()}
    assert {
        "people_person.id_number_cipher",
        "people_person.phone_cipher",
        "people_enterprise.contact_phone_cipher",
        "visitors_visit.id_number_cipher",
        "visitors_visit.phone_cipher",
        "visitors_invitation.visitor_phone_cipher",
    } <= labels


def test_rotation_moves_every_row_to_the_new_key_and_lookups_still_work(
    db, env_file, resident_a, resident_b
):
    original = list(settings.GATEHOUSE_DATA_KEYS)
    old = rotation.key_id(original[0])
    assert _key_ids_in_use() == {old}

    out = _run("--new-key", "--batch", "1")

    keys = _env_keys(env_file)
    assert keys[1:] == original
    new = rotation.key_id(keys[0])
    assert new != old and keys == settings.GATEHOUSE_DATA_KEYS  # in use in this process too
    assert "OTHER=1" in env_file.read_text("utf-8")  # the rest of .env is kept
    assert f"key {old}: no longer referenced; remove it with --retire {old}" in out
    assert _key_ids_in_use() == {new}  # every row carries the new key id
    for person, number in ((resident_a, ID_ZHANG), (resident_b, ID_LI)):
        person.refresh_from_db()
        assert unseal(person.id_number_cipher) == number
        assert find_person_by_id_number(site=person.site, id_number=number) == person
    assert unseal(Person.objects.get(pk=resident_a.pk).phone_cipher) == "13800138000"

    again = _run()  # idempotent: nothing left to do
    assert "people_person.id_number_cipher: 0 re-encrypted, 2 already under" in again

    retired = _run("--retire", old)
    assert f"key {old} retired" in retired
    assert _env_keys(env_file) == keys[:1] + original[1:]
    assert keys[:1] + original[1:] == settings.GATEHOUSE_DATA_KEYS
    privacy._fernet.cache_clear()
    resident_a.refresh_from_db()
    assert unseal(resident_a.id_number_cipher) == ID_ZHANG  # still reads with the new key alone
    assert find_person_by_id_number(site=resident_a.site, id_number=ID_ZHANG) == resident_a


def test_keys_set_outside_the_env_file_are_not_edited(db, env_file, resident_a):
    env_file.write_text("GATEHOUSE_DATA_KEYS=" + rotation.new_key() + "\n", "utf-8")
    before = env_file.read_text("utf-8")
    with pytest.raises(CommandError, match="are not those of"):
        _run("--new-key")
    assert env_file.read_text("utf-8") == before
    assert _key_ids_in_use() == {rotation.key_id(settings.GATEHOUSE_DATA_KEYS[0])}


def test_an_interrupted_rotation_is_resumed_by_running_it_again(
    db, env_file, resident_a, resident_b
):
    old_keys = list(settings.GATEHOUSE_DATA_KEYS)
    fresh = rotation.new_key()
    rotation.apply_keys([fresh, *old_keys])  # the key added, the rows not yet re-encrypted
    rotation.write_env_keys(env_file, [fresh, *old_keys])
    Person.objects.filter(pk=resident_a.pk).update(id_number_cipher=seal("id", ID_ZHANG).cipher)

    out = _run()

    assert "people_person.id_number_cipher: 1 re-encrypted, 1 already under" in out
    assert _key_ids_in_use() == {rotation.key_id(fresh)}


def test_retiring_a_key_still_in_use_is_refused(db, env_file, resident_a):
    old_keys = list(settings.GATEHOUSE_DATA_KEYS)
    old = rotation.key_id(old_keys[0])
    fresh = rotation.new_key()
    rotation.apply_keys([fresh, *old_keys])
    rotation.write_env_keys(env_file, [fresh, *old_keys])

    with pytest.raises(CommandError, match=rf"key {old} is still used by .*people_person"):
        _run("--retire", old)
    with pytest.raises(CommandError, match="is the newest key"):
        _run("--retire", rotation.key_id(fresh))
    with pytest.raises(CommandError, match="no configured key has id"):
        _run("--retire", "00000000")
    assert _env_keys(env_file) == [fresh, *old_keys]  # nothing removed
    resident_a.refresh_from_db()
    assert unseal(resident_a.id_number_cipher) == ID_ZHANG
