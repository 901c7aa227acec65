"""The OpenAPI document: served, complete, and documenting the error shape."""

from __future__ import annotations

PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/sites": {"get"},
    "/api/v1/sites/{site_id}": {"get"},
    "/api/v1/sites/{site_id}/people": {"get", "post"},
    "/api/v1/people/{person_id}": {"get"},
    "/api/v1/sites/{site_id}/credentials": {"post"},
    "/api/v1/credentials/{credential_id}/status": {"post"},
    "/api/v1/device/whoami": {"get"},
    "/api/v1/gate/decisions": {"post"},
    "/api/v1/vehicle/decisions": {"post"},
    "/api/v1/cameras/vzenith": {"post"},
    "/api/v1/cameras/{token}/plate": {"post"},
    "/api/v1/terminals/{token}/events": {"post"},
    "/api/v1/cameras/vzenith/heartbeat": {"post"},
    "/api/v1/cameras/{token}/heartbeat": {"post"},
    "/api/v1/edge/snapshot": {"get"},
    "/api/v1/edge/journal": {"post"},
    "/api/v1/edge/alarms": {"post"},
}


def test_openapi_json_loads_and_lists_the_paths(anonymous, db):
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Gatehouse API"
    assert schema["info"]["version"] == "1"
    assert {path: set(ops) for path, ops in schema["paths"].items()} == PATHS


def test_every_operation_documents_errors_with_the_shared_schema(anonymous, db):
    schema = anonymous.get("/openapi.json").json()
    error_ref = "#/components/schemas/ErrorOut"
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {
        "code",
        "message",
        "details",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            # A terminal's push answers 401 in ISAPI's ResponseStatus (what the terminal reads).
            isapi = path == "/api/v1/terminals/{token}/events"
            for status in ("500",) if isapi else ("401", "500"):
                ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
                assert ref == error_ref, (method, path, status)


def test_auth_schemes_are_documented(anonymous, db):
    schema = anonymous.get("/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["ApiTokenAuth"]["scheme"] == "bearer"
    assert schemes["SessionAuth"]["in"] == "cookie"
    assert schemes["DeviceKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Device-Key",
        "description": schemes["DeviceKeyAuth"]["description"],
    }
    whoami = schema["paths"]["/api/v1/device/whoami"]["get"]
    assert whoami["security"] == [{"DeviceKeyAuth": []}]
    me = schema["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"ApiTokenAuth": []}, {"SessionAuth": []}]


def test_fields_carry_chinese_descriptions_and_examples(anonymous, db):
    schemas = anonymous.get("/openapi.json").json()["components"]["schemas"]
    person_in = schemas["PersonIn"]
    assert person_in["properties"]["name"]["description"] == "姓名"
    assert person_in["examples"][0]["house_number"] == "3-2-1201"
    assert "脱敏" in schemas["PersonSummaryOut"]["properties"]["id_number_masked"]["description"]
    assert schemas["CredentialOut"]["examples"][0]["number_display"] == "****B2C3"


def test_docs_page_is_served(anonymous, db):
    response = anonymous.client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
