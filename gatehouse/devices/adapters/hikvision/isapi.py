"""The subset of Hikvision's ISAPI that Gatehouse speaks with access-control and face terminals:
the JSON bodies (``?format=json``), the paths, the answers, and an access event as the terminal
pushes it. Pure translation: no network (:mod:`.client`), no database.

The authority is Hikvision's *ISAPI Developer Guide — Access Control / Face Recognition
Terminals* (the "明眸" person-centred protocol); the section each field comes from:

- **Person management** (人员管理, ``/ISAPI/AccessControl/UserInfo/...``): ``UserInfo`` with
  ``employeeNo`` (string, ≤ 32, the person's id at the terminal), ``name``, ``userType``
  (``normal`` | ``visitor`` | ``blackList``), ``Valid`` {``enable``, ``beginTime``, ``endTime``,
  ``timeType``: ``local`` — times are the terminal's local wall clock, ``YYYY-MM-DDTHH:MM:SS``,
  ``endTime`` at most ``2037-12-31T23:59:59``}, ``doorRight`` (door numbers, ``"1"`` or
  ``"1,2"``), ``RightPlan`` [{``doorNo``, ``planTemplateNo``: ``"1"`` = the all-day plan}],
  ``maxOpenDoorTime`` (how often the terminal may open for the user, 0 no limit; with the
  read-only count ``openDoorTime``: a visitor's limited uses).
  ``POST .../UserInfo/Record`` adds, ``PUT .../UserInfo/Modify`` changes, ``PUT
  .../UserInfo/SetUp`` adds or changes; ``POST .../UserInfo/Search`` pages the list with
  ``UserInfoSearchCond`` {``searchID``, ``searchResultPosition``, ``maxResults``} and answers
  ``UserInfoSearch`` {``responseStatusStrg``: ``OK`` | ``MORE`` | ``NO MATCH``,
  ``numOfMatches``, ``totalMatches``, ``UserInfo`` [...]}.
- **Person deletion** (``PUT /ISAPI/AccessControl/UserInfoDetail/Delete``): ``UserInfoDetail``
  {``mode``: ``byEmployeeNo``, ``EmployeeNoList`` [{``employeeNo``}]}; the person's cards and
  faces go with them.
- **Card management** (卡管理, ``/ISAPI/AccessControl/CardInfo/...``): ``CardInfo``
  {``employeeNo``, ``cardNo``, ``cardType``: ``normalCard``}; ``POST .../CardInfo/Record``,
  ``PUT .../CardInfo/Delete`` with ``CardInfoDelCond`` {``CardNoList`` [{``cardNo``}]},
  ``POST .../CardInfo/Search`` with ``CardInfoSearchCond`` (as the person search, optionally
  ``EmployeeNoList``) answering ``CardInfoSearch`` {..., ``CardInfo`` [...]}.
- **Face library** (人脸库, ``/ISAPI/Intelligent/FDLib/...``): ``PUT .../FDLib/FDSetUp`` adds or
  replaces one face, ``multipart/form-data`` with a JSON part ``FaceDataRecord``
  {``faceLibType``: ``blackFD`` (the terminal's list of faces it admits), ``FDID``: ``"1"``,
  ``FPID``: the ``employeeNo``} and the JPEG part ``img``; ``PUT
  .../FDLib/FDSearch/Delete?FDID=1&faceLibType=blackFD`` with {``FPID`` [{``value``}]};
  ``POST .../FDLib/FDSearch`` {``searchResultPosition``, ``maxResults``, ``faceLibType``,
  ``FDID``} answers {``responseStatusStrg``, ``totalMatches``, ``MatchList`` [{``FPID``}]}.
- **Remote control** (远程控制): ``PUT /ISAPI/AccessControl/RemoteControl/door/<doorNo>`` with
  the XML body ``<RemoteControlDoor><cmd>open</cmd></RemoteControlDoor>``.
- **Answers** (``ResponseStatus``): ``statusCode`` 1 OK, 2 Device Busy, 3 Device Error,
  4 Invalid Operation, 5 Invalid XML/JSON Format, 6 Invalid XML/JSON Content, 7 Reboot
  Required; ``subStatusCode`` names the cause (``employeeNoAlreadyExist``,
  ``cardNoAlreadyExist``, ``badJsonContent``, ``deviceBusy``, ``notSupport`` ...).
- **Events** (事件, the HTTP listening / ``httpHosts`` push, and ``POST
  /ISAPI/AccessControl/AcsEvent`` search): the pushed ``EventNotificationAlert`` JSON
  {``ipAddress``, ``dateTime`` (ISO 8601 with offset), ``eventType``:
  ``AccessControllerEvent``, ``AccessControllerEvent`` {``majorEventType``, ``subEventType``,
  ``cardNo``, ``employeeNoString``, ``doorNo``, ``serialNo`` (the terminal's own event number,
  increasing), ``currentVerifyMode``, ``name``}} sent as the part ``event_log`` (some firmware:
  ``AccessControllerEvent``) of a ``multipart/form-data`` body, with an optional JPEG part
  ``Picture``. Major 5 is "event"; the minor codes Gatehouse reads are in :data:`PASSED` and
  :data:`REFUSED` (from the guide's event-type appendix).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

USER_RECORD = "/ISAPI/AccessControl/UserInfo/Record?format=json"
USER_MODIFY = "/ISAPI/AccessControl/UserInfo/Modify?format=json"
USER_SETUP = "/ISAPI/AccessControl/UserInfo/SetUp?format=json"
USER_SEARCH = "/ISAPI/AccessControl/UserInfo/Search?format=json"
USER_DELETE = "/ISAPI/AccessControl/UserInfoDetail/Delete?format=json"
CARD_RECORD = "/ISAPI/AccessControl/CardInfo/Record?format=json"
CARD_DELETE = "/ISAPI/AccessControl/CardInfo/Delete?format=json"
CARD_SEARCH = "/ISAPI/AccessControl/CardInfo/Search?format=json"
FACE_SETUP = "/ISAPI/Intelligent/FDLib/FDSetUp?format=json"
FACE_SEARCH = "/ISAPI/Intelligent/FDLib/FDSearch?format=json"
FACE_DELETE = "/ISAPI/Intelligent/FDLib/FDSearch/Delete?format=json&FDID={fdid}&faceLibType={lib}"
ACS_EVENT = "/ISAPI/AccessControl/AcsEvent?format=json"
DOOR = "/ISAPI/AccessControl/RemoteControl/door/{door}"

#: The longest validity the terminals accept (``Valid.endTime``).
END_OF_TIME = datetime(2037, 12, 31, 23, 59, 59)
FACE_LIB = "blackFD"
FACE_LIB_ID = "1"
ALL_DAY_PLAN = "1"
MAX_EMPLOYEE_NO = 32
MAX_CARD_NO = 32

# ResponseStatus.statusCode (ISAPI "Response Status" table).
OK = 1
BUSY = 2
DEVICE_ERROR = 3
INVALID_OPERATION = 4
INVALID_FORMAT = 5
INVALID_CONTENT = 6
REBOOT_REQUIRED = 7
#: Codes after which the same request may succeed later: the command is retried.
TRANSIENT = frozenset({BUSY, DEVICE_ERROR, REBOOT_REQUIRED})
STATUS_STRINGS = {
    OK: "OK",
    BUSY: "Device Busy",
    DEVICE_ERROR: "Device Error",
    INVALID_OPERATION: "Invalid Operation",
    INVALID_FORMAT: "Invalid JSON Format",
    INVALID_CONTENT: "Invalid JSON Content",
    REBOOT_REQUIRED: "Reboot Required",
}

MAJOR_EVENT = 5
# Minor codes of major 5 (the guide's event appendix; HCNetSDK's MINOR_* constants).
MINOR_LEGAL_CARD_PASS = 0x01
MINOR_CARD_NO_RIGHT = 0x06
MINOR_CARD_INVALID_PERIOD = 0x07
MINOR_CARD_OUT_OF_DATE = 0x08
MINOR_INVALID_CARD = 0x09
MINOR_FACE_VERIFY_PASS = 0x4B
MINOR_FACE_VERIFY_FAIL = 0x4C
MINOR_EMPLOYEENO_AND_FACE_VERIFY_PASS = 0x4D
MINOR_FACE_AND_CARD_VERIFY_PASS = 0x3C  # not read: a card is always sent with it
PASSED = frozenset(
    {
        MINOR_LEGAL_CARD_PASS,
        MINOR_FACE_VERIFY_PASS,
        MINOR_EMPLOYEENO_AND_FACE_VERIFY_PASS,
        MINOR_FACE_AND_CARD_VERIFY_PASS,
    }
)
REFUSED = frozenset(
    {
        MINOR_CARD_NO_RIGHT,
        MINOR_CARD_INVALID_PERIOD,
        MINOR_CARD_OUT_OF_DATE,
        MINOR_INVALID_CARD,
        MINOR_FACE_VERIFY_FAIL,
    }
)


class ProtocolError(ValueError):
    """A terminal's body that is not what the guide describes; ``sub`` is the subStatusCode a
    terminal would answer with (``badJsonContent`` ...)."""

    def __init__(self, message: str, sub: str = "badJsonContent") -> None:
        super().__init__(message)
        self.sub = sub


# --------------------------------------------------------------------------------------------
# Times
# --------------------------------------------------------------------------------------------


def local_time(at: datetime | None) -> str:
    """An aware datetime as the terminal's local wall clock (``timeType: local``); None is the
    end of time. Seconds only; clamped to :data:`END_OF_TIME`."""
    if at is None:
        return END_OF_TIME.isoformat()
    wall = at.astimezone(SHANGHAI).replace(tzinfo=None, microsecond=0)
    return min(wall, END_OF_TIME).isoformat()


def parse_local(text: str) -> datetime:
    """A ``Valid`` time (local wall clock, or with an offset) as an aware datetime."""
    value = datetime.fromisoformat(str(text).strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value


# --------------------------------------------------------------------------------------------
# What Gatehouse sends
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The whole wanted state of one person at one terminal: what a ``person.sync`` command
    carries (:meth:`as_payload`), and what the terminal is told (:meth:`user_info`,
    :meth:`card_infos`)."""

    employee_no: str
    name: str
    begin: str  # local wall clock, see local_time
    end: str
    user_type: str = "normal"
    doors: tuple[int, ...] = (1,)
    cards: tuple[str, ...] = ()
    face: str = ""  # base64 JPEG, only with recorded consent; "" none
    face_digest: str = ""
    # ``maxOpenDoorTime``: how often the terminal opens for this user at most (a visitor's
    # limited invitation); 0, no limit.
    max_opens: int = 0
    fresh: bool = False  # never sent to this terminal: no cards or face to clear first
    had_face: bool = True  # a face may be at the terminal: removed when none is wanted now

    def user_info(self) -> dict[str, Any]:
        return {
            "UserInfo": {
                "employeeNo": self.employee_no,
                "name": self.name[:32],
                "userType": self.user_type,
                "Valid": {
                    "enable": True,
                    "beginTime": self.begin,
                    "endTime": self.end,
                    "timeType": "local",
                },
                "doorRight": ",".join(str(d) for d in self.doors),
                "RightPlan": [{"doorNo": d, "planTemplateNo": ALL_DAY_PLAN} for d in self.doors],
                "maxOpenDoorTime": self.max_opens,
            }
        }

    def card_infos(self) -> list[dict[str, Any]]:
        return [card_info(self.employee_no, no) for no in self.cards]

    def as_payload(self) -> dict[str, Any]:
        return {
            "employeeNo": self.employee_no,
            "name": self.name,
            "userType": self.user_type,
            "begin": self.begin,
            "end": self.end,
            "doors": list(self.doors),
            "cards": list(self.cards),
            "face": self.face,
            "face_digest": self.face_digest,
            "max_opens": self.max_opens,
            "fresh": self.fresh,
            "had_face": self.had_face,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Person:
        try:
            return cls(
                employee_no=str(data["employeeNo"]),
                name=str(data.get("name", "")),
                user_type=str(data.get("userType", "normal")),
                begin=str(data["begin"]),
                end=str(data["end"]),
                doors=tuple(int(d) for d in data.get("doors", [1])),
                cards=tuple(str(c) for c in data.get("cards", [])),
                face=str(data.get("face", "")),
                face_digest=str(data.get("face_digest", "")),
                max_opens=int(data.get("max_opens", 0) or 0),
                fresh=bool(data.get("fresh", False)),
                had_face=bool(data.get("had_face", True)),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ProtocolError(f"人员指令内容不完整：{exc}") from exc

    def state(self, *, faces: bool = True) -> dict[str, Any]:
        """What a terminal holding this person shows in its searches (for comparing); without
        ``faces`` (a terminal with no face library) the face is left out."""
        state: dict[str, Any] = {
            "begin": self.begin,
            "end": self.end,
            "userType": self.user_type,
            "maxOpens": self.max_opens,
            "cards": sorted(self.cards),
        }
        if faces:
            state["face"] = bool(self.face)
        return state


def card_info(employee_no: str, card_no: str) -> dict[str, Any]:
    return {"CardInfo": {"employeeNo": employee_no, "cardNo": card_no, "cardType": "normalCard"}}


def user_delete(employee_nos: list[str]) -> dict[str, Any]:
    return {
        "UserInfoDetail": {
            "mode": "byEmployeeNo",
            "EmployeeNoList": [{"employeeNo": no} for no in employee_nos],
        }
    }


def card_delete(card_nos: list[str]) -> dict[str, Any]:
    return {"CardInfoDelCond": {"CardNoList": [{"cardNo": no} for no in card_nos]}}


def search_cond(
    root: str, search_id: str, position: int, limit: int, employee_nos: list[str] | None = None
) -> dict[str, Any]:
    cond: dict[str, Any] = {
        "searchID": search_id,
        "searchResultPosition": position,
        "maxResults": limit,
    }
    if employee_nos:
        cond["EmployeeNoList"] = [{"employeeNo": no} for no in employee_nos]
    return {root: cond}


def face_record(employee_no: str) -> dict[str, Any]:
    return {"faceLibType": FACE_LIB, "FDID": FACE_LIB_ID, "FPID": employee_no}


def face_delete(employee_no: str) -> dict[str, Any]:
    return {"FPID": [{"value": employee_no}]}


DOOR_OPEN_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<RemoteControlDoor version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">'
    "<cmd>open</cmd></RemoteControlDoor>"
)


# --------------------------------------------------------------------------------------------
# What the terminal answers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Status:
    """A ``ResponseStatus``: ``code`` (statusCode), ``sub`` (subStatusCode), ``text``."""

    code: int
    sub: str
    text: str = ""

    @property
    def ok(self) -> bool:
        return self.code == OK


def response_status(body: Any) -> Status | None:
    """The ``ResponseStatus`` of an answer (JSON, or the XML form of RemoteControl), or None."""
    if isinstance(body, dict):
        inner = body.get("ResponseStatus", body)
        if isinstance(inner, dict) and "statusCode" in inner:
            try:
                code = int(inner["statusCode"])
            except (TypeError, ValueError):
                return None
            text = str(inner.get("errorMsg") or inner.get("statusString") or "")
            return Status(code, str(inner.get("subStatusCode", "")), text)
        return None
    if isinstance(body, str) and "<statusCode>" in body:
        number = _xml_value(body, "statusCode")
        return Status(
            int(number) if number.isdigit() else 0,
            _xml_value(body, "subStatusCode"),
            _xml_value(body, "statusString"),
        )
    return None


def _xml_value(text: str, tag: str) -> str:
    start = text.find(f"<{tag}>")
    end = text.find(f"</{tag}>")
    if start < 0 or end < start:
        return ""
    return text[start + len(tag) + 2 : end].strip()


def status_body(code: int, sub: str, url: str = "", message: str = "") -> dict[str, Any]:
    """A ``ResponseStatus`` JSON as a terminal (or Gatehouse, answering one) writes it."""
    body: dict[str, Any] = {
        "requestURL": url,
        "statusCode": code,
        "statusString": STATUS_STRINGS.get(code, "Error"),
        "subStatusCode": sub,
    }
    if code != OK:
        body["errorCode"] = code
        body["errorMsg"] = message or sub
    return body


@dataclass(frozen=True)
class Page:
    """One page of a search: the items, and whether the terminal has more (``MORE``)."""

    items: list[dict[str, Any]]
    more: bool
    total: int


def search_page(body: Any, root: str, item: str) -> Page:
    """A ``UserInfoSearch`` / ``CardInfoSearch`` answer (``root``) and its ``item`` list."""
    data = body.get(root) if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ProtocolError(f"终端的查询应答缺少 {root}")
    state = str(data.get("responseStatusStrg", ""))
    items = data.get(item) or []
    if not isinstance(items, list):
        raise ProtocolError(f"终端的查询应答 {item} 不是列表")
    total = data.get("totalMatches", len(items))
    return Page(
        [i for i in items if isinstance(i, dict)],
        state == "MORE",
        total if isinstance(total, int) else len(items),
    )


def user_state(info: dict[str, Any], cards: list[str], face: bool | None) -> dict[str, Any]:
    """What the terminal holds of one person, as :meth:`Person.state` shows what it should
    (``face`` None: the terminal has no face library to ask)."""
    valid = info.get("Valid") or {}
    state: dict[str, Any] = {
        "begin": str(valid.get("beginTime", "")),
        "end": str(valid.get("endTime", "")),
        "userType": str(info.get("userType", "")),
        "maxOpens": _int(info.get("maxOpenDoorTime")),
        "cards": sorted(cards),
    }
    if face is not None:
        state["face"] = face
    return state


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def face_search_cond(position: int, limit: int) -> dict[str, Any]:
    """``FDSearch`` of the face library (guide: face library, search face records)."""
    return {
        "searchResultPosition": position,
        "maxResults": limit,
        "faceLibType": FACE_LIB,
        "FDID": FACE_LIB_ID,
    }


def face_page(body: Any) -> Page:
    """An ``FDSearch`` answer: ``MatchList`` [{``FPID``, ...}] at the top level."""
    if not isinstance(body, dict) or "responseStatusStrg" not in body:
        raise ProtocolError("终端的人脸查询应答格式不正确")
    items = body.get("MatchList") or []
    if not isinstance(items, list):
        raise ProtocolError("终端的人脸查询应答 MatchList 不是列表")
    total = body.get("totalMatches", len(items))
    return Page(
        [i for i in items if isinstance(i, dict)],
        str(body.get("responseStatusStrg")) == "MORE",
        total if isinstance(total, int) else len(items),
    )


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessEvent:
    """One ``AccessControllerEvent`` as pushed (or found by ``AcsEvent`` search)."""

    serial_no: int
    at: datetime
    major: int
    minor: int
    card_no: str = ""
    employee_no: str = ""
    door_no: int = 1
    device_id: str = ""  # the terminal's serial when it names itself (deviceID / serialNumber)
    verify_mode: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def passed(self) -> bool:
        return self.major == MAJOR_EVENT and self.minor in PASSED

    def identity(self) -> dict[str, Any]:
        """What makes the event this event, however it reached Gatehouse (pushed, or found by
        an ``AcsEvent`` search): the same event number with other content is another event."""
        return {
            "serialNo": self.serial_no,
            "dateTime": self.at.isoformat(),
            "major": self.major,
            "minor": self.minor,
            "cardNo": self.card_no,
            "employeeNo": self.employee_no,
            "doorNo": self.door_no,
        }

    @property
    def is_passage(self) -> bool:
        """A person's attempt at the door (passed or refused), not a door state or an alarm."""
        return self.major == MAJOR_EVENT and (self.minor in PASSED or self.minor in REFUSED)


def parse_event(body: Any) -> AccessEvent:
    """An ``EventNotificationAlert`` of type ``AccessControllerEvent`` (raises
    :class:`ProtocolError` on anything else)."""
    if isinstance(body, (bytes, str)):
        try:
            body = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ProtocolError("事件内容不是合法的 JSON", "badJsonFormat") from exc
    if not isinstance(body, dict):
        raise ProtocolError("事件内容应为 JSON 对象")
    inner = body.get("AccessControllerEvent")
    if not isinstance(inner, dict):
        raise ProtocolError("事件缺少 AccessControllerEvent")
    try:
        serial = int(inner["serialNo"])
        major = int(inner.get("majorEventType", MAJOR_EVENT))
        minor = int(inner["subEventType"])
        door = int(inner.get("doorNo", 1) or 1)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProtocolError(f"事件缺少或写错了字段：{exc}") from exc
    if serial < 0:
        raise ProtocolError("事件编号 serialNo 不正确")
    try:
        at = datetime.fromisoformat(str(body.get("dateTime", "")).strip())
    except ValueError as exc:
        raise ProtocolError("事件时间 dateTime 格式不正确") from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=SHANGHAI)
    card = str(inner.get("cardNo", "") or "").strip()
    employee = str(inner.get("employeeNoString", "") or inner.get("employeeNo", "") or "").strip()
    if len(card) > MAX_CARD_NO or len(employee) > MAX_EMPLOYEE_NO:
        raise ProtocolError("卡号或工号过长")
    device_id = str(body.get("deviceID", "") or body.get("serialNumber", "") or "").strip()
    return AccessEvent(
        serial_no=serial,
        at=at,
        major=major,
        minor=minor,
        card_no=card,
        employee_no=employee,
        door_no=door,
        device_id=device_id,
        verify_mode=str(inner.get("currentVerifyMode", "") or ""),
        raw=body,
    )


