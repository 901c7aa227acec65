"""The edge's own answer to a device's read (``POST /api/v1/gate/decisions``), when the server
does not answer: the same request, the same device key, the same answer shape and the same
status codes as the server's endpoint, decided by the core from the snapshot and journaled
before it is returned.

A read is looked up as the server's gate package looks it up (:mod:`gatehouse.gate.reads`,
:mod:`gatehouse.gate.facts`): a card by its number (the active credential first, then the one
changed last), a QR code by its token, a face terminal's person by id. What cannot be checked
offline is said so: an ID card (its look-up key stays on the server) pends for the guard; an
edge without a usable snapshot refuses and alerts the monitoring centre.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gatehouse.core.access import (
    CredentialFacts,
    CredentialKind,
    Decision,
    Direction,
    Duty,
    Entrant,
    Facts,
    HealthFacts,
    InvitationFacts,
    LaneFacts,
    LaneKind,
    Outcome,
    PassFacts,
    PolicyInvalid,
    decide,
    is_staff,
    refuse_invalid_policy,
)
from gatehouse.core.edge import (
    Record,
    always_admitted,
    blacklisted,
    credential_facts,
    decision_json,
    fire_exit,
    gate_policy_of,
    health_facts,
    invitation_facts,
    leave_pass_at_exit,
    lookup_digest,
    monitoring_until,
    pass_facts,
    pend_unsupported_read,
    pick_credential,
    refuse_without_snapshot,
    school_hours_of,
    when,
)
from gatehouse.core.errors import DomainError, InvalidInput
from gatehouse.core.ids import parse_card_number
from gatehouse_edge.store import Index, Store

SHANGHAI = ZoneInfo("Asia/Shanghai")
READ_KINDS = ("card", "badge", "qr", "id_card", "face")
CARD_KINDS = (CredentialKind.OWNER_CARD, CredentialKind.PARKING_CARD, CredentialKind.STAFF_BADGE)
PERSON_CARD_KINDS = (CredentialKind.OWNER_CARD, CredentialKind.STAFF_BADGE)
PASS_ENTRANTS = {
    "decoration": Entrant.DECORATION_WORKER,
    "intro_letter": Entrant.TOUR,
    "temporary": Entrant.TEMPORARY_PASS,
}
NONCE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
QR_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")
MAX_REPLAY_AGE = timedelta(days=7)
MAX_CLOCK_SKEW = timedelta(minutes=2)
UNAUTHENTICATED = ("unauthenticated", "设备密钥无效或已吊销")


@dataclass(frozen=True)
class Reply:
    """An HTTP answer for the device: status and JSON body."""

    status: int
    body: dict[str, Any]

    def bytes(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def error(status: int, code: str, message: str, details: dict[str, Any] | None = None) -> Reply:
    return Reply(status, {"code": code, "message": message, "details": details or {}})


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def answer_time(at: datetime) -> str:
    """A time as the server's API writes it (Django's JSON encoder, Shanghai time, ms)."""
    text = at.astimezone(SHANGHAI).isoformat()
    if at.microsecond:
        text = text[:23] + text[26:]
    return text


# -- the request ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    lane: str | None
    kind: str
    value: str
    at: datetime | None
    temperature: object
    health_code: str | None
    nonce: str
    raw: dict[str, Any]

    def digest(self) -> str:
        body = {k: v for k, v in self.raw.items() if k != "nonce"}
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _invalid(field: str, kind: str = "value_error") -> Reply:
    return error(
        422,
        "invalid_request",
        "请求参数不正确，请检查标出的字段",
        {"errors": [{"field": field, "type": kind, "message": "格式不正确"}]},
    )


def parse_request(body: bytes) -> Request | Reply:
    """The device's JSON as the server's ``GateDecisionIn`` accepts it, or a 422."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _invalid("body", "json_invalid")
    if not isinstance(raw, dict):
        return _invalid("body")
    cred = raw.get("credential")
    if not isinstance(cred, dict):
        return _invalid("credential", "missing")
    kind, value = cred.get("kind"), cred.get("value")
    if kind not in READ_KINDS:
        return _invalid("kind", "literal_error")
    if not isinstance(value, str) or not 1 <= len(value) <= 300:
        return _invalid("value", "string_type")
    lane = raw.get("lane")
    if lane is not None and (not isinstance(lane, str) or len(lane) > 81):
        return _invalid("lane", "string_type")
    nonce = raw.get("nonce")
    if not isinstance(nonce, str) or not NONCE.match(nonce):
        return _invalid("nonce", "string_pattern_mismatch")
    at = None
    if raw.get("at") is not None:
        try:
            at = datetime.fromisoformat(str(raw["at"]))
        except ValueError:
            return _invalid("at", "datetime_parsing")
    code = raw.get("health_code")
    if code is not None and code not in ("green", "yellow", "red"):
        return _invalid("health_code", "literal_error")
    return Request(lane, kind, value, at, raw.get("temperature"), code, nonce, raw)


