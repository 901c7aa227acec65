"""A plate camera's push is counted in /metrics (gatehouse.ops) without its plate or token."""

from __future__ import annotations

import pytest
from django.test import Client
from prometheus_client import REGISTRY

from tests.api.conftest import FastPathClient
from tests.ops.test_metrics import latency_count
from tests.vehicles.test_camera_fastpath import _camera_result, _push, camera_token  # noqa: F401


@pytest.mark.django_db
def test_a_plate_cameras_push_is_counted_and_timed_without_its_plate_or_token(site_a, camera_token):  # noqa: F811
    def pushed(outcome: str) -> float:
        labels = {"site": str(site_a.pk), "source": "device", "outcome": outcome}
        return sum(
            sample.value
            for metric in REGISTRY.collect()
            if metric.name == "gatehouse_decisions"
            for sample in metric.samples
            if sample.name.endswith("_total")
            and all(sample.labels.get(k) == v for k, v in labels.items())
        )

    endpoint = "api/v1/cameras/<token>/plate"
    before, timed = pushed("allow") + pushed("refuse"), latency_count(endpoint, "fast")
    assert _push(FastPathClient(), camera_token, _camera_result("京A12345", 1)).status_code == 200
    assert pushed("allow") + pushed("refuse") == before + 1
    assert latency_count(endpoint, "fast") == timed + 1
    text = Client().get("/metrics").content.decode()
    assert "京A12345" not in text and camera_token not in text