def event_body(event: AccessEvent, *, ip: str = "127.0.0.1", device_name: str = "") -> dict:
    """The pushed JSON of ``event`` (the simulator's push; the shape :func:`parse_event` reads)."""
    inner: dict[str, Any] = {
        "deviceName": device_name,
        "majorEventType": event.major,
        "subEventType": event.minor,
        "doorNo": event.door_no,
        "serialNo": event.serial_no,
        "currentVerifyMode": event.verify_mode or "cardOrFace",
    }
    if event.card_no:
        inner["cardNo"] = event.card_no
        inner["cardType"] = 1
    if event.employee_no:
        inner["employeeNoString"] = event.employee_no
    body: dict[str, Any] = {
        "ipAddress": ip,
        "portNo": 80,
        "protocol": "HTTP",
        "dateTime": event.at.isoformat(),
        "activePostCount": 1,
        "eventType": "AccessControllerEvent",
        "eventState": "active",
        "eventDescription": "Access Controller Event",
        "AccessControllerEvent": inner,
    }
    if event.device_id:
        body["deviceID"] = event.device_id
    return body


def acs_event_cond(search_id: str, position: int, limit: int, start: str, end: str) -> dict:
    return {
        "AcsEventCond": {
            "searchID": search_id,
            "searchResultPosition": position,
            "maxResults": limit,
            "major": MAJOR_EVENT,
            "minor": 0,
            "startTime": start,
            "endTime": end,
        }
    }