# -- the decision --------------------------------------------------------------------------------


class Edge:
    """Answers devices from one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def answer(self, key: str | None, body: bytes, now: datetime) -> Reply:
        """The answer to a device's read at ``now``, journaled before it is returned."""
        store = self.store
        with store.lock:
            index = store.index
            device = index.device_by_hash.get(key_digest(key)) if key else None
            if device is None:
                if store.cursor is None:
                    return error(503, "edge.no_snapshot", "边缘网关尚未取得通行名单，请联系管理员")
                return error(401, *UNAUTHENTICATED)
            req = parse_request(body)
            if isinstance(req, Reply):
                return req
            seen = store.journaled(int(device["id"]), req.nonce)
            if seen is not None:
                digest, answer = seen
                if digest != req.digest():
                    return error(
                        409,
                        "nonce.reused",
                        "请求编号（nonce）已用于另一笔不同内容的请求，请换一个新的编号",
                        {"field": "nonce"},
                    )
                return Reply(200, {**answer, "replayed": True})
            try:
                return self._decide(index, device, req, now)
            except DomainError as exc:
                status = {"lane.unknown": 404, "lane.other_site": 403}.get(exc.code, 422)
                return error(status, exc.code, exc.message, exc.details)

    def at_fire_exit(self, key: str | None, body: bytes) -> bool:
        """Whether a device's read is one the fire mode admits at once, without asking the
        server (S-13): the mode is on, the device is known and the read names an exit lane."""
        store = self.store
        if not store.fire or not key:
            return False
        with store.lock:
            index = store.index
            device = index.device_by_hash.get(key_digest(key))
            req = parse_request(body)
            if device is None or isinstance(req, Reply):
                return False
            try:
                lane = _lane(index, device, req.lane)
            except DomainError:
                return False
            return fire_exit(fire_on=True, lane_direction=lane.get("direction")) is not None

    def _decide(self, index: Index, device: dict[str, Any], req: Request, now: datetime) -> Reply:
        lane = _lane(index, device, req.lane)
        _check_read_time(req.at, now)
        moment = req.at or now
        fired = fire_exit(fire_on=self.store.fire, lane_direction=lane.get("direction"))
        if fired is not None:  # S-13: the exit opens whatever the read names
            return self._journal(device, req, moment, fired, None)
        health = health_facts(req.temperature, req.health_code)
        fresh = self.store.freshness(now)
        invitation_key, leave_pass_id = None, None
        if not fresh.usable:
            decision = _without_snapshot(index, req, moment, fresh.problem, lane.get("kind"))
        else:
            site = index.get("site", "site") or {}
            config = gate_policy_of(site, lane)
            if isinstance(config, PolicyInvalid):
                decision = refuse_invalid_policy(config)
            else:
                read = _read(self.store, index, req, moment, health)
                if isinstance(read, Decision):
                    decision = read
                else:
                    facts = replace(
                        read.facts,
                        lane=config.lane,
                        direction=config.lane.direction,
                        mode=config.mode,
                        shift_windows=(
                            config.shift_windows
                            if read.facts.credential is not None and is_staff(read.facts.credential)
                            else ()
                        ),
                    )
                    facts = self._newer_rules(index, site, read.person, facts, moment)
                    decision = decide(facts, config.policy, moment)
                    if (
                        decision.outcome is Outcome.ALLOW
                        and read.invitation_key is not None
                        and facts.direction is Direction.IN
                    ):
                        invitation_key = read.invitation_key
                    if decision.has(Duty.USE_LEAVE_PASS) and facts.leave_pass is not None:
                        leave_pass_id = facts.leave_pass.id
        return self._journal(device, req, moment, decision, invitation_key, leave_pass_id)

    def _newer_rules(
        self,
        index: Index,
        site: Record,
        person: Record | None,
        facts: Facts,
        moment: datetime,
    ) -> Facts:
        """The facts of the rules a snapshot of schema 2 carries, looked up as the server's
        :func:`gatehouse.gate.facts.load_facts` looks them up: a returnee's home monitoring on
        the way out (M-03), a campus's school hours and a student's leave pass on the way out
        (T3-01; a pass this edge has let the student out on already counts as used). A snapshot
        of schema 1 carries none of them: the facts stay as they are (no returnee, no campus)."""
        hours = school_hours_of(site)
        facts = replace(facts, campus=site.get("kind") == "campus", school_hours=hours)
        if person is None or facts.direction is not Direction.OUT:
            return facts
        pid = int(person["id"])
        until = monitoring_until(index.returnees_by_person.get(pid, ()), moment)
        facts = replace(facts, monitoring_until=until)
        if not facts.campus or person.get("kind") != "student":
            return facts
        passes = index.leave_passes_by_student.get(pid, [])
        used = self.store.leave_passes_used_here([int(p["id"]) for p in passes])
        return replace(facts, leave_pass=leave_pass_at_exit(passes, moment, used_here=used))

    def _journal(
        self,
        device: dict[str, Any],
        req: Request,
        moment: datetime,
        decision: Decision,
        invitation_key: str | None,
        leave_pass_id: int | None = None,
    ) -> Reply:
        answer = {**decision_json(decision), "at": answer_time(moment), "decided_at_edge": True}
        seq = self.store.journal(
            device_id=int(device["id"]),
            nonce=req.nonce,
            digest=req.digest(),
            request=req.raw,
            at=moment.isoformat(),
            decision=decision_json(decision),
            answer=answer,
            invitation_key=invitation_key,
            leave_pass_id=leave_pass_id,
        )
        return Reply(200, {"event_id": -seq, **answer, "replayed": False})


