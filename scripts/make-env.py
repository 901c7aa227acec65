"""Write a local .env with fresh random keys if it does not exist yet (never committed); to an
existing one, add only the keys it lacks (a key added by a later version), keeping the others."""

import base64
import os
import re
import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
keys = {
    "GATEHOUSE_SECRET_KEY": lambda: secrets.token_urlsafe(48),
    "GATEHOUSE_DATA_KEYS": lambda: base64.urlsafe_b64encode(os.urandom(32)).decode(),
    "GATEHOUSE_LOOKUP_KEY": lambda: secrets.token_urlsafe(32),
    "GATEHOUSE_EVENT_KEY": lambda: secrets.token_urlsafe(32),
    # Ed25519 seed signing edge snapshots (gatehouse.edge); edges verify with its public key.
    "GATEHOUSE_EDGE_SIGNING_KEY": lambda: base64.b64encode(os.urandom(32)).decode(),
}
if path.exists():
    text = path.read_text(encoding="utf-8")
    have = set(re.findall(r"^\s*([A-Z_]+)\s*=", text, flags=re.MULTILINE))
    missing = [name for name in keys if name not in have]
    if not missing:
        sys.exit(0)
    extra = "".join(f"{name}={keys[name]()}\n" for name in missing)
    path.write_text(text + ("" if text.endswith("\n") or not text else "\n") + extra, "utf-8")
    print(f"added {', '.join(missing)} to {path}")
    sys.exit(0)
lines = [
    "# Local keys for Gatehouse, made by `make`. Keep them: the data keys decrypt ID numbers,",
    "# the event key verifies the access log.",
    *(f"{name}={make()}" for name, make in keys.items()),
    "",
]
path.write_text("\n".join(lines), encoding="utf-8")
path.chmod(0o600)
print(f"wrote {path} with new random keys")
