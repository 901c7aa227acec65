"""What every guard area uses: how a guard is named, the site's guard settings, who is staff,
the audit entry and the monitoring notice a service writes, Shanghai time, the register row
and its stamps, and the photos a patrol scan or an anomaly carries (checked by name and bytes).

Neither a service nor a selector: both import it, it imports neither.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from gatehouse.access.models import Notice
from gatehouse.accounts.models import Membership, Role
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.errors import InvalidInput
from gatehouse.core.text import clean_text
from gatehouse.guard.models import GuardSettings, Photo
from gatehouse.sites.models import Site

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
PHOTO_SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
}
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"


def role_names(*roles: Any) -> tuple[str, ...]:
    """``Role`` (or ``NoticeAudience``) members as what they are, ``str``: the type checker, which
    reads Django without its stubs, takes a choices member for its ``(value, label)`` tuple."""
    return roles


GUARD_ROLES = role_names(Role.GUARD, Role.PATROL, Role.MONITORING, Role.SECURITY_MANAGER)


def guard_name(user: Any) -> str:
    """How the core, the registers and the ledger name a guard."""
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:60]


def items(values: Iterable[str] | str | None, limit: int = 100) -> tuple[str, ...]:
    """A list of matters / keys / equipment: one per line, blanks and repeats dropped."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = values.splitlines()
    return tuple(dict.fromkeys(c for c in (clean_text(v, limit) for v in values) if c))


def write_audit(action: str, obj: Any, actor: Any, now: datetime, before: Any = None) -> None:
    audit_record(action=action, obj=obj, actor=actor, before=before, after=snapshot(obj), at=now)


def write_notice(
    site: Site, audience: Any, kind: str, message: str, ref: str, now: datetime
) -> Notice:
    """A notice to ``audience`` (a ``NoticeAudience``) about ``ref``."""
    return Notice.objects.create(
        site=site,
        audience=audience,
        kind=kind,
        message=message[:300],
        object_ref=ref[:60],
        created_at=now,
    )


def settings_for(site: Site) -> GuardSettings:
    """The site's guard settings, or the defaults (unsaved) when none were set."""
    found = GuardSettings.objects.filter(site=site).first()
    return found if found is not None else GuardSettings(site=site)


def is_member(user: Any, site: Site, roles: Sequence[str] = GUARD_ROLES) -> bool:
    return Membership.objects.filter(user=user, site=site, role__in=list(roles)).exists()


def local_time(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def check_photo(upload: Any) -> str:
    """Validate a photo: JPEG, PNG or WebP by name *and* by its first bytes, not empty, not too
    large. Returns the cleaned original name; raises ``InvalidInput``."""
    name = PurePath(str(getattr(upload, "name", "") or "")).name[:200]
    ext = PurePath(name).suffix.lower()
    details = {"field": "photos", "name": name}
    if ext not in PHOTO_SIGNATURES:
        raise InvalidInput("photo.type", "照片只能是 JPG、PNG 或 WebP 格式", details)
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise InvalidInput("photo.empty", "上传的照片是空的", details)
    if size > MAX_PHOTO_BYTES:
        raise InvalidInput(
            "photo.too_large", f"照片不能超过{MAX_PHOTO_BYTES // 1024 // 1024} MB", details
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in PHOTO_SIGNATURES[ext]) or (
        ext == ".webp" and head[8:12] != b"WEBP"
    ):
        raise InvalidInput("photo.content", "照片内容与格式不符，请重新拍摄", details)
    return name


def save_photos(
    photos: Sequence[Any], *, site: Site, actor: Any, now: datetime, **owner: Any
) -> list[Photo]:
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("photo.count", f"最多上传{MAX_PHOTOS}张照片", {"field": "photos"})
    names = [check_photo(p) for p in photos]
    return [
        Photo.objects.create(site=site, file=p, name=n, uploaded_by=actor, uploaded_at=now, **owner)
        for p, n in zip(photos, names, strict=True)
    ]


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    css: str = ""
    obj: Any = None


def local(dt: datetime | None) -> datetime | None:
    return dt.astimezone(SHANGHAI) if dt is not None else None


def stamp(dt: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    when = local(dt)
    return when.strftime(fmt) if when is not None else "—"


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SHANGHAI)


def date_window(qs: QuerySet, name: str, date_from: date | None, date_to: date | None) -> QuerySet:
    if date_from is not None:
        qs = qs.filter(**{f"{name}__gte": day_start(date_from)})
    if date_to is not None:
        qs = qs.filter(**{f"{name}__lt": day_start(date_to + timedelta(days=1))})
    return qs


def staff_of(site: Site, roles: Sequence[str] = GUARD_ROLES) -> QuerySet[Any]:
    """The active users holding one of ``roles`` at ``site``, by name."""
    return (
        get_user_model()
        .objects.filter(memberships__site=site, memberships__role__in=list(roles), is_active=True)
        .distinct()
        .order_by("username")
    )


def staff_member(site: Site, pk: Any) -> Any:
    """One of the site's guard staff by primary key, or None."""
    return staff_of(site).filter(pk=pk).first()


def photo_of(site: Site, pk: Any) -> Photo | None:
    return Photo.objects.filter(site=site, pk=pk).first()
