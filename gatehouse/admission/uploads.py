"""Uploaded documents: what may be uploaded, and where it is stored.

A document is accepted only when its name ends in a known type *and* its first bytes are that
type's signature (a renamed executable is not a PDF), and it is no larger than
``MAX_UPLOAD_BYTES``. Files are stored under MEDIA_ROOT with a random name (the original name
may carry personal data and is kept in the database only); they are served by views that check
the reader's role at the site, never from a public media URL.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.utils import timezone

from gatehouse.core.errors import InvalidInput

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": _ZIP,
    ".xlsx": _ZIP,
    ".ofd": _ZIP,
    ".doc": _OLE,
    ".xls": _OLE,
}
ACCEPT = ",".join(SIGNATURES)  # for <input type="file" accept=...>
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
}


def extension(name: str) -> str:
    return PurePath(name or "").suffix.lower()


def check_upload(upload: Any, *, field: str) -> str:
    """Validate an uploaded file; return its cleaned original name. Raises InvalidInput."""
    name = PurePath(str(getattr(upload, "name", "") or "")).name[:200]
    ext = extension(name)
    details = {"field": field, "name": name}
    if ext not in SIGNATURES:
        raise InvalidInput(
            "upload.type",
            "文件类型不支持，请上传 PDF、JPG、PNG、OFD、Word 或 Excel 文件",
            details,
        )
    size = int(getattr(upload, "size", 0) or 0)
    if size <= 0:
        raise InvalidInput("upload.empty", "上传的文件是空的", details)
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            "upload.too_large",
            f"文件过大（{size / 1024 / 1024:.1f} MB），单个文件不能超过"
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB",
            details,
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[ext]):
        raise InvalidInput("upload.content", "文件内容与扩展名不符，请上传原始文件", details)
    return name


def content_type_of(name: str) -> str:
    return CONTENT_TYPES.get(extension(name), "application/octet-stream")


def document_path(instance: Any, filename: str) -> str:
    """``<app>/<yyyy>/<mm>/<random>.<ext>``: no personal data in a stored file name."""
    now = timezone.localtime()
    app = instance._meta.app_label
    return f"{app}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{extension(filename)}"
