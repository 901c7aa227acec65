"""Failed API keys, counted per source address: after too many, the address is told to wait.

A bearer token (``gh_…``), a device key (``gd_…``) or a camera's path token that does not
authenticate is logged — the source address, the kind and at most the first characters of what
was presented, never the whole of it — and counted against the address it came from. After
``GATEHOUSE_KEY_FAILURE_LIMIT`` failures within ``GATEHOUSE_KEY_FAILURE_WINDOW`` seconds the
address is refused for that many seconds, with 429 ``auth.throttled`` and ``Retry-After``, even
when it then presents a valid key: guessing keys stops paying.

The counters live in this process (a dict per worker), deliberately: the gate's hot path asks
:meth:`KeyThrottle.retry_after` on every device request, and that must cost one dict look-up —
no cache round trip, no database query. So with ``W`` workers an address may try up to ``W``
times the limit before every worker refuses it, and a restart forgets the counts: the limit
bounds guessing to a rate, it is not an exact count (console logins, by contrast, are counted in
the database by django-axes). The clock is :func:`time.monotonic`, so stepping the wall clock
neither lifts nor extends a block.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import HttpError

logger = logging.getLogger("gatehouse.auth")

# How many characters of a presented key the log may show: the scheme and a few characters,
# fewer than the ``key_prefix`` the admin lists (ten), never enough to matter.
SHOWN = 6
# Addresses remembered at most; beyond it expired entries are dropped (a flood of addresses
# cannot grow the dict without bound).
MAX_ADDRESSES = 10_000

THROTTLED_CODE = "auth.throttled"
THROTTLED_MESSAGE = "密钥验证失败次数过多，请稍后再试"


class KeyThrottled(HttpError):
    """The caller's address is cooling off after too many failed keys (429)."""

    code = THROTTLED_CODE
    zh_message = THROTTLED_MESSAGE

    def __init__(self, retry_after: int) -> None:
        super().__init__(429, "Too many failed keys")
        self.retry_after = retry_after


def shown(key: str | None) -> str:
    """What the log may say of a presented key: its first :data:`SHOWN` characters."""
    if not key:
        return "-"
    return key[:SHOWN] + "…"


class KeyThrottle:
    """Failures per address in a fixed window; a block for one window once the limit is hit."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        # address → (window start, failures in it)
        self._failures: dict[str, tuple[float, int]] = {}
        # address → monotonic time its block ends
        self._blocked: dict[str, float] = {}

    @staticmethod
    def limit() -> int:
        return int(settings.GATEHOUSE_KEY_FAILURE_LIMIT)

    @staticmethod
    def window() -> float:
        return float(settings.GATEHOUSE_KEY_FAILURE_WINDOW)

    def retry_after(self, address: str | None) -> int | None:
        """Seconds ``address`` must still wait, or None: the hot path, one dict look-up."""
        until = self._blocked.get(address or "")
        if until is None:
            return None
        remaining = until - self.clock()
        if remaining <= 0:
            self._blocked.pop(address or "", None)
            return None
        return max(1, math.ceil(remaining))

    def check(self, request: HttpRequest) -> None:
        """Raise :class:`KeyThrottled` if the request's address is cooling off."""
        wait = self.retry_after(client_address(request))
        if wait is not None:
            raise KeyThrottled(wait)

    def fail(self, address: str | None, *, kind: str, presented: str | None) -> None:
        """Log one failed key from ``address`` and count it."""
        address = address or ""
        now = self.clock()
        window, limit = self.window(), self.limit()
        with self._lock:
            start, count = self._failures.get(address, (now, 0))
            if now - start >= window:
                start, count = now, 0
            count += 1
            self._failures[address] = (start, count)
            current = self._blocked.get(address)
            blocked = count >= limit and (current is None or current <= now)
            if blocked:
                self._blocked[address] = now + window
                del self._failures[address]
            if len(self._failures) > MAX_ADDRESSES:
                self._forget(now, window)
        logger.warning(
            "failed %s from %s (key %s), %d in this window",
            kind,
            address or "-",
            shown(presented),
            count,
        )
        if blocked:
            logger.warning(
                "address %s refused for %d s after %d failed keys", address, window, count
            )

    def _forget(self, now: float, window: float) -> None:
        for address, (start, _) in list(self._failures.items()):
            if now - start >= window:
                del self._failures[address]
        for address, until in list(self._blocked.items()):
            if until <= now:
                del self._blocked[address]
        if len(self._failures) > MAX_ADDRESSES:
            self._failures.clear()

    def reset(self) -> None:
        """Forget every count and block (tests; an operator's shell)."""
        with self._lock:
            self._failures.clear()
            self._blocked.clear()


def client_address(request: HttpRequest) -> str:
    """The address a request came from (see :func:`address_of`)."""
    return address_of(request.META)


def address_of(meta: Mapping[str, Any]) -> str:
    """The client's address: ``REMOTE_ADDR``, unless that is one of the trusted proxies
    (``GATEHOUSE_TRUSTED_PROXIES``); then the nearest address in ``X-Forwarded-For`` that is not a
    trusted proxy itself. A client can write anything at the left of the header, so it is read
    from the right and only as far as the trusted hops go; a malformed entry ends the walk at the
    last address a trusted hop vouched for."""
    remote = str(meta.get("REMOTE_ADDR") or "")
    proxies = settings.GATEHOUSE_TRUSTED_PROXIES
    if not proxies or not _trusted(remote, proxies):
        return remote
    address = remote
    for hop in reversed(str(meta.get("HTTP_X_FORWARDED_FOR") or "").split(",")):
        try:
            ip = ip_address(hop.strip())
        except ValueError:
            break
        address = str(ip)
        if not any(ip in net for net in proxies):
            break
    return address


def _trusted(remote: str, proxies: list[IPv4Network | IPv6Network]) -> bool:
    try:
        ip = ip_address(remote)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


key_throttle = KeyThrottle()
