"""What every guard area's services write with: the audit entry and the notice, and the photos
a patrol scan or an anomaly carries (checked by name and by their first bytes).

Services import it; selectors and views do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import PurePath
from typing import Any

from gatehouse.access.models import Notice
from gatehouse.accounts.actor import Actor
from gatehouse.audit.services import audit_record, snapshot
from gatehouse.core.errors import InvalidInput
from gatehouse.guard.models import Photo
from gatehouse.sites.models import Site

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
PHOTO_SIGNATURES = {
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
}


def write_audit(action: str, obj: Any, actor: Actor, now: datetime, before: Any = None) -> None:
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
    photos: Sequence[Any], *, site: Site, actor: Actor, now: datetime, **owner: Any
) -> list[Photo]:
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput("photo.count", f"最多上传{MAX_PHOTOS}张照片", {"field": "photos"})
    names = [check_photo(p) for p in photos]
    return [
        Photo.objects.create(site=site, file=p, name=n, uploaded_by=actor, uploaded_at=now, **owner)
        for p, n in zip(photos, names, strict=True)
    ]
