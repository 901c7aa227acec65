"""The server's side of edge agents (issue 15).

* :func:`edge_snapshot` — the site's records as a signed envelope: all of them (a full
  snapshot), or those changed after the edge's cursor (a delta, tombstones included). Changes are
  found by comparing the site's records now with what was handed out last
  (:class:`~gatehouse.edge.models.EdgeRecord`), under the site's sequence lock: every write path
  (services, the admin, an import, a bulk update) reaches the edges, with no hook in any of them.
* :func:`edge_upload` — the decisions an edge took offline, recorded in order as decided at the
  edge at their own time, once per device nonce (:func:`gatehouse.gate.nonce.answer_once`): an
  entry uploaded twice, or already answered by the server when the edge forwarded it, is not
  recorded again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from pydantic import ValidationError

from gatehouse.access.models import EventSource, Notice, NoticeAudience, Presence
from gatehouse.access.schemas import GateDecisionIn
from gatehouse.accounts.actor import Actor, actor_or_none
from gatehouse.accounts.models import Role
from gatehouse.accounts.selectors import roles_at
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.campus.models import LeavePass
from gatehouse.core import signed
from gatehouse.core.access import Decision, Direction, Duty, PolicyInvalid
from gatehouse.core.edge import (
    CHANGED_AT,
    RECORD_KINDS,
    SNAPSHOT_SCHEMA,
    Passback,
    decision_from_json,
    uploaded_decision,
)
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.masking import mask_card, mask_id_number
from gatehouse.core.text import require_text
from gatehouse.devices.models import Device, DeviceKind
from gatehouse.edge.models import EdgeAlarm, EdgeRecord, EdgeRejection, EdgeSequence, EdgeStatus
from gatehouse.edge.selectors import site_records
from gatehouse.gate.decide import consume_invitation, gate_judge, gate_record, visit_for
from gatehouse.gate.facts import GateInput, gate_policy_of
from gatehouse.gate.nonce import Decided, answer_once, decision_json
from gatehouse.gate.reads import MAX_CLOCK_SKEW, device_lane, read_input
from gatehouse.visitors.services import health_facts


@cache
def _signing_key(seed: str) -> Ed25519PrivateKey:
    if not seed:
        raise ImproperlyConfigured(
            "GATEHOUSE_EDGE_SIGNING_KEY is not set. Run `make env` to add one to .env, or set it "
            "in the environment (base64 of 32 random bytes)."
        )
    return signed.private_key(seed)


def signing_key() -> Ed25519PrivateKey:
    """The server's Ed25519 key for edge snapshots (``GATEHOUSE_EDGE_SIGNING_KEY``)."""
    return _signing_key(settings.GATEHOUSE_EDGE_SIGNING_KEY)


def public_key() -> str:
    """The public key an edge is configured with (``manage.py edge_public_key``)."""
    return signed.public_key_b64(signing_key())


def require_edge(device: Device) -> None:
    """Only an edge agent's key reads a site's snapshot (``edge.required``, 403)."""
    if device.kind != DeviceKind.EDGE:
        raise DomainError("edge.required", "只有边缘网关可以获取通行名单", {"field": "device"})


def _digest(data: dict[str, Any]) -> str:
    return hashlib.sha256(signed.canonical(data).encode("utf-8")).hexdigest()


def _order(kind: str) -> int:
    return RECORD_KINDS.index(kind) if kind in RECORD_KINDS else len(RECORD_KINDS)


