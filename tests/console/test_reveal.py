"""Full ID numbers are shown only to a role that needs them, with a reason, and audited."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from gatehouse.audit.models import AuditEntry
from tests.conftest import ID_ZHANG


def _login(client, user):
    assert client.login(request=HttpRequest(), username=user.username, password="pass-1234")


def test_a_security_manager_reveals_with_a_reason_and_it_is_audited(client, manager_a, resident_a):
    _login(client, manager_a)
    page = client.get(reverse("console:person", args=[resident_a.pk])).content.decode()
    assert ID_ZHANG not in page and "查看完整号码" in page
    url = reverse("console:reveal_person", args=[resident_a.pk])
    response = client.post(url, {"reason": "配合派出所核查"})
    body = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert ID_ZHANG in body and "13800138000" in body
    entry = AuditEntry.objects.get(action="person.reveal", object_id=str(resident_a.pk))
    assert entry.actor == manager_a and entry.after == {"reason": "配合派出所核查"}
    assert ID_ZHANG not in str(entry.after) and ID_ZHANG not in str(entry.before)


def test_no_reason_no_reveal(client, manager_a, resident_a):
    _login(client, manager_a)
    before = AuditEntry.objects.count()
    response = client.post(reverse("console:reveal_person", args=[resident_a.pk]), {"reason": " "})
    body = response.content.decode()
    assert ID_ZHANG not in body and "请填写查看完整号码的事由" in body
    assert AuditEntry.objects.count() == before


def test_a_guard_or_desk_cannot_reveal(client, guard_a, desk_a, resident_a):
    for user in (guard_a, desk_a):
        _login(client, user)
        page = client.get(reverse("console:person", args=[resident_a.pk])).content.decode()
        assert "查看完整号码" not in page
        response = client.post(
            reverse("console:reveal_person", args=[resident_a.pk]), {"reason": "好奇"}
        )
        assert response.status_code == 403 and ID_ZHANG not in response.content.decode()
    assert not AuditEntry.objects.filter(action="person.reveal").exists()


def test_a_manager_of_another_site_gets_404(client, manager_b, resident_a):
    _login(client, manager_b)
    response = client.post(
        reverse("console:reveal_person", args=[resident_a.pk]), {"reason": "核查"}
    )
    assert response.status_code == 404
    assert ID_ZHANG not in response.content.decode() and "张伟" not in response.content.decode()
