"""Fixtures of the parking-violation tests: media in a temporary folder, a registered vehicle
of an enterprise, and a violation recorded through the real service. ``NOW`` is
2026-11-24 09:30 Asia/Shanghai (tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import NOW, _user

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64


def photo(name: str = "现场.jpg", content: bytes = JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def patrol_a(site_a):
    return _user("patrol_a", site=site_a, role="patrol")


@pytest.fixture
def company_car(site_a, resident_a):
    from gatehouse.people.models import Enterprise, Vehicle

    firm = Enterprise.objects.create(site=site_a, name="苏州恒达精密机械有限公司")
    return Vehicle.objects.create(
        site=site_a, plate="苏E12345", plate_kind="small", owner=resident_a, enterprise=firm
    )


def record(site, actor, *, at=NOW, **kw):
    from gatehouse.traffic import services

    args = {"plate": "苏E12345", "kind": "others_bay", "place": "3号楼地面车位A-12"} | kw
    return services.violation_record(site=site, actor=actor, now=at, **args)