def _compare(sequence: EdgeSequence, records: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Number every record that changed, appeared or went since the last comparison. Only the
    stored digests are read; only what changed is written."""
    stored = {
        (kind, key): (pk, digest, deleted)
        for pk, kind, key, digest, deleted in EdgeRecord.objects.filter(
            site_id=sequence.site_id
        ).values_list("pk", "kind", "key", "digest", "deleted")
    }
    seq = sequence.last_seq
    new, changed = [], []
    for ref in sorted(records, key=lambda r: (_order(r[0]), r[1])):
        data = records[ref]
        digest = _digest(data)
        row = stored.get(ref)
        if row is not None and not row[2] and row[1] == digest:
            continue
        seq += 1
        if row is None:
            new.append(
                EdgeRecord(
                    site_id=sequence.site_id,
                    kind=ref[0],
                    key=ref[1],
                    seq=seq,
                    digest=digest,
                    data=data,
                )
            )
        else:
            changed.append(EdgeRecord(pk=row[0], seq=seq, digest=digest, data=data, deleted=False))
    for ref, (pk, _digest_was, deleted) in stored.items():
        if ref not in records and not deleted:
            seq += 1
            changed.append(EdgeRecord(pk=pk, seq=seq, digest="", data=None, deleted=True))
    EdgeRecord.objects.bulk_create(new, batch_size=1000)
    EdgeRecord.objects.bulk_update(changed, ["seq", "digest", "data", "deleted"], batch_size=1000)
    sequence.last_seq = seq


def _due(sequence: EdgeSequence, since: int | None, now: datetime) -> bool:
    """Whether the site's records are compared again for this request: always for a full
    snapshot; for a delta, when the last comparison is older than
    ``GATEHOUSE_EDGE_COMPARE_SECONDS`` (one comparison then serves every edge of the site)."""
    last = sequence.compared_at
    if since is None or last is None or last > now:
        return True
    return now - last >= timedelta(seconds=settings.GATEHOUSE_EDGE_COMPARE_SECONDS)


def _record_json(row: EdgeRecord) -> dict[str, Any]:
    return {"kind": row.kind, "key": row.key, "seq": row.seq, "data": row.data}


def edge_snapshot(*, edge: Device, since: int | None, now: datetime) -> dict[str, str]:
    """The signed snapshot of ``edge``'s site at ``now``: every live record (``since`` None), or
    the records changed after cursor ``since``, deleted ones as ``data: null``. The payload
    carries the site, ``issued_at``, ``expires_at`` (after which the edge must not decide from
    it) and ``cursor``, the site's sequence number to ask from next time."""
    require_edge(edge)
    site = edge.site
    if since is not None and since < 0:
        raise InvalidInput("since.invalid", "游标不能为负数", {"field": "since"})
    key = signing_key()
    with transaction.atomic():
        EdgeSequence.objects.get_or_create(site=site)
        sequence = EdgeSequence.objects.select_for_update().get(site=site)
        if since is not None and since > sequence.last_seq:
            raise InvalidInput(
                "since.ahead", "游标超出服务器的序号，请重新获取完整名单", {"field": "since"}
            )
        if _due(sequence, since, now):
            # Read under the lock: a comparison with rows read before another edge's
            # comparison committed would number a change back to its old value.
            _compare(sequence, site_records(site, now=now))
            sequence.compared_at = now
            sequence.save(update_fields=["last_seq", "compared_at"])
        rows = EdgeRecord.objects.filter(site=site)
        rows = rows.filter(deleted=False) if since is None else rows.filter(seq__gt=since)
        listed = [_record_json(r) for r in rows.order_by("seq")]
        cursor = sequence.last_seq
        EdgeStatus.objects.update_or_create(
            device=edge,
            defaults={
                "served_at": now,
                "served_kind": "full" if since is None else "delta",
                "cursor": cursor,
            },
        )
    payload = {
        "site": {"id": site.pk, "code": site.code},
        "kind": "full" if since is None else "delta",
        "schema": SNAPSHOT_SCHEMA,
        "since": since,
        "cursor": cursor,
        "issued_at": now.isoformat(),
        "expires_at": (now + timedelta(seconds=settings.GATEHOUSE_EDGE_SNAPSHOT_TTL)).isoformat(),
        "records": listed,
    }
    return signed.seal(payload, key)


# -- the journal an edge uploads -------------------------------------------------------------


@dataclass(frozen=True)
class UploadResult:
    seq: int
    status: str  # recorded | replayed | rejected
    event_id: int | None = None
    code: str = ""
    message: str = ""
    conflict: str = ""  # the conflict the entry was recorded as (edge.passed_against_rule …)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "status": self.status,
            "event_id": self.event_id,
            "code": self.code,
            "message": self.message,
            "conflict": self.conflict,
        }


def _entry_device(edge: Device, device_id: object) -> Device:
    found = (
        Device.objects.select_related("site", "lane__gate__site")
        .filter(pk=device_id if isinstance(device_id, int) else -1, site=edge.site)
        .first()
    )
    if found is None:
        raise InvalidInput(
            "device.unknown", "本场所没有这台设备", {"field": "device_id", "value": device_id}
        )
    return found


def edge_upload(
    *, edge: Device, entries: list[dict[str, Any]], now: datetime
) -> list[UploadResult]:
    """Record each journal entry of ``edge``, in order, as the decision its device was given at
    the edge: the device's own request (``request``: its JSON, nonce included), the time the
    edge decided (``at``) and the decision (``decision``). Once per device nonce: an entry seen
    before answers ``replayed``. An entry the server cannot read is ``rejected`` with its code
    and changes nothing; the others are recorded regardless."""
    require_edge(edge)
    return [_upload_one(edge, entry, now) for entry in entries]


