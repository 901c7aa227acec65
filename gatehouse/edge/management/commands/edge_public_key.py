"""Print the public key edge agents verify snapshots with (``--public-key`` of gatehouse-edge).

``--new`` makes a fresh signing key for a rotation instead: its seed (for the server's
``GATEHOUSE_EDGE_SIGNING_KEY``, once every edge trusts it) and its public key (to add to each
edge's ``--public-key`` first). docs/edge.md, "Rotating the signing key", has the steps.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gatehouse.core import signed
from gatehouse.edge.services import public_key


class Command(BaseCommand):
    help = "边缘网关用于校验名单签名的公钥（Base64）；--new 生成轮换用的新签名密钥"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--new", action="store_true", help="make a new signing key for a rotation"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["new"]:
            self.stdout.write(public_key())
            return
        seed = base64.b64encode(os.urandom(32)).decode("ascii")
        public = signed.public_key_b64(signed.private_key(seed))
        self.stdout.write(f"GATEHOUSE_EDGE_SIGNING_KEY={seed}")
        self.stdout.write(f"public key (add to every edge's --public-key first): {public}")
        self.stdout.write(f"key id: {signed.key_id(public)}")
