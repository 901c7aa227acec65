"""Writes for accounts: personal API tokens.

A token is ``gh_`` followed by 43 URL-safe characters (32 random bytes). Only its SHA-256 is
stored, with the first ten characters as a prefix people can recognise in a list; the clear key
is returned once, by :func:`api_token_issue`, and never again.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from gatehouse.accounts.actor import Actor
from gatehouse.accounts.models import ApiToken
from gatehouse.audit.services import audit_record, audited_update, snapshot
from gatehouse.core.text import clean_name
from gatehouse.keys import key_digest, new_key

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TOKEN_SCHEME = "gh_"
# ``last_used_at`` is written at most once in this interval, so reads do not turn into writes.
TOUCH_INTERVAL = timedelta(minutes=1)
_NAME_MAX = 100


def _clean_token_name(raw: str) -> str:
    return clean_name(
        raw,
        limit=_NAME_MAX,
        empty_code="api_token.name_empty",
        empty_message="请填写令牌名称",
        long_code="api_token.name_too_long",
        long_message=f"令牌名称不能超过{_NAME_MAX}个字",
    )


@transaction.atomic
def api_token_issue(
    *, user: User, name: str, actor: Actor, now: datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a token for ``user``; returns the token and its clear key (shown once)."""
    now = now or timezone.now()
    fresh = new_key(TOKEN_SCHEME)
    token = ApiToken.objects.create(
        user=user, name=_clean_token_name(name), prefix=fresh.prefix, key_hash=fresh.digest
    )
    audit_record(action="api_token.issue", obj=token, actor=actor, after=snapshot(token), at=now)
    return token, fresh.key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Actor, now: datetime | None = None) -> ApiToken:
    """Revoke ``token``; it stops working at once. Revoking a revoked token changes nothing."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return token
    audited_update(token, action="api_token.revoke", actor=actor, at=now, revoked_at=now)
    return token


def api_token_authenticate(key: str | None, *, now: datetime | None = None) -> ApiToken | None:
    """The live token for a clear ``key`` (its user loaded), or None.

    The key is looked up by its hash, so no stored secret is compared character by character;
    the final comparison is constant-time as well. Revoked tokens and inactive users fail.
    """
    if not key or not key.startswith(TOKEN_SCHEME) or len(key) > 200:
        return None
    digest = key_digest(key)
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=digest, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, digest):
        return None
    if not token.user.is_active:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_INTERVAL:
        # Usage bookkeeping, not a change of state: not audited.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
