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


def test_twenty_reveals_an_hour_the_twenty_first_is_refused_and_audited(
    client, manager_a, resident_a
):
    from datetime import timedelta

    import time_machine

    from tests.conftest import NOW

    url = reverse("console:reveal_person", args=[resident_a.pk])
    _login(client, manager_a)
    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(20):
            assert ID_ZHANG in client.post(url, {"reason": "核查"}).content.decode()
            traveller.shift(timedelta(minutes=2))
        # 40 minutes after the first: the 21st in the hour.
        response = client.post(url, {"reason": "再核查"})
        body = response.content.decode()
        assert response.status_code == 200
        assert ID_ZHANG not in body and "13800138000" not in body
        assert "已达 20 次上限" in body and "10:30 之后再试" in body
        refused = AuditEntry.objects.get(action="person.reveal_refused")
        assert refused.actor == manager_a and refused.object_id == str(resident_a.pk)
        assert refused.after == {"reason": "再核查", "limit": 20}
        assert AuditEntry.objects.filter(action="person.reveal").count() == 20
        # Once the first reveal is an hour old, one more is allowed.
        traveller.move_to(NOW + timedelta(hours=1, seconds=1))
        assert ID_ZHANG in client.post(url, {"reason": "核查"}).content.decode()
        assert AuditEntry.objects.filter(action="person.reveal").count() == 21


def test_the_reveal_quota_is_per_user(client, manager_a, resident_a, settings):
    import time_machine

    from gatehouse.accounts.models import Membership
    from tests.conftest import NOW, _user

    settings.GATEHOUSE_REVEALS_PER_HOUR = 1
    other = _user("manager_a2", site=manager_a.memberships.first().site, role="security_manager")
    assert Membership.objects.filter(user=other).exists()
    url = reverse("console:reveal_person", args=[resident_a.pk])
    with time_machine.travel(NOW, tick=False):
        _login(client, manager_a)
        assert ID_ZHANG in client.post(url, {"reason": "核查"}).content.decode()
        assert ID_ZHANG not in client.post(url, {"reason": "核查"}).content.decode()
        _login(client, other)
        assert ID_ZHANG in client.post(url, {"reason": "核查"}).content.decode()
