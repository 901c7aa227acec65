"""Site A's vehicle lanes: the north gate's ground motor lanes and the garage barrier."""

from __future__ import annotations

import pytest


@pytest.fixture
def vlanes(site_a):
    """``north/in``, ``north/out`` (ground, motor) and ``garage/in``, ``garage/out`` (the
    underground garage's barrier, garage ``B1``)."""
    from gatehouse.sites.models import Garage, Gate, Lane

    garage = Garage.objects.create(site=site_a, code="b1", name="地下车库B1")
    north = Gate.objects.create(site=site_a, code="north", name="北门", open_when_tightened=True)
    ramp = Gate.objects.create(site=site_a, code="garage", name="车库口", open_when_tightened=True)
    lanes = {}
    for gate, kind, garage_of in ((north, "motor", None), (ramp, "garage", garage)):
        for direction in ("in", "out"):
            lanes[f"{gate.code}/{direction}"] = Lane.objects.create(
                gate=gate,
                code=direction,
                name=f"{gate.name}{'入口' if direction == 'in' else '出口'}",
                kind=kind,
                direction=direction,
                garage=garage_of,
            )
    return lanes