def _without_snapshot(
    index: Index, req: Request, moment: datetime, problem: str, lane_kind: object
) -> Decision:
    """§12: no usable snapshot. Refused, except an always-admitted person's own active card,
    badge or face (:func:`gatehouse.core.edge.always_admitted`)."""
    person: Record | None = None
    cred: Record | None = None
    if req.kind in ("card", "badge"):
        number = parse_card_number(req.value)  # bad input is still a 422
        cred = pick_credential(
            c
            for c in index.credentials_by_number.get(lookup_digest(number), [])
            if c["kind"] in PERSON_CARD_KINDS
        )
        if cred is not None and cred.get("person_id") is not None:
            person = index.get("person", cred["person_id"])
    elif req.kind == "face":
        ref = req.value.strip()
        if ref.isascii() and ref.isdigit() and len(ref) <= 18:
            person = index.get("person", int(ref))
    if person is None:
        return refuse_without_snapshot(problem)
    listed = blacklisted(
        index.records.get("blacklist", {}).values(),
        person_id=int(person["id"]),
        id_hashes=[person.get("id_number_hash", "")],
        at=moment,
    )
    return always_admitted(
        person,
        cred,
        at=moment,
        blacklisted=listed,
        problem=problem,
        face=req.kind == "face",
        lane_kind=lane_kind,
    )


