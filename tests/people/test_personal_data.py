"""Personal data at rest: a dump of the whole database holds no full ID number or phone."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.db import connection
from django.http import HttpRequest
from django.urls import reverse

from gatehouse.people import services
from tests.conftest import ID_LI, ID_ZHANG, NOW

PHONES = ("13800138000", "13912345678", "13700137000")


def _raw_dump() -> str:
    """Every row of every table, as text, straight from the database."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks)


def test_no_full_id_number_or_phone_anywhere_in_the_database(
    client, site_a, manager_a, resident_a, resident_b
):
    # Written every way the foundation offers: services, the blacklist, the admin.
    services.blacklist_add(
        site=site_a,
        actor=manager_a,
        reason="寻衅滋事",
        name="赵六",
        id_number=ID_LI,
        expires_at=NOW + timedelta(days=90),
        now=NOW,
    )
    services.person_update(person=resident_a, actor=manager_a, phone="13700137000", now=NOW)
    assert client.login(request=HttpRequest(), username="manager_a", password="pass-1234")
    response = client.post(
        reverse("admin:people_person_add"),
        {
            "site": site_a.pk,
            "name": "王芳",
            "kind": "tenant",
            "id_number": "110105199001011232",
            "phone": "13800138000",
            "is_active": "on",
            "house_links-TOTAL_FORMS": "0",
            "house_links-INITIAL_FORMS": "0",
            "credentials-TOTAL_FORMS": "0",
            "credentials-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302  # the admin really wrote 王芳

    raw = _raw_dump()
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    for text in (raw, out.getvalue()):
        assert "张伟" in text  # the dump is real and holds the people…
        for secret in (ID_ZHANG, ID_LI, ID_ZHANG.lower(), *PHONES):
            assert secret not in text  # …but never a full ID number or phone
        assert "110105********002X" in text
