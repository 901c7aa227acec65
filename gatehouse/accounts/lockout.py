"""Failed console and admin logins: logged, counted by django-axes, and locked out for a while.

django-axes counts failed logins in the database (``axes.AccessAttempt``), so the count is exact
across workers and survives restarts. Gatehouse asks it for two counts with two limits:

* per account (the user name tried, from any address): ``GATEHOUSE_LOGIN_FAILURES_PER_ACCOUNT``
  (5) — someone guessing one person's password;
* per address (every user name tried from it): ``GATEHOUSE_LOGIN_FAILURES_PER_ADDRESS`` (20) —
  someone trying one password against many accounts.

Either reached, the login is refused for ``AXES_COOLOFF_TIME`` (15 minutes) from the last counted
failure, also when the right password follows, with the console's own page (429). Axes compares
one number with one limit; :class:`LockoutHandler` hands it each count in units of the account
limit, so "the address reached its limit" and "the account reached its limit" are the same test.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

logger = logging.getLogger("gatehouse.auth")


def _limits() -> tuple[int, int]:
    return (
        int(settings.GATEHOUSE_LOGIN_FAILURES_PER_ACCOUNT),
        int(settings.GATEHOUSE_LOGIN_FAILURES_PER_ADDRESS),
    )


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter, and a log line per failure.

    ``AXES_LOCKOUT_PARAMETERS`` is ``["username", "ip_address"]`` and ``AXES_FAILURE_LIMIT`` the
    account limit ``A``; the address count ``n`` (limit ``B``) is reported as ``⌊n·A/B⌋``,
    which reaches ``A`` exactly when ``n`` reaches ``B``.
    """

    def failure_counts(self, request: HttpRequest, credentials: dict | None) -> tuple[int, int]:
        per_account, per_address = (
            int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)
            for attempts in self.get_user_attempts(request, credentials)
        )
        return per_account, per_address

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        per_account, per_address = self.failure_counts(request, credentials)
        account_limit, address_limit = _limits()
        return max(per_account, per_address * account_limit // max(address_limit, 1))

    def user_login_failed(
        self, sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        already_locked = bool(getattr(request, "axes_locked_out", False))
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None:
            return
        username = get_client_username(request, credentials)
        address = request.axes_ip_address  # type: ignore[attr-defined]
        if already_locked:
            logger.warning("login refused (locked out) for user %r from %s", username, address)
            return
        per_account, per_address = self.failure_counts(request, credentials)
        logger.warning(
            "failed login for user %r from %s (%d for the account, %d from the address)%s",
            username,
            address,
            per_account,
            per_address,
            "; locked out" if getattr(request, "axes_locked_out", False) else "",
        )

    def retry_after(self, request: HttpRequest, credentials: dict | None) -> int:
        """Seconds until the lockout of this request ends: the cooling-off from the last
        counted failure of whichever (account or address) reached its limit."""
        cool_off = get_cool_off(request) or timedelta(0)
        ends = []
        for attempts, limit in zip(
            self.get_user_attempts(request, credentials), _limits(), strict=True
        ):
            found = attempts.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
            if (found["n"] or 0) >= limit and found["last"] is not None:
                ends.append(found["last"] + cool_off)
        if not ends:
            return max(1, math.ceil(cool_off.total_seconds()))
        return max(1, math.ceil((max(ends) - timezone.now()).total_seconds()))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """The console's page for a locked-out login (429 Too Many Requests, with Retry-After).

    Only the login pages are replaced: another page that checks a password (the incoming
    guard's signature at the handover) keeps its own answer, "password not accepted".
    """
    from axes.handlers.proxy import AxesProxyHandler

    if original_response is not None and request.path not in {
        reverse("login"),
        reverse("admin:login"),
    }:
        return original_response

    handler = AxesProxyHandler.get_implementation()
    wait = (
        handler.retry_after(request, credentials)
        if isinstance(handler, LockoutHandler)
        else int(settings.AXES_COOLOFF_TIME.total_seconds())
    )
    minutes = max(1, math.ceil(wait / 60))
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response