def _upload_one(edge: Device, entry: dict[str, Any], now: datetime) -> UploadResult:
    given = entry.get("seq")
    seq = given if isinstance(given, int) else -1
    try:
        device = _entry_device(edge, entry.get("device_id"))
        try:
            request = GateDecisionIn.model_validate(entry.get("request"))
            decision = decision_from_json(entry.get("decision") or {})
            at = datetime.fromisoformat(str(entry.get("at")))
        except (ValidationError, ValueError, KeyError, TypeError) as exc:
            raise InvalidInput("entry.invalid", "离线记录格式不正确", {"field": "entry"}) from exc
        if at.tzinfo is None or at > now + MAX_CLOCK_SKEW:
            raise InvalidInput("at.invalid", "离线记录的时间无效或晚于服务器时间", {"field": "at"})
        health = None
        if (
            request.temperature is not None
            or request.health_code is not None
            or request.travel_code is not None
        ):
            health = health_facts(
                temperature=request.temperature,
                code=request.health_code or "",
                travel=request.travel_code or "",
            )

        def prepare() -> GateInput:
            lane = device_lane(device=device, lane_ref=request.lane)
            inp = read_input(
                lane=lane,
                kind=request.credential.kind,
                value=request.credential.value,
                when=at,
                health=health,
            )
            inp.note = f"边缘网关离线判定（{edge.name}）"
            return inp

        def record(inp: GateInput) -> Decided:
            recorded, used_pass = _reconcile(inp, decision, at, now, entry.get("leave_pass_id"))
            # The visitor-register row of an invitation or a pass, as the online path writes it.
            visit = visit_for(inp, recorded, inp.lane.gate.site, None, at)
            result = gate_record(
                inp,
                recorded,
                now=now,
                at=at,
                device=device,
                source=str(EventSource.DEVICE),
                visit=visit,
            )
            if used_pass is not None:  # T3-01: the pass keeps the passage that used it
                LeavePass.objects.filter(pk=used_pass, used_event__isnull=True).update(
                    used_event=result.event
                )
            return Decided(decision_json(recorded, result.event), result.event)

        answer = answer_once(
            device=device,
            nonce=request.nonce,
            body=request.model_dump(mode="json", exclude={"nonce"}),
            now=now,
            prepare=prepare,
            decide=record,
        )
    except DomainError as exc:
        keep_rejection(edge, seq, entry, exc, now)
        return UploadResult(seq, "rejected", code=exc.code, message=exc.message)
    status = "replayed" if answer.replayed else "recorded"
    reason = str(answer.body.get("reason", ""))
    conflict = reason if reason in CONFLICTS else ""
    return UploadResult(seq, status, event_id=answer.body.get("event_id"), conflict=conflict)


CONFLICTS = frozenset(
    {
        "edge.passed_against_rule",
        "edge.invitation_reused",
        "edge.passback_conflict",
        "edge.leave_pass_reused",
    }
)


def _reconcile(
    inp: GateInput, decision: Decision, at: datetime, now: datetime, pass_ref: object = None
) -> tuple[Decision, int | None]:
    """The edge's decision as the server records it: beside what the server, knowing what it
    knew at ``at``, would have decided (:func:`gatehouse.core.edge.uploaded_decision`). An
    invitation the edge admitted on takes its use here, as an online read would; so does a
    student's leave pass the edge let them out on (T3-01: marked used at the edge's time; the
    pass's id, or None)."""
    server = gate_judge(inp, at=at)
    cred = inp.credential
    changed_after = (
        server.reason in CHANGED_AT
        and cred is not None
        and cred.status_changed_at is not None
        and cred.status_changed_at > at
    )
    pass_taken, used_pass = None, None
    # an older edge does not know T3-01: a student it let out while a pass was valid used it too
    if decision.allowed and (decision.has(Duty.USE_LEAVE_PASS) or server.has(Duty.USE_LEAVE_PASS)):
        found = _leave_pass_of(inp, pass_ref, at)
        if found is not None:
            if server.reason == "campus.leave_pass_revoked" and (
                found.revoked_at is not None and found.revoked_at > at
            ):
                changed_after = True  # revoked after the student had left on it
            pass_taken = bool(
                LeavePass.objects.filter(pk=found.pk, used_at__isnull=True).update(used_at=at)
            )
            used_pass = found.pk if pass_taken else None
    taken = None
    if (
        decision.allowed
        and inp.invitation is not None
        and (inp.direction or Direction(inp.lane.direction)) is Direction.IN
    ):
        taken = consume_invitation(inp.invitation, now)
    recorded = uploaded_decision(
        decision,
        server,
        known_before_use=not changed_after,
        invitation_taken=taken,
        passback=_passback(inp),
        at=at,
        leave_pass_taken=pass_taken,
    )
    return recorded, used_pass