def parse_acs_events(body: Any) -> tuple[list[AccessEvent], bool]:
    """An ``AcsEvent`` search answer: its events (as pushed ones) and whether there are more."""
    data = body.get("AcsEvent") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise ProtocolError("终端的事件查询应答缺少 AcsEvent")
    out = []
    for info in data.get("InfoList") or []:
        if not isinstance(info, dict):
            continue
        pushed = {
            "dateTime": info.get("time", ""),
            "AccessControllerEvent": {
                "majorEventType": info.get("major"),
                "subEventType": info.get("minor"),
                "serialNo": info.get("serialNo"),
                "cardNo": info.get("cardNo", ""),
                "employeeNoString": info.get("employeeNoString", ""),
                "doorNo": info.get("doorNo", 1),
                "currentVerifyMode": info.get("currentVerifyMode", ""),
            },
        }
        out.append(parse_event(pushed))
    return out, str(data.get("responseStatusStrg", "")) == "MORE"


# --------------------------------------------------------------------------------------------
# Card numbers
# --------------------------------------------------------------------------------------------


def terminal_card_no(canonical: str) -> str:
    """The ``cardNo`` a terminal holds for a card Gatehouse stores as canonical hex
    (:func:`gatehouse.core.ids.parse_card_number`): a 4-byte card as its 10-digit decimal (the
    terminals' default card-number format), a longer UID as its hex digits."""
    if len(canonical) == 8:
        return f"{int(canonical, 16):010d}"
    return canonical


def gatehouse_card_no(card_no: str) -> str:
    """A terminal's ``cardNo`` as Gatehouse's reads take it: a decimal number padded to the 10
    digits of the decimal card format (the core parses it), anything else unchanged."""
    text = card_no.strip()
    if text.isascii() and text.isdigit() and len(text) < 10:
        return text.zfill(10)
    return text


def multipart_parts(content_type: str, body: bytes) -> dict[str, bytes]:
    """The parts of a ``multipart/form-data`` body by name (the standard library's MIME
    parser; the first part of each name wins)."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    out: dict[str, bytes] = {}
    if not message.is_multipart():
        return out
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str) and name not in out:
            payload = part.get_payload(decode=True)
            out[name] = payload if isinstance(payload, bytes) else b""
    return out
