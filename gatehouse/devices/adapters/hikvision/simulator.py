"""A Hikvision access-control / face terminal, simulated: the ISAPI subset of :mod:`.isapi` over
real HTTP on 127.0.0.1, behind digest authentication (RFC 7616 with MD5 and ``qop=auth``, as
the terminals do: a request without valid credentials gets 401 and a ``WWW-Authenticate: Digest``
challenge).

It keeps what it is sent (people with their validity, cards, faces), decides a card swipe or a
face from that list as the real terminal does (the person must exist, hold the card, and be
inside their ``Valid`` window by the terminal's local clock, and not past a visitor's
``maxOpenDoorTime``, counted in ``openDoorTime`` as the terminal does), opens its door on
``RemoteControl`` and pushes each access event to the HTTP listening address (``httpHosts``)
as ``multipart/form-data`` with the JSON part ``event_log`` and, for a face, a ``Picture``.

``manage.py simulate_terminal`` runs one; the tests start and stop one per test.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from gatehouse.devices.adapters.hikvision import isapi

REALM = "DS-K1T671M"
#: A picture the simulator sends with a face event (a tiny JPEG header, enough for a part).
PICTURE = b"\xff\xd8\xff\xe0" + b"\x00" * 60 + b"\xff\xd9"


@dataclass
class Swipe:
    """What the terminal did with one card or face: ``passed``, the event it recorded and the
    HTTP status Gatehouse answered its push with (None: not pushed / unreachable)."""

    passed: bool
    event: isapi.AccessEvent
    pushed: int | None = None


@dataclass
class Store:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    cards: dict[str, str] = field(default_factory=dict)  # cardNo -> employeeNo
    faces: dict[str, bytes] = field(default_factory=dict)  # FPID -> picture
    events: list[isapi.AccessEvent] = field(default_factory=list)
    doors_opened: list[int] = field(default_factory=list)
    requests: int = 0


class _Server(ThreadingHTTPServer):
    """The HTTP server, keeping the connections it accepted so that :meth:`Terminal.stop` can
    cut them (``server_close`` only closes the listening socket)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def get_request(self) -> tuple[socket.socket, Any]:
        conn, address = super().get_request()
        with self.connections_lock:
            self.connections.add(conn)
        return conn, address

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def cut_connections(self) -> None:
        with self.connections_lock:
            open_ones, self.connections = self.connections, set()
        for conn in open_ones:
            with contextlib.suppress(OSError):  # already closed by the peer
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()