def _lane(index: Index, device: dict[str, Any], ref: str | None) -> dict[str, Any]:
    """The lane a device reads at, as :func:`gatehouse.gate.reads.device_lane` says."""
    bound = index.get("lane", device.get("lane_id")) if device.get("lane_id") else None
    if device.get("lane_id") and bound is None:
        raise DomainError(
            "lane.other_site", "设备所绑定的通道不属于本设备的场所，请联系管理员", {"field": "lane"}
        )
    if not ref:
        if bound is None:
            raise InvalidInput(
                "lane.required",
                "本设备未绑定通道，请求须带 lane（出入口编码/通道编码）",
                {"field": "lane"},
            )
        return bound
    gate_code, sep, lane_code = ref.strip().partition("/")
    if not sep or not gate_code or not lane_code or "/" in lane_code:
        raise InvalidInput(
            "lane.format", "通道应写作 出入口编码/通道编码，例如 east/walk-in", {"field": "lane"}
        )
    lane = index.lane_by_code.get((gate_code, lane_code))
    if lane is None:
        raise DomainError("lane.unknown", "本场所没有这个通道", {"field": "lane", "lane": ref})
    if bound is not None and lane["id"] != bound["id"]:
        raise InvalidInput(
            "lane.mismatch", "请求的通道与设备绑定的通道不一致", {"field": "lane", "lane": ref}
        )
    return lane


def _check_read_time(at: datetime | None, now: datetime) -> None:
    if at is None:
        return
    if at.tzinfo is None:
        raise InvalidInput(
            "at.invalid", "读卡时间须带时区，例如 2026-11-24T09:30:00+08:00", {"field": "at"}
        )
    if at > now + MAX_CLOCK_SKEW:
        raise InvalidInput("at.invalid", "读卡时间晚于服务器时间，请校准设备时钟", {"field": "at"})
    if at < now - MAX_REPLAY_AGE:
        raise InvalidInput("at.invalid", "读卡时间早于7天前，不能再补传", {"field": "at"})


@dataclass(frozen=True)
class Read:
    """What a read names, as facts (lane, direction and mode are the policy's)."""

    facts: Facts
    invitation_key: str | None = None
    person: Record | None = None  # the holder or the face terminal's person, if known


#: Replaced by the lane's own configuration before the core decides (``Edge._decide``).
_NO_LANE = LaneFacts(LaneKind.NON_MOTOR, Direction.IN)


def _facts(**kw: Any) -> Facts:
    return Facts(lane=_NO_LANE, direction=Direction.IN, **kw)


def _person_facts(
    index: Index,
    person: dict[str, Any] | None,
    credential: CredentialFacts | None,
    moment: datetime,
    *,
    entrant: Entrant = Entrant.CREDENTIAL,
    extra_hash: str = "",
    **kw: Any,
) -> Facts:
    hashes = [person.get("id_number_hash", "") if person else "", extra_hash]
    listed = blacklisted(
        index.records.get("blacklist", {}).values(),
        person_id=int(person["id"]) if person else None,
        id_hashes=hashes,
        at=moment,
    )
    return _facts(
        entrant=entrant,
        credential=credential,
        blacklisted=listed,
        resident=person is not None and bool(person.get("active")) and entrant != Entrant.VISITOR,
        **kw,
    )


