"""A schema fuzzer over ``/api/v1`` (issue 12 §5): every operation of the OpenAPI the app serves is
called with requests schemathesis generates from it — valid ones and invalid ones — in process,
through the WSGI application that production serves (the device fast path in front of Django),
as a security manager (bearer token) and as a device (device key). No answer is a server error,
and every answer has a status the operation documents, with a body matching its schema.

Bounded and deterministic: a fixed number of examples per operation, derandomized.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.access.test_device_api import make_device
from tests.api.conftest import issue_key

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25
# GATEHOUSE_FUZZ_TALLY=<file>: append "<method> <path> <status>" per request (to see the spread).
_TALLY = os.environ.get("GATEHOUSE_FUZZ_TALLY")


@pytest.fixture
def fuzz_keys(site_a, manager_a, lanes_a, resident_a, card_a) -> dict[str, str]:
    """A security manager's bearer token and a device key bound to no lane, at site A."""
    _device, key = make_device(site_a, manager_a)
    return {"Authorization": f"Bearer {issue_key(manager_a)}", "X-Device-Key": key}


@pytest.fixture
def calls_keep_the_connection():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _load() -> Any:
    from gatehouse.wsgi import application

    loaded = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    loaded.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    return loaded


schema = _load()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_answers_a_server_error(
    case: Any, fuzz_keys: dict[str, str], calls_keep_the_connection: None
) -> None:
    key = fuzz_keys["X-Device-Key"]
    # Always authenticated, so that the handlers are reached: the generated credentials go.
    ours = {name.lower() for name in fuzz_keys}
    generated = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ours}
    case.headers = generated
    headers = {**generated, **fuzz_keys}
    if case.path == "/api/v1/cameras/vzenith":
        case.query = {**(case.query or {}), "key": key}
    response = case.call(headers=headers)
    if _TALLY is not None:
        with open(_TALLY, "a", encoding="utf-8") as out:
            out.write(f"{case.method} {case.path} {response.status_code}\n")
    case.validate_response(response, checks=CHECKS)
