"""Fixtures of the repair tests: media in a temporary folder, a maintenance worker at site A, and
orders filed through the real service by 张伟 (resident of 3-2-1201). ``NOW`` is 2026-11-24 09:30
Asia/Shanghai (tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import NOW, _user

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 64


def photo(name: str = "漏水.jpg", content: bytes = JPEG) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def worker_a(site_a):
    user = _user("worker_a", site=site_a, role="maintenance")
    user.first_name = "刘师傅"
    user.save()
    return user


@pytest.fixture
def worker_2(site_a):
    return _user("worker_2", site=site_a, role="maintenance")


def file_order(resident, user, *, at=NOW, **kw):
    from gatehouse.repairs import services

    args = {
        "house": resident.house_links.get().house_id,
        "category": "water",
        "description": "厨房水龙头关不紧，一直滴水",
    } | kw
    return services.repair_file(resident=resident, actor=user, now=at, **args)