def _leave_pass_of(inp: GateInput, ref: object, at: datetime) -> LeavePass | None:
    """The leave pass an edge let a student out on (T3-01): the one it names
    (``leave_pass_id``) if it is the student's, else the student's pass whose window holds
    ``at`` (an older edge names none), not revoked first and unused first."""
    person = inp.subject()
    if person is None:
        return None
    passes = LeavePass.objects.filter(student=person)
    if isinstance(ref, int) and not isinstance(ref, bool):
        named = passes.filter(pk=ref).first()
        if named is not None:
            return named
    return (
        passes.filter(window_start__lte=at, window_end__gt=at)
        .order_by(F("revoked_at").desc(nulls_first=True), F("used_at").desc(nulls_first=True))
        .first()
    )


def _passback(inp: GateInput) -> Passback | None:
    """The anti-passback facts of a card holder's passage (P-02): the site's policy and the
    server's presence of the holder, with when it was set."""
    person = inp.subject()
    if inp.credential is None or person is None:
        return None
    config = gate_policy_of(inp.lane)
    if isinstance(config, PolicyInvalid) or not config.policy.anti_passback:
        return None
    presence = Presence.objects.filter(person=person).first()
    return Passback(
        anti_passback=True,
        direction=inp.direction or Direction(inp.lane.direction),
        inside=presence.inside if presence is not None else None,
        since=presence.at if presence is not None else None,
    )


def upload_body(results: list[UploadResult]) -> bytes:
    return json.dumps({"results": [r.as_dict() for r in results]}, ensure_ascii=False).encode(
        "utf-8"
    )


# -- what an edge reports of itself ------------------------------------------------------------

#: The headers an edge sends with every snapshot request, and the status field each sets.
REPORT_HEADERS = {
    "X-Edge-Pending": "pending",
    "X-Edge-Rejected": "rejected",
    "X-Edge-Snapshot-Issued-At": "snapshot_issued_at",
    "X-Edge-Fire": "fire",
}
_MAX_COUNT = 2_000_000_000


def _count(value: str) -> int | None:
    text = value.strip()
    if not text.isascii() or not text.isdigit() or int(text) > _MAX_COUNT:
        return None
    return int(text)


def _issued(value: str) -> tuple[bool, datetime | None]:
    """(readable, time): an empty value is readable and says the edge holds no snapshot."""
    text = value.strip()
    if not text:
        return True, None
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return False, None
    return (True, found) if found.tzinfo is not None else (False, None)


def read_report(headers: dict[str, str]) -> dict[str, Any]:
    """The status fields an edge's ``X-Edge-*`` headers set; a header missing or malformed sets
    nothing (never an error: health reporting must not stop a snapshot)."""
    found: dict[str, Any] = {}
    for header, field in REPORT_HEADERS.items():
        value = headers.get(header)
        if value is None or len(value) > 64:
            continue
        if field in ("pending", "rejected"):
            count = _count(value)
            if count is not None:
                found[field] = count
        elif field == "fire":
            if value.strip() in ("0", "1"):
                found[field] = value.strip() == "1"
        else:
            ok, issued = _issued(value)
            if ok:
                found[field] = issued
    return found


def edge_report(*, edge: Device, headers: dict[str, str], now: datetime) -> None:
    """Keep what ``edge`` reported of itself with a snapshot request (see :func:`read_report`)."""
    require_edge(edge)
    found = read_report(headers)
    if not found:
        return
    EdgeStatus.objects.update_or_create(device=edge, defaults={**found, "reported_at": now})


# -- alarms an edge raises, and entries the server could not record ------------------------------


@dataclass(frozen=True)
class AlarmIn:
    seq: int
    code: str
    message: str
    at: datetime


def _monitoring_notice(edge: Device, kind: str, message: str, ref: str, now: datetime) -> Notice:
    return Notice.objects.create(
        site_id=edge.site_id,
        audience=NoticeAudience.MONITORING,
        kind=kind,
        message=message[:300],
        object_ref=ref[:60],
        created_at=now,
    )


