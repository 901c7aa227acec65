"""Every error the API gives is JSON {code, message (Chinese), details}."""

from __future__ import annotations

import logging

import pytest

from gatehouse.core.errors import DomainError
from tests.api.conftest import ApiClient, assert_error_shape
from tests.conftest import ID_ZHANG


def test_no_credentials_is_401_unauthenticated(anonymous):
    body = assert_error_shape(anonymous.get("/me"), 401, "unauthenticated")
    assert body["message"] == "请先登录或提供有效的令牌"


def test_unknown_record_is_404_not_found(as_user, manager_a):
    api = as_user(manager_a)
    body = assert_error_shape(api.get("/sites/999999"), 404, "not_found")
    assert body["message"] == "未找到该记录"
    assert_error_shape(api.get("/people/999999"), 404, "not_found")


def test_missing_role_at_own_site_is_403_forbidden(as_user, guard_a, site_a):
    api = as_user(guard_a)
    response = api.post(f"/sites/{site_a.pk}/people", {"name": "王芳", "kind": "owner"})
    body = assert_error_shape(response, 403, "forbidden")
    assert body["message"] == "无权访问"


def test_schema_validation_is_422_invalid_request_listing_fields(as_user, manager_a, site_a):
    api = as_user(manager_a)
    response = api.post(f"/sites/{site_a.pk}/people", {"kind": "astronaut"})
    body = assert_error_shape(response, 422, "invalid_request")
    fields = {e["field"]: e for e in body["details"]["errors"]}
    assert set(fields) == {"name", "kind"}
    assert fields["name"]["message"] == "此项必填"
    assert fields["kind"]["message"] == "取值不在允许范围内"
    assert fields["name"]["location"] == "body"


def test_bad_query_parameter_is_422_invalid_request(as_user, manager_a, site_a):
    api = as_user(manager_a)
    response = api.get(f"/sites/{site_a.pk}/people", {"limit": "1000"})
    body = assert_error_shape(response, 422, "invalid_request")
    assert body["details"]["errors"][0]["field"] == "limit"


def test_core_validation_error_keeps_its_code_and_masks_the_value(as_user, manager_a, site_a):
    api = as_user(manager_a)
    wrong_check_digit = ID_ZHANG[:-1] + "1"
    response = api.post(
        f"/sites/{site_a.pk}/people",
        {"name": "王芳", "kind": "owner", "id_number": wrong_check_digit},
    )
    body = assert_error_shape(response, 422, "id_number.checksum")
    assert body["message"] == "身份证号码校验位不正确，可能有输错的数字，请核对。"
    assert body["details"]["field"] == "id_number"
    assert body["details"]["value"] == "110105********0021"
    assert wrong_check_digit not in response.content.decode()


def test_duplicate_is_409_with_the_domain_code(as_user, manager_a, resident_a, site_a):
    api = as_user(manager_a)
    response = api.post(
        f"/sites/{site_a.pk}/people", {"name": "张伟", "kind": "owner", "id_number": ID_ZHANG}
    )
    body = assert_error_shape(response, 409, "person.duplicate_id_number")
    assert body["message"] == "该身份证号已在本场所登记"


def test_other_domain_error_is_400(as_user, manager_a, site_a, monkeypatch):
    from gatehouse.people import services

    def refuse(**kwargs):
        raise DomainError("person.registration_closed", "本场所暂停登记", {"reason": "盘点"})

    monkeypatch.setattr(services, "person_create", refuse)
    api = as_user(manager_a)
    response = api.post(f"/sites/{site_a.pk}/people", {"name": "王芳", "kind": "owner"})
    body = assert_error_shape(response, 400, "person.registration_closed")
    assert body == {
        "code": "person.registration_closed",
        "message": "本场所暂停登记",
        "details": {"reason": "盘点"},
    }


def test_unparseable_body_is_400_bad_request(as_user, manager_a, site_a):
    api = as_user(manager_a)
    response = api.post(f"/sites/{site_a.pk}/people", "{not json")
    assert_error_shape(response, 400, "bad_request")


def test_wrong_method_is_405_json(as_user, manager_a, site_a):
    api = as_user(manager_a)
    response = api.request("DELETE", f"/sites/{site_a.pk}/people")
    assert_error_shape(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]


@pytest.mark.parametrize("path", ["/no/such/thing", "/", "/sites/abc/people/x"])
def test_unknown_path_is_404_json(anonymous, db, path):
    assert_error_shape(anonymous.get(path), 404, "not_found")


def test_unexpected_exception_is_500_logged_and_not_leaked(as_user, manager_a, monkeypatch, caplog):
    from gatehouse.accounts import selectors

    def explode(user):
        raise RuntimeError("db password is hunter2")

    monkeypatch.setattr(selectors, "roles_by_site", explode)
    api = as_user(manager_a)
    with caplog.at_level(logging.ERROR, logger="gatehouse.api"):
        response = api.get("/me")
    body = assert_error_shape(response, 500, "server_error")
    assert body["details"] == {}
    assert "hunter2" not in response.content.decode()
    assert "RuntimeError" not in response.content.decode()
    assert any("hunter2" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_csrf_failure_is_403_csrf_failed(manager_a, site_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_a)
    api = ApiClient(client)
    response = api.post(f"/sites/{site_a.pk}/people", {"name": "王芳", "kind": "owner"})
    assert_error_shape(response, 403, "csrf_failed")