class Terminal:
    """One simulated terminal. ``clock`` is its local clock (aware datetimes)."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "admin",
        password: str = "hik12345",  # noqa: S107 - the simulator's demo login
        serial: str = "DS-K1T671M20261205AAWRF00001",
        push_url: str = "",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.username = username
        self.password = password
        self.serial = serial
        self.push_url = push_url
        self.clock = clock or (lambda: datetime.now(isapi.SHANGHAI))
        self.store = Store()
        self.lock = threading.RLock()
        self.offline = False  # answer nothing: connections are reset
        self.busy = 0  # this many next requests answer "Device Busy"
        self.has_faces = True  # False: a card reader without a face library
        self._nonces: set[str] = set()
        self._serial_no = 0
        self._server = _Server((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Terminal:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Switch the terminal off: no new connection is accepted and the open ones (a client
        keeps its connection alive) are cut, as a terminal losing power cuts them."""
        self._server.shutdown()
        self._server.server_close()
        self._server.cut_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Terminal:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the door ---------------------------------------------------------------------------

    def swipe(self, card_no: str, *, push: bool = True) -> Swipe:
        """A card presented: the terminal decides from its list and pushes the event."""
        now = self.clock()
        with self.lock:
            employee = self.store.cards.get(card_no, "")
            user = self.store.users.get(employee) if employee else None
            if user is None:
                minor = isapi.MINOR_INVALID_CARD
            elif not _in_window(user, now):
                minor = isapi.MINOR_CARD_INVALID_PERIOD
            elif _opens_used_up(user):
                minor = isapi.MINOR_CARD_NO_RIGHT
            else:
                minor = isapi.MINOR_LEGAL_CARD_PASS
                user["openDoorTime"] = int(user.get("openDoorTime") or 0) + 1
            event = self._event(now, minor, card_no=card_no, employee_no=employee)
        return self._after(event, picture=None, push=push)

    def face(self, employee_no: str, *, push: bool = True) -> Swipe:
        """A face matched against the library (only a known, enrolled face matches)."""
        now = self.clock()
        with self.lock:
            user = self.store.users.get(employee_no)
            known = user is not None and employee_no in self.store.faces
            if known and user is not None and _in_window(user, now):
                minor = isapi.MINOR_FACE_VERIFY_PASS
            else:
                minor = isapi.MINOR_FACE_VERIFY_FAIL
            event = self._event(now, minor, employee_no=employee_no if known else "")
        return self._after(event, picture=PICTURE, push=push)

    def _event(
        self, now: datetime, minor: int, *, card_no: str = "", employee_no: str = ""
    ) -> isapi.AccessEvent:
        self._serial_no += 1
        event = isapi.AccessEvent(
            serial_no=self._serial_no,
            at=now.replace(microsecond=0),
            major=isapi.MAJOR_EVENT,
            minor=minor,
            card_no=card_no,
            employee_no=employee_no,
            device_id=self.serial,
        )
        self.store.events.append(event)
        return event

    def _after(self, event: isapi.AccessEvent, *, picture: bytes | None, push: bool) -> Swipe:
        result = Swipe(event.passed, event)
        if event.passed:
            with self.lock:
                self.store.doors_opened.append(event.door_no)
        if push and self.push_url:
            result.pushed = self.push(event, picture=picture)
        return result

    def push(self, event: isapi.AccessEvent, *, picture: bytes | None = None) -> int | None:
        """Post ``event`` to the listening address as the terminal does; Gatehouse's status."""
        content_type, body = self.multipart(event, picture=picture)
        try:
            response = httpx.post(
                self.push_url, content=body, headers={"Content-Type": content_type}, timeout=10
            )
        except httpx.HTTPError:
            return None
        return response.status_code

    def multipart(
        self, event: isapi.AccessEvent, *, picture: bytes | None = None
    ) -> tuple[str, bytes]:
        """The push body of ``event``: (Content-Type with its boundary, bytes)."""
        data = json.dumps(isapi.event_body(event, device_name="门禁终端"), ensure_ascii=False)
        files: dict[str, Any] = {"event_log": (None, data.encode("utf-8"), "application/json")}
        if picture is not None:
            files["Picture"] = ("Picture.jpg", picture, "image/jpeg")
        request = httpx.Request("POST", self.push_url or "http://127.0.0.1/", files=files)
        return request.headers["Content-Type"], request.read()

    # -- ISAPI ------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Any, body: bytes) -> tuple[int, Any]:
        """Answer one authenticated request: (HTTP status, JSON body or XML text)."""
        path = urlsplit(target).path
        query = parse_qs(urlsplit(target).query)
        with self.lock:
            self.store.requests += 1
            if self.busy > 0:
                self.busy -= 1
                return 503, isapi.status_body(isapi.BUSY, "deviceBusy", path)
            route = (method, path)
            if route[0] == "PUT" and path.startswith("/ISAPI/AccessControl/RemoteControl/door/"):
                return self._door(path, body)
            if path == "/ISAPI/Intelligent/FDLib/FDSetUp" and method == "PUT":
                return self._face_setup(path, headers, body)
            handler = self._routes().get(route)
            if handler is None:
                return 404, isapi.status_body(isapi.INVALID_OPERATION, "notSupport", path)
            try:
                data = json.loads(body or b"{}")
            except ValueError:
                return 400, isapi.status_body(isapi.INVALID_FORMAT, "badJsonFormat", path)
            if not isinstance(data, dict):
                return 400, isapi.status_body(isapi.INVALID_CONTENT, "badJsonContent", path)
            return handler(path, data, query)

    def _routes(self) -> dict[tuple[str, str], Callable[..., tuple[int, Any]]]:
        return {
            ("POST", "/ISAPI/AccessControl/UserInfo/Record"): self._user_record,
            ("PUT", "/ISAPI/AccessControl/UserInfo/Modify"): self._user_modify,
            ("PUT", "/ISAPI/AccessControl/UserInfo/SetUp"): self._user_setup,
            ("POST", "/ISAPI/AccessControl/UserInfo/Search"): self._user_search,
            ("PUT", "/ISAPI/AccessControl/UserInfoDetail/Delete"): self._user_delete,
            ("POST", "/ISAPI/AccessControl/CardInfo/Record"): self._card_record,
            ("PUT", "/ISAPI/AccessControl/CardInfo/Delete"): self._card_delete,
            ("POST", "/ISAPI/AccessControl/CardInfo/Search"): self._card_search,
            ("PUT", "/ISAPI/Intelligent/FDLib/FDSearch/Delete"): self._face_delete,
            ("POST", "/ISAPI/Intelligent/FDLib/FDSearch"): self._face_search,
            ("POST", "/ISAPI/AccessControl/AcsEvent"): self._acs_event,
        }

    def _user(self, path: str, data: dict[str, Any]) -> dict[str, Any] | tuple[int, Any]:
        info = data.get("UserInfo")
        if not isinstance(info, dict) or not str(info.get("employeeNo", "")).strip():
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "badJsonContent", path)
        valid = info.get("Valid") or {}
        try:
            isapi.parse_local(valid.get("beginTime", ""))
            isapi.parse_local(valid.get("endTime", ""))
        except ValueError:
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "badParameters", path)
        if len(str(info["employeeNo"])) > isapi.MAX_EMPLOYEE_NO:
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "employeeNoTooLong", path)
        return info

    def _user_record(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        info = self._user(path, data)
        if isinstance(info, tuple):
            return info
        number = str(info["employeeNo"])
        if number in self.store.users:
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "employeeNoAlreadyExist", path)
        self.store.users[number] = info
        return 200, isapi.status_body(isapi.OK, "ok", path)

    def _user_modify(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        info = self._user(path, data)
        if isinstance(info, tuple):
            return info
        number = str(info["employeeNo"])
        if number not in self.store.users:
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "employeeNoNotExist", path)
        self.store.users[number] = {**self.store.users[number], **info}
        return 200, isapi.status_body(isapi.OK, "ok", path)

    def _user_setup(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        info = self._user(path, data)
        if isinstance(info, tuple):
            return info
        number = str(info["employeeNo"])
        kept = self.store.users.get(number, {})
        # ``openDoorTime`` is the terminal's own count: a change of the user keeps it.
        count = {"openDoorTime": kept["openDoorTime"]} if "openDoorTime" in kept else {}
        self.store.users[number] = {**info, **count}
        return 200, isapi.status_body(isapi.OK, "ok", path)

    def _user_delete(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        detail = data.get("UserInfoDetail")
        if not isinstance(detail, dict) or detail.get("mode") != "byEmployeeNo":
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "badJsonContent", path)
        for item in detail.get("EmployeeNoList") or []:
            number = str(item.get("employeeNo", ""))
            self.store.users.pop(number, None)
            self.store.faces.pop(number, None)
            for card in [c for c, e in self.store.cards.items() if e == number]:
                del self.store.cards[card]
        return 200, isapi.status_body(isapi.OK, "ok", path)

    def _page(
        self, data: dict[str, Any], cond_root: str, root: str, item: str, rows: list[Any]
    ) -> tuple[int, Any]:
        cond = data.get(cond_root) or {}
        position = int(cond.get("searchResultPosition", 0) or 0)
        limit = min(int(cond.get("maxResults", 30) or 30), 30)
        chunk = rows[position : position + limit]
        more = position + len(chunk) < len(rows)
        state = "MORE" if more else ("OK" if rows else "NO MATCH")
        return 200, {
            root: {
                "searchID": cond.get("searchID", ""),
                "responseStatusStrg": state,
                "numOfMatches": len(chunk),
                "totalMatches": len(rows),
                item: chunk,
            }
        }

    def _user_search(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        rows = [self.store.users[k] for k in sorted(self.store.users)]
        return self._page(data, "UserInfoSearchCond", "UserInfoSearch", "UserInfo", rows)

    def _card_record(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        info = data.get("CardInfo")
        if not isinstance(info, dict) or not info.get("cardNo") or not info.get("employeeNo"):
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "badJsonContent", path)
        number, card = str(info["employeeNo"]), str(info["cardNo"])
        if number not in self.store.users:
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "employeeNoNotExist", path)
        if card in self.store.cards:
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "cardNoAlreadyExist", path)
        self.store.cards[card] = number
        return 200, isapi.status_body(isapi.OK, "ok", path)

    def _card_delete(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        cond = data.get("CardInfoDelCond")
        if not isinstance(cond, dict):
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "badJsonContent", path)
        for item in cond.get("CardNoList") or []:
            self.store.cards.pop(str(item.get("cardNo", "")), None)
        return 200, isapi.status_body(isapi.OK, "ok", path)

    def _card_search(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        cond = data.get("CardInfoSearchCond") or {}
        wanted = {str(i.get("employeeNo")) for i in cond.get("EmployeeNoList") or []}
        rows = [
            {"employeeNo": e, "cardNo": c, "cardType": "normalCard"}
            for c, e in sorted(self.store.cards.items())
            if not wanted or e in wanted
        ]
        return self._page(data, "CardInfoSearchCond", "CardInfoSearch", "CardInfo", rows)

    def _face_setup(self, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        parts = isapi.multipart_parts(headers.get("Content-Type", ""), body)
        try:
            record = json.loads(parts.get("FaceDataRecord", b""))
        except ValueError:
            return 400, isapi.status_body(isapi.INVALID_FORMAT, "badJsonFormat", path)
        number = str(record.get("FPID", ""))
        picture = parts.get("img", b"")
        if record.get("faceLibType") != isapi.FACE_LIB or not number or not picture:
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "badJsonContent", path)
        if number not in self.store.users:
            return 400, isapi.status_body(isapi.INVALID_CONTENT, "employeeNoNotExist", path)
        self.store.faces[number] = picture
        return 200, isapi.status_body(isapi.OK, "ok", path)

    def _face_delete(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        for item in data.get("FPID") or []:
            self.store.faces.pop(str(item.get("value", "")), None)
        return 200, isapi.status_body(isapi.OK, "ok", path)

    def _face_search(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        if not self.has_faces:
            return 404, isapi.status_body(isapi.INVALID_OPERATION, "notSupport", path)
        position = int(data.get("searchResultPosition", 0) or 0)
        limit = min(int(data.get("maxResults", 30) or 30), 30)
        numbers = sorted(self.store.faces)
        chunk = numbers[position : position + limit]
        more = position + len(chunk) < len(numbers)
        return 200, {
            "requestURL": path,
            "statusCode": 1,
            "statusString": "OK",
            "subStatusCode": "ok",
            "responseStatusStrg": "MORE" if more else ("OK" if numbers else "NO MATCH"),
            "numOfMatches": len(chunk),
            "totalMatches": len(numbers),
            "MatchList": [{"FPID": n, "faceLibType": isapi.FACE_LIB, "FDID": "1"} for n in chunk],
        }

    def _acs_event(self, path: str, data: dict[str, Any], query: Any) -> tuple[int, Any]:
        cond = data.get("AcsEventCond") or {}
        position = int(cond.get("searchResultPosition", 0) or 0)
        limit = min(int(cond.get("maxResults", 30) or 30), 30)
        events = self.store.events[position : position + limit]
        more = position + len(events) < len(self.store.events)
        return 200, {
            "AcsEvent": {
                "searchID": cond.get("searchID", ""),
                "responseStatusStrg": "MORE" if more else "OK",
                "numOfMatches": len(events),
                "totalMatches": len(self.store.events),
                "InfoList": [
                    {
                        "major": e.major,
                        "minor": e.minor,
                        "time": e.at.isoformat(),
                        "cardNo": e.card_no,
                        "employeeNoString": e.employee_no,
                        "doorNo": e.door_no,
                        "serialNo": e.serial_no,
                    }
                    for e in events
                ],
            }
        }

    def _door(self, path: str, body: bytes) -> tuple[int, Any]:
        text = body.decode("utf-8", "replace")
        door = path.rsplit("/", 1)[-1]
        if "<cmd>open</cmd>" not in text.replace(" ", "") or not door.isdigit():
            return 400, _xml_status(isapi.INVALID_CONTENT, "badXmlContent", path)
        self.store.doors_opened.append(int(door))
        return 200, _xml_status(isapi.OK, "ok", path)

    # -- digest authentication --------------------------------------------------------------

    def challenge(self) -> str:
        nonce = secrets.token_hex(16)
        with self.lock:
            self._nonces.add(nonce)
        return f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", algorithm=MD5'

    def authenticated(self, method: str, header: str) -> bool:
        if not header.startswith("Digest "):
            return False
        fields = _digest_fields(header[7:])
        if fields.get("username") != self.username or fields.get("realm") != REALM:
            return False
        nonce = fields.get("nonce", "")
        with self.lock:
            if nonce not in self._nonces:
                return False
        ha1 = _md5(f"{self.username}:{REALM}:{self.password}")
        ha2 = _md5(f"{method}:{fields.get('uri', '')}")
        if fields.get("qop") == "auth":
            expected = _md5(
                f"{ha1}:{nonce}:{fields.get('nc', '')}:{fields.get('cnonce', '')}:auth:{ha2}"
            )
        else:
            expected = _md5(f"{ha1}:{nonce}:{ha2}")
        return secrets.compare_digest(expected, fields.get("response", ""))


def _in_window(user: dict[str, Any], now: datetime) -> bool:
    valid = user.get("Valid") or {}
    if not valid.get("enable", True):
        return True
    try:
        begin = isapi.parse_local(valid["beginTime"])
        end = isapi.parse_local(valid["endTime"])
    except (KeyError, ValueError):
        return False
    return begin <= now <= end


def _opens_used_up(user: dict[str, Any]) -> bool:
    """A user with ``maxOpenDoorTime`` (a visitor's limited uses) who was let through as often."""
    limit = int(user.get("maxOpenDoorTime") or 0)
    return limit > 0 and int(user.get("openDoorTime") or 0) >= limit


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def _digest_fields(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in _split_commas(text):
        key, sep, value = item.strip().partition("=")
        if sep:
            out[key.strip()] = value.strip().strip('"')
    return out


def _split_commas(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _xml_status(code: int, sub: str, url: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<ResponseStatus version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">'
        f"<requestURL>{url}</requestURL><statusCode>{code}</statusCode>"
        f"<statusString>{isapi.STATUS_STRINGS.get(code, 'Error')}</statusString>"
        f"<subStatusCode>{sub}</subStatusCode></ResponseStatus>"
    )


def _handler(terminal: Terminal) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Each answer leaves in one write, without Nagle's delay (a kept connection would
        # otherwise wait for the client's delayed acknowledgement on every request).
        disable_nagle_algorithm = True
        wbufsize = 1 << 16

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length", 0) or 0)
            body = self.rfile.read(length) if length else b""
            if terminal.offline:
                self.close_connection = True
                self.connection.close()
                return
            if not terminal.authenticated(self.command, self.headers.get("Authorization", "")):
                data = json.dumps(
                    isapi.status_body(isapi.INVALID_OPERATION, "unAuthorized", self.path)
                ).encode()
                self.send_response(401)
                self.send_header("WWW-Authenticate", terminal.challenge())
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                return
            status, answer = terminal.handle(self.command, self.path, self.headers, body)
            if isinstance(answer, str):
                data, kind = answer.encode("utf-8"), "application/xml; charset=UTF-8"
            else:
                data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
                kind = "application/json; charset=UTF-8"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()

        do_GET = _serve
        do_POST = _serve
        do_PUT = _serve
        do_DELETE = _serve

    return Handler
