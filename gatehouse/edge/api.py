"""API of edge agents (issue 15), authenticated by the edge's own device key (a device of kind
``edge``; any other device gets 403 ``edge.required``).

* ``GET /edge/snapshot`` — the site's signed snapshot; ``?since=<cursor>`` for the changes after
  a cursor (422 ``since.ahead`` when the cursor is beyond the server's: fetch a full one).
  Every request reports the edge's health in headers, kept for the devices page
  (``X-Edge-Pending``, ``X-Edge-Rejected``, ``X-Edge-Snapshot-Issued-At``, ``X-Edge-Fire``; a
  malformed value is ignored).
* ``POST /edge/journal`` — the decisions taken offline, recorded once per device nonce.
* ``POST /edge/alarms`` — the edge's alarms, recorded once per (edge, seq) and raised to the
  monitoring centre.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from gatehouse.apiauth import device_auth, error_responses
from gatehouse.core.errors import DomainError
from gatehouse.devices.models import Device
from gatehouse.edge import services
from gatehouse.edge.schemas import AlarmsIn, AlarmsOut, JournalIn, JournalOut, SnapshotOut

router = Router(tags=["边缘网关"], auth=device_auth)

_STATUS_OF = {"edge.required": 403}


def _clock() -> datetime:
    """The server's time (tests replace this)."""
    return timezone.now()


class SinceIn(Schema):
    since: int | None = None


@router.get(
    "/edge/snapshot",
    response={200: SnapshotOut, **error_responses(401, 403, 422)},
    operation_id="edge_snapshot",
    summary="边缘网关获取本场所签名的通行名单（完整或增量）",
)
def edge_snapshot(request: HttpRequest, query: Query[SinceIn]) -> Any:
    edge: Device = request.auth  # type: ignore[attr-defined]
    now = _clock()
    try:
        services.edge_report(edge=edge, headers=_report_headers(request), now=now)
        return services.edge_snapshot(edge=edge, since=query.since, now=now)
    except DomainError as exc:
        if exc.code not in _STATUS_OF:
            raise
        return Status(_STATUS_OF[exc.code], exc.as_dict())


def _report_headers(request: HttpRequest) -> dict[str, str]:
    return {
        name: request.headers[name] for name in services.REPORT_HEADERS if name in request.headers
    }


@router.post(
    "/edge/alarms",
    response={200: AlarmsOut, **error_responses(401, 403, 422)},
    operation_id="edge_alarms",
    summary="边缘网关上报告警（按网关序号幂等），通知监控中心",
)
def edge_alarms(request: HttpRequest, payload: AlarmsIn) -> Any:
    edge: Device = request.auth  # type: ignore[attr-defined]
    alarms = [
        services.AlarmIn(seq=a.seq, code=a.code, message=a.message, at=a.at) for a in payload.alarms
    ]
    try:
        results = services.edge_alarms(edge=edge, alarms=alarms, now=_clock())
    except DomainError as exc:
        if exc.code not in _STATUS_OF:
            raise
        return Status(_STATUS_OF[exc.code], exc.as_dict())
    return {"results": results}


@router.post(
    "/edge/journal",
    response={200: JournalOut, **error_responses(401, 403, 422)},
    operation_id="edge_journal_upload",
    summary="边缘网关上传离线判定记录（按设备请求编号幂等）",
)
def edge_journal(request: HttpRequest, payload: JournalIn) -> Any:
    edge: Device = request.auth  # type: ignore[attr-defined]
    try:
        results = services.edge_upload(edge=edge, entries=payload.entries, now=_clock())
    except DomainError as exc:
        if exc.code not in _STATUS_OF:
            raise
        return Status(_STATUS_OF[exc.code], exc.as_dict())
    return HttpResponse(
        services.upload_body(results), content_type="application/json; charset=utf-8"
    )
