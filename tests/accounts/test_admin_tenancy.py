"""Tenancy in the admin: a user sees and changes only the records of their own sites."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from gatehouse.people.models import Person


def _login(client, user):
    assert client.login(request=HttpRequest(), username=user.username, password="pass-1234")


def test_a_guard_has_no_admin_at_all(client, guard_a, resident_a, resident_b):
    _login(client, guard_a)
    for url in (
        reverse("admin:people_person_changelist"),
        reverse("admin:people_person_change", args=[resident_b.pk]),
        reverse("admin:people_person_change", args=[resident_a.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        assert "李娜" not in response.content.decode()


def test_a_manager_lists_only_their_sites_people(client, manager_a, resident_a, resident_b):
    _login(client, manager_a)
    page = client.get(reverse("admin:people_person_changelist")).content.decode()
    assert "张伟" in page
    assert "李娜" not in page and "西岭工业园" not in page
    # The masked ID is shown, the full one never.
    assert "110105********002X" in page and "11010519491231002X" not in page


def test_a_manager_cannot_open_or_change_another_sites_person(client, manager_a, resident_b):
    _login(client, manager_a)
    url = reverse("admin:people_person_change", args=[resident_b.pk])
    response = client.get(url, follow=True)
    assert "李娜" not in response.content.decode()
    assert response.redirect_chain and response.redirect_chain[-1][0] == reverse("admin:index")
    before = AuditEntry.objects.count()
    response = client.post(url, {"site": resident_b.site_id, "name": "被篡改", "kind": "owner"})
    assert response.status_code in (302, 403, 404)
    resident_b.refresh_from_db()
    assert resident_b.name == "李娜"
    assert AuditEntry.objects.count() == before
    # Nor can they delete it.
    client.post(reverse("admin:people_person_delete", args=[resident_b.pk]), {"post": "yes"})
    assert Person.objects.filter(pk=resident_b.pk).exists()


def test_a_manager_cannot_move_a_record_into_another_site(client, manager_a, site_b):
    _login(client, manager_a)
    response = client.post(
        reverse("admin:people_person_add"),
        {
            "site": site_b.pk,
            "name": "越权",
            "kind": "owner",
            "id_number": "",
            "phone": "",
            "house_links-TOTAL_FORMS": "0",
            "house_links-INITIAL_FORMS": "0",
            "credentials-TOTAL_FORMS": "0",
            "credentials-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form refuses the choice of a foreign site
    assert not Person.objects.filter(name="越权").exists()


def test_admin_add_seals_the_id_and_audits(client, manager_a, site_a):
    _login(client, manager_a)
    response = client.post(
        reverse("admin:people_person_add"),
        {
            "site": site_a.pk,
            "name": "王芳",
            "kind": "tenant",
            "id_number": "11010519491231002X",
            "phone": "13800138000",
            "is_active": "on",
            "house_links-TOTAL_FORMS": "0",
            "house_links-INITIAL_FORMS": "0",
            "credentials-TOTAL_FORMS": "0",
            "credentials-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(name="王芳")
    assert person.id_number_masked == "110105********002X"
    entry = AuditEntry.objects.get(action="person.admin.add", object_id=str(person.pk))
    assert entry.actor == manager_a and entry.after["name"] == "王芳"
    # An edit records before and after.
    client.post(
        reverse("admin:people_person_change", args=[person.pk]),
        {
            "site": site_a.pk,
            "name": "王芳芳",
            "kind": "tenant",
            "id_number": "",
            "phone": "",
            "is_active": "on",
            "house_links-TOTAL_FORMS": "0",
            "house_links-INITIAL_FORMS": "0",
            "credentials-TOTAL_FORMS": "0",
            "credentials-INITIAL_FORMS": "0",
        },
    )
    change = AuditEntry.objects.get(action="person.admin.change", object_id=str(person.pk))
    assert change.before["name"] == "王芳" and change.after["name"] == "王芳芳"


def test_admin_rejects_a_bad_id_number_with_the_core_message(client, manager_a, site_a):
    _login(client, manager_a)
    response = client.post(
        reverse("admin:people_person_add"),
        {
            "site": site_a.pk,
            "name": "王芳",
            "kind": "tenant",
            "id_number": "110105194912310021",
            "house_links-TOTAL_FORMS": "0",
            "house_links-INITIAL_FORMS": "0",
            "credentials-TOTAL_FORMS": "0",
            "credentials-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "校验" in response.content.decode()
    assert not Person.objects.filter(name="王芳").exists()


def test_the_audit_trail_is_read_only(client, manager_a, resident_a):
    _login(client, manager_a)
    entry = AuditEntry.objects.filter(site=resident_a.site).first()
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    response = client.post(
        reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code in (302, 403)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_a_manager_sees_only_their_sites_audit(client, manager_a, resident_a, resident_b):
    _login(client, manager_a)
    page = client.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    assert "张伟" in page and "李娜" not in page


@pytest.mark.parametrize(
    "model", ["sites_site", "sites_gate", "sites_house", "people_credential", "people_vehicle"]
)
def test_other_sites_rows_are_absent_from_every_changelist(
    client, manager_a, site_a, site_b, model
):
    from gatehouse.sites.models import Gate

    Gate.objects.create(site=site_b, code="north", name="北门乙")
    _login(client, manager_a)
    page = client.get(reverse(f"admin:{model}_changelist")).content.decode()
    assert "西岭工业园" not in page and "北门乙" not in page
