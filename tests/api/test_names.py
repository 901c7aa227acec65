"""Names are cleaned by the one core helper (gatehouse.core.text, issue 12 §5): invisible and
bidirectional control characters are stripped from stored names, and a name with nothing visible
left is refused with a code and a Chinese message, writing nothing."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from gatehouse.accounts.services import api_token_issue
from gatehouse.audit.models import AuditEntry
from gatehouse.core.access import Entrant
from gatehouse.core.errors import InvalidInput
from gatehouse.guard.models import Ticket
from gatehouse.people.models import Enterprise, Person
from gatehouse.visitors import services as visitor_services
from gatehouse.visitors.models import Visit
from tests.api.conftest import assert_error_shape
from tests.conftest import NOW
from tests.guard.conftest import monitor_a  # noqa: F401 (fixture)

INVISIBLE_ONLY = ["\u200b", "\u202e\u202c", "\u2066\u2069", "\ufeff", "\u200b \u2060\u200f"]
# What a hostile client sends, and what is stored.
DISGUISED = [("张\u200b伟", "张伟"), ("\u202e伟张", "伟张"), ("\ufeff李\u2060娜\u200e", "李娜")]


@pytest.mark.parametrize("name", INVISIBLE_ONLY)
def test_the_api_refuses_a_person_named_by_invisible_characters(as_user, manager_a, site_a, name):
    api = as_user(manager_a)
    audited = AuditEntry.objects.count()  # the token's issue
    response = api.post(f"/sites/{site_a.pk}/people", json.dumps({"name": name, "kind": "owner"}))
    body = assert_error_shape(response, 422, "person.name_empty")
    assert body["details"] == {"field": "name"}
    assert (Person.objects.count(), AuditEntry.objects.count()) == (0, audited)


@pytest.mark.parametrize(("sent", "stored"), DISGUISED)
def test_the_api_stores_a_name_without_its_invisible_characters(
    as_user, manager_a, site_a, sent, stored
):
    api = as_user(manager_a)
    response = api.post(f"/sites/{site_a.pk}/people", json.dumps({"name": sent, "kind": "owner"}))
    assert response.status_code == 201, response.content
    assert response.json()["name"] == stored
    assert Person.objects.get().name == stored


def test_a_visitor_named_by_invisible_characters_is_refused(guard_a, walk_in_a):
    with pytest.raises(InvalidInput) as caught:
        visitor_services.visit_register(
            lane=walk_in_a,
            actor=guard_a,
            kind=Entrant.VISITOR,
            name="\u200b\u202e",
            purpose="探亲",
            now=NOW,
        )
    assert caught.value.code == "person.name_empty"
    assert Visit.objects.count() == 0


def test_an_enterprise_named_by_invisible_characters_is_refused(site_a, manager_a):
    from gatehouse.admission import services

    with pytest.raises(InvalidInput) as caught:
        services.enterprise_create(site=site_a, actor=manager_a, name="\u200b\ufeff", now=NOW)
    assert (caught.value.code, caught.value.message) == ("name.empty", "请填写企业名称")
    enterprise = services.enterprise_create(
        site=site_a,
        actor=manager_a,
        name="\u202e楚天\u200b科技",
        contact_name="王\u200d五",
        now=NOW,
    )
    assert (enterprise.name, enterprise.contact_name) == ("楚天科技", "王五")
    assert Enterprise.objects.count() == 1


def test_a_property_company_named_by_invisible_characters_is_refused(site_a, manager_a):
    from gatehouse.governance import services

    with pytest.raises(InvalidInput) as caught:
        services.company_create(site=site_a, actor=manager_a, now=NOW, name="\u2066\u2069")
    assert caught.value.code == "company_name.empty"


def test_an_api_token_named_by_invisible_characters_is_refused(manager_a):
    with pytest.raises(InvalidInput) as caught:
        api_token_issue(user=manager_a, name="\u200b", actor=manager_a)
    assert caught.value.code == "api_token.name_empty"
    token, _key = api_token_issue(user=manager_a, name="门岗\u202e平板", actor=manager_a)
    assert token.name == "门岗平板"


@pytest.mark.usefixtures("monitor_a")
def test_a_callers_name_is_stored_without_invisible_characters(client, desk_a):
    client.force_login(desk_a)
    form = {"kind": "call", "caller": "王\u200b女士\u202e", "phone": "", "subject": "咨询停车"}
    assert client.post(reverse("guard:hotline"), form).status_code == 302
    assert Ticket.objects.get().caller == "王女士"