def _read(
    store: Store, index: Index, req: Request, moment: datetime, health: HealthFacts | None
) -> Read | Decision:
    if req.kind in ("card", "badge"):
        number = parse_card_number(req.value)
        found = pick_credential(
            c
            for c in index.credentials_by_number.get(lookup_digest(number), [])
            if c["kind"] in CARD_KINDS
        )
        return _by_credential(index, found, moment, health)
    if req.kind == "qr":
        return _qr(store, index, req.value, moment, health)
    if req.kind == "face":
        ref = req.value.strip()
        if not (ref.isascii() and ref.isdigit()) or len(ref) > 18:
            raise InvalidInput(
                "face.invalid", "人脸终端返回的人员编号格式不正确", {"field": "credential"}
            )
        person = index.get("person", int(ref))
        cred = _person_card(index, person, moment)
        facts = _person_facts(
            index,
            person,
            credential_facts(cred, person) if cred is not None else None,
            moment,
            health=health,
        )
        return Read(facts, person=person)
    return pend_unsupported_read()  # an ID card


def _by_credential(
    index: Index, cred: Record | None, moment: datetime, health: HealthFacts | None
) -> Read:
    if cred is None:
        return Read(_facts(health=health))
    holder = index.get("person", cred["person_id"]) if cred.get("person_id") else None
    facts = _person_facts(index, holder, credential_facts(cred, holder), moment, health=health)
    return Read(facts, person=holder)


def _person_card(
    index: Index, person: dict[str, Any] | None, moment: datetime
) -> dict[str, Any] | None:
    """A person's active card or badge: one valid at the read time first, a badge for staff
    next, then the newest (:func:`gatehouse.gate.reads._person_input`)."""
    if person is None:
        return None
    cards = [
        c
        for c in index.credentials_by_person.get(int(person["id"]), [])
        if c["kind"] in PERSON_CARD_KINDS and c["status"] == "active"
    ]

    def valid(c: dict[str, Any]) -> bool:
        start, end = when(c["valid_from"]), when(c.get("valid_until"))
        return start is not None and start <= moment and (end is None or moment < end)

    cards.sort(key=lambda c: (not valid(c), c["kind"] != CredentialKind.STAFF_BADGE, -int(c["id"])))
    return cards[0] if cards else None


def _qr(store: Store, index: Index, raw: str, moment: datetime, health: HealthFacts | None) -> Read:
    text = (raw or "").strip()
    if not text.startswith("GH1."):
        token = text
        if not QR_TOKEN.match(token):
            raise InvalidInput("qr.format", "二维码内容格式不正确", {"field": "number"})
        found = pick_credential(
            c
            for c in index.credentials_by_number.get(lookup_digest(token), [])
            if c["kind"] == CredentialKind.QR
        )
        return _by_credential(index, found, moment, health)
    # GH1.<kind>.<token>.<expires>.<signature>: the signature is the server's secret; offline,
    # the token's presence in the signed snapshot stands for it.
    parts = text.split(".")
    if len(parts) != 5 or parts[1] not in ("inv", "pas"):
        raise InvalidInput("qr.invalid", "无法识别的二维码", {"field": "credential"})
    try:
        expires = datetime.fromtimestamp(int(parts[3]), tz=UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput("qr.invalid", "无法识别的二维码", {"field": "credential"}) from exc
    if moment >= expires:
        raise InvalidInput("qr.expired", "二维码已过期", {"field": "credential"})
    kind = "invitation" if parts[1] == "inv" else "pass"
    listed = index.by_token.get((kind, lookup_digest(parts[2])))
    if listed is None:
        raise InvalidInput("qr.invalid", "此二维码不属于本场所", {"field": "credential"})
    key, data = listed
    if health is not None:
        registered = kind == "pass" and bool(data.get("id_number_hash"))
        health = replace(health, necessary=True, real_name=health.real_name or registered)
    if kind == "invitation":
        inv: InvitationFacts = invitation_facts(data, store.used_here(key))
        return Read(_facts(entrant=Entrant.INVITED, invitation=inv, health=health), key)
    p: PassFacts = pass_facts(data)
    facts = _person_facts(
        index,
        None,
        None,
        moment,
        entrant=PASS_ENTRANTS[data["kind"]],
        extra_hash=data.get("id_number_hash", ""),
        pass_=p,
        health=health,
    )
    return Read(facts)
