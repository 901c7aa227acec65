"""Print the public key edge agents verify snapshots with (``--public-key`` of gatehouse-edge)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gatehouse.edge.services import public_key


class Command(BaseCommand):
    help = "边缘网关用于校验名单签名的公钥（Base64）"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(public_key())
