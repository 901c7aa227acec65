"""An ISAPI client for one terminal: httpx with digest authentication, short timeouts, and every
failure turned into the outbox's vocabulary (:mod:`gatehouse.devices.outbox`):

- not reached (connection refused, DNS, a timeout while connecting, a wrong login, the terminal
  busy or rebooting: ``statusCode`` 2, 3, 7) → :class:`~gatehouse.devices.outbox.Unreached`,
  retried with back-off;
- sent but the answer lost (a read timeout, the connection dropped after the request went out)
  → :class:`~gatehouse.devices.outbox.Ambiguous`;
- answered with a refusal (``statusCode`` 4, 5, 6, an HTTP 4xx) →
  :class:`~gatehouse.devices.outbox.Refused`.

Bodies and paths are those of :mod:`.isapi` (which names the guide's sections).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from typing import Any

import httpx

from gatehouse.devices.adapters.hikvision import isapi
from gatehouse.devices.outbox import Ambiguous, Refused, Unreached

#: Seconds: connecting to a terminal on the site's LAN is quick or it is not there.
CONNECT_TIMEOUT = 3.0
#: Seconds to wait for an answer (a face upload takes the longest).
READ_TIMEOUT = 10.0
PAGE = 30  # the terminals answer at most 30 people or cards per search page


class IsapiError(Exception):
    """A refusal with its ``ResponseStatus``."""


class Client:
    """One terminal's ISAPI. ``transport`` replaces the network (tests)."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout: float = READ_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.requests = 0  # how many requests this client sent (the bench counts them)
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            auth=httpx.DigestAuth(username, password),
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
            transport=transport,
            headers={"User-Agent": "Gatehouse-ISAPI/1"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the request ------------------------------------------------------------------------

    def call(
        self,
        method: str,
        path: str,
        *,
        body: dict[str, Any] | None = None,
        content: str | None = None,
        files: dict[str, Any] | None = None,
        accept: tuple[str, ...] = (),
    ) -> Any:
        """Send one request; the decoded answer. A ``ResponseStatus`` whose ``subStatusCode`` is
        in ``accept`` is returned, not raised (``employeeNoAlreadyExist`` to the caller that
        then modifies)."""
        self.requests += 1
        kwargs: dict[str, Any] = {}
        if body is not None:
            kwargs["content"] = json.dumps(body, ensure_ascii=False).encode("utf-8")
            kwargs["headers"] = {"Content-Type": "application/json; charset=UTF-8"}
        elif content is not None:
            kwargs["content"] = content.encode("utf-8")
            kwargs["headers"] = {"Content-Type": "application/xml; charset=UTF-8"}
        elif files is not None:
            kwargs["files"] = files
        try:
            response = self._http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise Unreached(f"无法连接终端：{_why(exc)}") from exc
        except (httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError) as exc:
            raise Ambiguous(f"终端未应答（可能已执行）：{_why(exc)}") from exc
        except httpx.HTTPError as exc:
            raise Unreached(f"与终端通信失败：{_why(exc)}") from exc
        return self._answer(response, accept)

    def _answer(self, response: httpx.Response, accept: tuple[str, ...]) -> Any:
        if response.status_code == 401:
            # Wrong user name or password: retried (with back-off) until the admin corrects it;
            # the terminal locks an address out after repeated failures, so never hammered.
            raise Unreached("终端拒绝登录（401），请核对设备登录名和密码")
        text = response.text
        try:
            decoded: Any = response.json()
        except ValueError:
            decoded = text
        status = isapi.response_status(decoded)
        if status is not None and not status.ok:
            if status.sub in accept:
                return decoded
            message = f"终端返回 {status.code}/{status.sub}：{status.text}".strip("：")
            if status.code in isapi.TRANSIENT:
                raise Unreached(message)
            raise Refused(message)
        if response.status_code >= 500:
            raise Unreached(f"终端内部错误（HTTP {response.status_code}）")
        if response.status_code >= 400:
            raise Refused(f"终端拒绝请求（HTTP {response.status_code}）")
        return decoded

    # -- people -----------------------------------------------------------------------------

    def user_put(self, person: isapi.Person) -> None:
        """Add the person, or change them when the terminal already has the number."""
        answer = self.call(
            "POST", isapi.USER_RECORD, body=person.user_info(), accept=("employeeNoAlreadyExist",)
        )
        status = isapi.response_status(answer)
        if status is not None and status.sub == "employeeNoAlreadyExist":
            self.call("PUT", isapi.USER_MODIFY, body=person.user_info())

    def users_delete(self, employee_nos: list[str]) -> None:
        self.call("PUT", isapi.USER_DELETE, body=isapi.user_delete(employee_nos))

    def users(self) -> Iterator[dict[str, Any]]:
        """Every person the terminal holds, page by page."""
        yield from self._search(
            isapi.USER_SEARCH, "UserInfoSearchCond", "UserInfoSearch", "UserInfo"
        )

    # -- cards ------------------------------------------------------------------------------

    def card_put(self, employee_no: str, card_no: str) -> None:
        """Give the person this card; a card held by someone else at the terminal is moved."""
        answer = self.call(
            "POST",
            isapi.CARD_RECORD,
            body=isapi.card_info(employee_no, card_no),
            accept=("cardNoAlreadyExist",),
        )
        status = isapi.response_status(answer)
        if status is not None and status.sub == "cardNoAlreadyExist":
            self.cards_delete([card_no])
            self.call("POST", isapi.CARD_RECORD, body=isapi.card_info(employee_no, card_no))

    def cards_delete(self, card_nos: list[str]) -> None:
        self.call("PUT", isapi.CARD_DELETE, body=isapi.card_delete(card_nos))

    def cards(self, employee_nos: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """Every card the terminal holds (of ``employee_nos`` only, when given)."""
        yield from self._search(
            isapi.CARD_SEARCH, "CardInfoSearchCond", "CardInfoSearch", "CardInfo", employee_nos
        )

    # -- faces ------------------------------------------------------------------------------

    def face_put(self, employee_no: str, picture: bytes) -> None:
        record = json.dumps(isapi.face_record(employee_no))
        self.call(
            "PUT",
            isapi.FACE_SETUP,
            files={
                "FaceDataRecord": (None, record, "application/json"),
                "img": ("face.jpg", picture, "image/jpeg"),
            },
        )

    def faces(self) -> Iterator[str]:
        """The numbers (``FPID``) of every face in the terminal's library, page by page."""
        position = 0
        while True:
            cond = isapi.face_search_cond(position, PAGE)
            try:
                page = isapi.face_page(self.call("POST", isapi.FACE_SEARCH, body=cond))
            except isapi.ProtocolError as exc:
                raise Refused(str(exc)) from exc
            yield from (str(i.get("FPID", "")) for i in page.items if i.get("FPID"))
            position += len(page.items)
            if not page.more or not page.items:
                return

    def face_delete(self, employee_no: str) -> None:
        path = isapi.FACE_DELETE.format(fdid=isapi.FACE_LIB_ID, lib=isapi.FACE_LIB)
        self.call("PUT", path, body=isapi.face_delete(employee_no), accept=("noRecord",))

    # -- door and events --------------------------------------------------------------------

    def door_open(self, door: int = 1) -> None:
        self.call("PUT", isapi.DOOR.format(door=door), content=isapi.DOOR_OPEN_XML)

    def events(self, start: str, end: str) -> Iterator[isapi.AccessEvent]:
        """The terminal's stored access events between two local times (``AcsEvent`` search)."""
        search_id = uuid.uuid4().hex
        position = 0
        while True:
            cond = isapi.acs_event_cond(search_id, position, PAGE, start, end)
            found, more = isapi.parse_acs_events(self.call("POST", isapi.ACS_EVENT, body=cond))
            yield from found
            position += len(found)
            if not more or not found:
                return

    # -- paging -----------------------------------------------------------------------------

    def _search(
        self,
        path: str,
        cond_root: str,
        root: str,
        item: str,
        employee_nos: list[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        search_id = uuid.uuid4().hex
        position = 0
        while True:
            cond = isapi.search_cond(cond_root, search_id, position, PAGE, employee_nos)
            try:
                page = isapi.search_page(self.call("POST", path, body=cond), root, item)
            except isapi.ProtocolError as exc:
                raise Refused(str(exc)) from exc
            yield from page.items
            position += len(page.items)
            if not page.more or not page.items:
                return


def _why(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def decode_face(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise Refused("人脸图片数据损坏") from exc
