"""Write a local .env with fresh random keys if it does not exist yet (never committed)."""

import base64
import os
import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
if path.exists():
    sys.exit(0)
lines = [
    "# Local keys for Gatehouse, made by `make`. Keep them: the data keys decrypt ID numbers.",
    f"GATEHOUSE_SECRET_KEY={secrets.token_urlsafe(48)}",
    f"GATEHOUSE_DATA_KEYS={base64.urlsafe_b64encode(os.urandom(32)).decode()}",
    f"GATEHOUSE_LOOKUP_KEY={secrets.token_urlsafe(32)}",
    "",
]
path.write_text("\n".join(lines), encoding="utf-8")
path.chmod(0o600)
print(f"wrote {path} with new random keys")