def edge_alarms(*, edge: Device, alarms: list[AlarmIn], now: datetime) -> list[dict[str, Any]]:
    """Record each alarm of ``edge`` once per (edge, seq), with a notice to the monitoring
    centre; an alarm seen before (or twice in one request) answers ``replayed`` and records
    nothing. Every alarm is checked before anything is written (``at.invalid``)."""
    require_edge(edge)
    for alarm in alarms:
        if alarm.at.tzinfo is None or alarm.at > now + MAX_CLOCK_SKEW:
            raise InvalidInput(
                "at.invalid",
                "告警时间须带时区且不晚于服务器时间",
                {"field": "at", "seq": alarm.seq},
            )
    results = []
    for alarm in alarms:
        results.append({"seq": alarm.seq, "status": _alarm_once(edge, alarm, now)})
    return results


def _alarm_once(edge: Device, alarm: AlarmIn, now: datetime) -> str:
    if EdgeAlarm.objects.filter(edge=edge, seq=alarm.seq).exists():
        return "replayed"
    try:
        with transaction.atomic():
            row = EdgeAlarm.objects.create(
                edge=edge,
                seq=alarm.seq,
                code=alarm.code,
                message=alarm.message[:300],
                at=alarm.at,
                recorded_at=now,
            )
            row.notice = _monitoring_notice(
                edge,
                "edge.alarm",
                f"边缘网关告警（{edge.name}）：{alarm.message}（{alarm.code}）",
                f"edge-alarm:{row.pk}",
                now,
            )
            row.save(update_fields=["notice"])
    except IntegrityError:  # the same alarm recorded by a concurrent request
        return "replayed"
    return "recorded"


def _masked_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry as kept: a credential's value masked (an ID-card read carries an ID number)."""
    kept = dict(entry)
    request = kept.get("request")
    if isinstance(request, dict) and isinstance(request.get("credential"), dict):
        cred = dict(request["credential"])
        value = cred.get("value")
        if isinstance(value, str):
            masker = mask_id_number if cred.get("kind") == "id_card" else mask_card
            cred["value"] = masker(value)
        kept["request"] = {**request, "credential": cred}
    return kept


def keep_rejection(
    edge: Device, seq: int, entry: dict[str, Any], error: DomainError, now: datetime
) -> None:
    """Keep an entry the server refused, once per (edge, seq), and tell the monitoring centre:
    the gate took a decision the registers do not hold."""
    if EdgeRejection.objects.filter(edge=edge, seq=seq).exists():
        return
    try:
        with transaction.atomic():
            row = EdgeRejection.objects.create(
                edge=edge,
                seq=seq,
                code=error.code[:60],
                message=error.message[:300],
                entry=_masked_entry(entry),
                recorded_at=now,
            )
            row.notice = _monitoring_notice(
                edge,
                "edge.entry_rejected",
                f"边缘网关（{edge.name}）上传的离线记录 #{seq} 无法入账：{error.message}"
                f"（{error.code}），请核实该次通行",
                f"edge-rejection:{row.pk}",
                now,
            )
            row.save(update_fields=["notice"])
    except IntegrityError:
        return


# -- the monitoring centre marks an alarm or a refused entry handled -----------------------------

#: Who marks them: the roles that watch the monitoring board.
HANDLER_ROLES = frozenset({Role.MONITORING, Role.SECURITY_MANAGER})


@transaction.atomic
def edge_item_handle[T: EdgeAlarm | EdgeRejection](
    *, item: T, actor: Actor, note: str, now: datetime
) -> T:
    """Mark an edge's alarm or refused journal entry handled, with a short note (who and when
    are kept, and audited); its notice to the monitoring centre is acknowledged with it. Only
    the monitoring centre and the security manager of the edge's site may; a second mark is
    refused (``edge.handled``)."""
    model = type(item)
    edge = Device.objects.select_related("site").get(pk=item.edge_id)
    if not roles_at(actor, edge.site) & HANDLER_ROLES:
        raise PermissionDenied("只有本场所的监控中心或安保主管可以处理边缘网关告警")
    text = require_text(note, field="note", label="处理说明", max_length=200)
    locked = model.objects.select_for_update().get(pk=item.pk)
    if locked.handled_at is not None:
        raise DomainError("edge.handled", "这一条已经处理过了")
    before = snapshot(locked)
    locked.handled_at, locked.handled_by, locked.handled_note = now, actor_or_none(actor), text
    locked.save(update_fields=["handled_at", "handled_by", "handled_note"])
    if locked.notice_id is not None:
        Notice.objects.filter(pk=locked.notice_id, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=actor_or_none(actor)
        )
    kind = "alarm" if isinstance(locked, EdgeAlarm) else "rejection"
    audit_record(
        action=f"edge.{kind}_handle",
        obj=locked,
        actor=actor,
        site=edge.site,
        before=before,
        after=snapshot(locked),
        at=now,
    )
    return locked
