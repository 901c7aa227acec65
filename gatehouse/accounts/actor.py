"""Who did it: the one way a service names the person behind a write.

A service takes ``actor: Actor``: the signed-in user, or ``None`` when nobody is (a daily job, a
device, the demo loader before its superuser exists). What it stores in an ``…_by`` column or an
audit row goes through :func:`actor_or_none`, so an anonymous user handed on by a view is stored
as nobody rather than failing the write. :func:`actor_name` is how registers and receipts print
that person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:  # the project's user model is Django's own (no AUTH_USER_MODEL)
    from django.contrib.auth.models import AnonymousUser, User

type Actor = User | None
type RequestUser = User | AnonymousUser  # what ``request.user`` holds


def signed_in(user: object) -> TypeGuard[User]:
    """Whether ``user`` is a signed-in user (not None, not an AnonymousUser)."""
    return bool(getattr(user, "is_authenticated", False))


def actor_or_none(user: RequestUser | None) -> Actor:
    """The user if signed in, else None (``request.user`` of a visitor is an AnonymousUser)."""
    return user if signed_in(user) else None


def actor_name(user: Actor, default: str = "") -> str:
    """Full name, else the login name; ``default`` for nobody."""
    if user is None:
        return default
    return user.get_full_name() or user.get_username()
