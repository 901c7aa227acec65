"""Gatehouse settings: one file, driven by the environment, failing loudly when a key is missing.

A local ``.env`` (made by ``make``; never committed) is read first; real environment variables win.
"""

from __future__ import annotations

import os
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_dotenv(path: Path) -> None:
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip())


_read_dotenv(Path(os.environ.get("GATEHOUSE_ENV_FILE", BASE_DIR / ".env")))


def _require(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set. Run `make env` to write a local .env with fresh keys, "
            "or set it in the environment."
        )
    return value


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _flag(name: str, default: bool = False) -> bool:
    """A switch: 1/true/yes/on or 0/false/no/off (any case); unset or empty is ``default``. Any
    other value stops the start: a typo in GATEHOUSE_SECURE_COOKIES must not quietly mean "off"."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a switch: write 1 or 0 (true/false, yes/no, on/off)."
    )


def _count(name: str, default: int, *, minimum: int = 1) -> int:
    """A whole number of at least ``minimum``; unset or empty is ``default``. Anything else stops
    the start with a message that names the variable."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ImproperlyConfigured(
            f"{name}={os.environ[name]!r} is not a whole number of at least {minimum}."
        )
    return int(value)


SECRET_KEY = _require("GATEHOUSE_SECRET_KEY")
# Fernet keys (comma-separated, newest first) protecting stored ID numbers and phones.
GATEHOUSE_DATA_KEYS = [k.strip() for k in _require("GATEHOUSE_DATA_KEYS").split(",") if k.strip()]
# Key of the keyed hash (HMAC-SHA256) used for exact look-ups of protected values.
GATEHOUSE_LOOKUP_KEY = _require("GATEHOUSE_LOOKUP_KEY")
# Key of the access events' hash chain (HMAC-SHA256, `manage.py verify_events`): keep it, events
# sealed under a lost or changed key can no longer be verified.
GATEHOUSE_EVENT_KEY = _require("GATEHOUSE_EVENT_KEY")
# Ed25519 private key (base64 of its 32-byte seed) signing the snapshots handed to edge agents
# (gatehouse.edge). Optional for a server without edges: the snapshot endpoint refuses to
# start without it, naming this variable. `make env` writes one.
GATEHOUSE_EDGE_SIGNING_KEY = os.environ.get("GATEHOUSE_EDGE_SIGNING_KEY", "").strip()

DEBUG = _flag("GATEHOUSE_DEBUG")
ALLOWED_HOSTS = os.environ.get("GATEHOUSE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("GATEHOUSE_CSRF_ORIGINS", "http://127.0.0.1:8000").split(",") if o
]


def _networks(name: str) -> list[IPv4Network | IPv6Network]:
    """Comma-separated addresses or networks (``10.0.0.5``, ``172.16.0.0/12``); a typo stops the
    start with the variable's name rather than trusting nobody — or everybody — by accident."""
    found = []
    for item in os.environ.get(name, "").split(","):
        if item.strip():
            try:
                found.append(ip_network(item.strip(), strict=False))
            except ValueError:
                raise ImproperlyConfigured(f"{name}: {item.strip()!r} is not an address") from None
    return found


# The reverse proxies (nginx) in front of the server. A request from one of them is taken to come
# from the address it names in X-Forwarded-For (the nearest address it did not add itself); a
# request from anywhere else is its own REMOTE_ADDR and its X-Forwarded-For is ignored. Empty (the
# default): no proxy is trusted. Logins, key throttling and device address lists all use it.
GATEHOUSE_TRUSTED_PROXIES = _networks("GATEHOUSE_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "unfold",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "axes",
    "gatehouse.audit",
    "gatehouse.accounts",
    "gatehouse.sites",
    "gatehouse.people",
    "gatehouse.devices",
    "gatehouse.edge",
    "gatehouse.access",
    "gatehouse.visitors",
    "gatehouse.registers",
    "gatehouse.parking",
    "gatehouse.vehicles",
    "gatehouse.admission",
    "gatehouse.governance",
    "gatehouse.guard",
    "gatehouse.goods",
    "gatehouse.notify",
    "gatehouse.bulletin",
    "gatehouse.epidemic",
    "gatehouse.traffic",
    "gatehouse.repairs",
    "gatehouse.campus",
    "gatehouse.screenings",
    "gatehouse.demo",
    "gatehouse.backup",
    "gatehouse.console",
    "gatehouse.ops",
    "gatehouse.jobs",
]

MIDDLEWARE = [
    # First: /healthz, /readyz and /metrics answered before anything else; request ids, request
    # log lines and the API's latency histogram for the rest (gatehouse.ops).
    "gatehouse.ops.middleware.OpsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gatehouse.console.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # NUL characters → 422, bodies over their limit → 413, before any view or CSRF check reads them.
    "gatehouse.inputguard.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Registers, dashboards and boards read from a replica when there is one (gatehouse.dbrouter).
    "gatehouse.dbrouter.ReplicaReadsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the console's lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gatehouse.urls"
WSGI_APPLICATION = "gatehouse.wsgi.application"
ASGI_APPLICATION = "gatehouse.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gatehouse" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gatehouse.console.context.console",
            ],
        },
    },
]

# Database: embedded SQLite (WAL, busy timeout, immediate transactions) unless DATABASE_URL says
# otherwise, e.g. postgresql://gatehouse:secret@127.0.0.1:5432/gatehouse.
_default_sqlite = BASE_DIR / "var" / "gatehouse.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{_default_sqlite}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
            " PRAGMA foreign_keys=ON;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Bind parameters on the server and let psycopg prepare a statement a connection has run five
    # times (the reads and writes of every gate decision), so the server stops parsing and
    # planning them each time. Behind a transaction-pooling PgBouncer set
    # GATEHOUSE_PG_PREPARE=0 to turn prepared statements off.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["server_side_binding"] = True
    _pg_options["prepare_threshold"] = 5 if _flag("GATEHOUSE_PG_PREPARE", default=True) else None
    # No JIT compilation: this is short statements, and a search over years of monthly
    # partitions looks costly enough to the planner that it compiled its expressions for
    # 180-340 ms to run them in 15 (issue 18 §4). Sent as the connection's startup option; a
    # PgBouncer that refuses startup options gets GATEHOUSE_PG_JIT=1 here and
    # `ALTER DATABASE … SET jit = off` on the server instead.
    if not _flag("GATEHOUSE_PG_JIT", default=False):
        _pg_options["options"] = f"{_pg_options.get('options', '')} -c jit=off".strip()
# PostgreSQL connection pooling in each process (psycopg's pool; Django closes nothing then, so
# CONN_MAX_AGE is 0): GATEHOUSE_PG_POOL=MIN,MAX (e.g. 2,10). Behind PgBouncer in transaction mode
# leave it unset and set GATEHOUSE_PG_PREPARE=0 instead.
_pool = os.environ.get("GATEHOUSE_PG_POOL", "").strip()
if _pool and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    try:
        _min, _max = (int(part) for part in _pool.split(","))
        if not 0 <= _min <= _max or _max < 1:
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            f"GATEHOUSE_PG_POOL={_pool!r} is not MIN,MAX (e.g. 2,10, MIN ≤ MAX)."
        ) from None
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": _min, "max_size": _max, "timeout": 10}

# The gate's decision path keeps the devices it has looked up in memory, per process, on
# PostgreSQL (gatehouse.gate.reads; a registry version checked at the write keeps it exact).
# GATEHOUSE_DEVICE_MEMORY=0 reads each decision's device again (on Citus, docs/citus.md step 6).
GATEHOUSE_DEVICE_MEMORY = _flag("GATEHOUSE_DEVICE_MEMORY", default=True)

# A read replica (a streaming standby of the primary): registers, exports, dashboards and boards
# read from it; the booth, the devices and every write stay on the primary (gatehouse.dbrouter).
# The replica's connection options are the primary's.
GATEHOUSE_REPLICA_URL = os.environ.get("GATEHOUSE_REPLICA_URL", "").strip()
if GATEHOUSE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(GATEHOUSE_REPLICA_URL, conn_max_age=60) | {
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "TEST": {"MIRROR": "default"},
    }
# Reads go to the replica only when it is configured (tests switch it on with the mirror alias).
GATEHOUSE_REPLICA_READS = bool(GATEHOUSE_REPLICA_URL)
# After a person writes something (any POST), their reads stay on the primary this many seconds,
# so the page they are sent to shows what they just wrote even if the replica lags behind.
GATEHOUSE_REPLICA_PIN_SECONDS = _count("GATEHOUSE_REPLICA_PIN_SECONDS", 10, minimum=0)
DATABASE_ROUTERS = ["gatehouse.dbrouter.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Failed logins (console and admin) are counted by django-axes in the database: per account and
# per address, each with its own limit (gatehouse.accounts.lockout.LockoutHandler); while locked
# out even the right password is refused, with the console's page (429) until the cooling-off
# has passed since the last failure. Axes' backend must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
GATEHOUSE_LOGIN_FAILURES_PER_ACCOUNT = _count("GATEHOUSE_LOGIN_FAILURES_PER_ACCOUNT", 5)
GATEHOUSE_LOGIN_FAILURES_PER_ADDRESS = _count("GATEHOUSE_LOGIN_FAILURES_PER_ADDRESS", 20)
AXES_HANDLER = "gatehouse.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = GATEHOUSE_LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = timedelta(minutes=_count("GATEHOUSE_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "gatehouse.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "gatehouse.throttle.client_address"
AXES_VERBOSE = False  # axes' own log lines show the username masked; ours says who and whence
AXES_ENABLE_ADMIN = True
# Failed API keys (bearer tokens, device keys, camera path tokens), per source address and per
# worker process (gatehouse.throttle): this many in the window → 429 for the window.
GATEHOUSE_KEY_FAILURE_LIMIT = _count("GATEHOUSE_KEY_FAILURE_LIMIT", 20)
GATEHOUSE_KEY_FAILURE_WINDOW = _count("GATEHOUSE_KEY_FAILURE_WINDOW", 300)
# Plate cameras (gatehouse.vehicles.cameras): the snapshot pictures kept as evidence for fee
# disputes are purged this many days after the push (`manage.py purge_plate_pictures`).
GATEHOUSE_PLATE_PICTURE_DAYS = _count("GATEHOUSE_PLATE_PICTURE_DAYS", 90)
# Edge agents (gatehouse.edge): a signed snapshot stays usable offline this many seconds after
# it was issued (every delta renews it); past that the edge refuses and raises the alarm.
GATEHOUSE_EDGE_SNAPSHOT_TTL = _count("GATEHOUSE_EDGE_SNAPSHOT_TTL", 72 * 3600)
# ... and a site's records are compared for changes at most every this many seconds, however
# many edges ask (a delta in between is served from the last comparison); 0: on every request.
GATEHOUSE_EDGE_COMPARE_SECONDS = _count("GATEHOUSE_EDGE_COMPARE_SECONDS", 2, minimum=0)
# The monitoring centre is alerted (once per episode, by the device worker's periodic check,
# gatehouse.edge.health) when an edge is silent this many seconds; when, heard from, it holds a
# snapshot older than GATEHOUSE_EDGE_STALE_SECONDS (or none); when more than
# GATEHOUSE_EDGE_BACKLOG entries wait to upload for GATEHOUSE_EDGE_BACKLOG_SECONDS.
GATEHOUSE_EDGE_SILENT_SECONDS = _count("GATEHOUSE_EDGE_SILENT_SECONDS", 300)
GATEHOUSE_EDGE_STALE_SECONDS = _count("GATEHOUSE_EDGE_STALE_SECONDS", 600)
GATEHOUSE_EDGE_BACKLOG = _count("GATEHOUSE_EDGE_BACKLOG", 1000, minimum=0)
GATEHOUSE_EDGE_BACKLOG_SECONDS = _count("GATEHOUSE_EDGE_BACKLOG_SECONDS", 300, minimum=0)
# A camera's comet heartbeat with nothing queued is held this long (ms) before the empty reply,
# the outbox checked every 200 ms meanwhile: the camera re-polls as soon as it is answered
# (manual §2.5.2), so without a hold each camera loops as fast as the server answers. 0: no hold.
GATEHOUSE_CAMERA_POLL_HOLD_MS = _count("GATEHOUSE_CAMERA_POLL_HOLD_MS", 1000, minimum=0)
# Who speaks at a camera's lane: "board" (the RS-485 LED/voice board, serialData frames),
# "camera" (the camera's own voice, playserver_json_request) or "both".
GATEHOUSE_CAMERA_VOICE = os.environ.get("GATEHOUSE_CAMERA_VOICE", "both").strip() or "both"
if GATEHOUSE_CAMERA_VOICE not in {"board", "camera", "both"}:
    raise ImproperlyConfigured(
        f"GATEHOUSE_CAMERA_VOICE={GATEHOUSE_CAMERA_VOICE!r}: write board, camera or both."
    )
# Full ID numbers and phones one user may reveal per hour (counted in the audit trail).
GATEHOUSE_REVEALS_PER_HOUR = _count("GATEHOUSE_REVEALS_PER_HOUR", 20)
# The address people open the console at, put in front of links sent by SMS (issue 16 §4).
GATEHOUSE_PUBLIC_URL = os.environ.get("GATEHOUSE_PUBLIC_URL", "").strip().rstrip("/")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"

# Periodic jobs run as django.tasks tasks stored in the database (gatehouse.jobs): no broker.
TASKS = {"default": {"BACKEND": "gatehouse.jobs.backend.DatabaseBackend"}}
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "gatehouse" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files; GATEHOUSE_MEDIA_ROOT moves them (a data volume, or a restore drill's folder).
MEDIA_ROOT = Path(os.environ.get("GATEHOUSE_MEDIA_ROOT", "").strip() or BASE_DIR / "var" / "media")
# Folder holding pg_dump and pg_restore for `manage.py backup` / `restore` on PostgreSQL; when unset
# they are looked up on PATH, then in /usr/lib/postgresql/<newest>/bin.
GATEHOUSE_PG_BIN_DIR = os.environ.get("GATEHOUSE_PG_BIN_DIR", "").strip()
MEDIA_URL = "/media/"
# A console form's fields (uploaded files not counted: imports and documents have their own limits
# in their forms). The API's bodies are limited in gatehouse.inputguard (413 request.too_large).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
# The device API is never redirected to HTTPS (with GATEHOUSE_SECURE_COOKIES=1 everything else
# is): gates and cameras on the site's LAN post plain HTTP and do not follow a redirect, and the
# fast path (gatehouse.fastpath) answers them without one either.
SECURE_REDIRECT_EXEMPT = [
    r"^api/v1/gate/",
    r"^api/v1/vehicle/decisions$",
    r"^api/v1/cameras/",
    r"^api/v1/device/",
]
SESSION_COOKIE_SECURE = _flag("GATEHOUSE_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
_hsts_preload = _flag("GATEHOUSE_HSTS_PRELOAD")  # read (and checked) with or without HTTPS
if SESSION_COOKIE_SECURE:
    # Served behind an HTTPS proxy that sets X-Forwarded-Proto (and strips it from clients).
    # Browsers are sent to HTTPS and told to stay there for a year, subdomains included; not
    # preloaded (a preload list entry is hard to take back). The device API is exempt from the
    # redirect (SECURE_REDIRECT_EXEMPT above).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload is opt-in: the header alone lets anyone submit the domain to browsers' lists,
    # which would force HTTPS on every subdomain of the customer's domain for months.
    SECURE_HSTS_PRELOAD = _hsts_preload
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "preload not set": deliberate, see above

_log_level = os.environ.get("GATEHOUSE_LOG_LEVEL", "").strip().upper() or "WARNING"
if _log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"GATEHOUSE_LOG_LEVEL={os.environ['GATEHOUSE_LOG_LEVEL']!r} is not a log level: "
        "write DEBUG, INFO, WARNING, ERROR or CRITICAL."
    )
_log_format = os.environ.get("GATEHOUSE_LOG_FORMAT", "").strip().lower() or "text"
if _log_format not in {"json", "text"}:
    raise ImproperlyConfigured(f"GATEHOUSE_LOG_FORMAT={_log_format!r}: write json or text.")
# One line per record on stderr: JSON objects (GATEHOUSE_LOG_FORMAT=json, for a log shipper) or
# plain text (the default, `make demo`); both carry the request id (gatehouse.ops.logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_forbidden": {"()": "gatehouse.logfilters.OneLineForbidden"},
        "request_id": {"()": "gatehouse.ops.logs.RequestIdFilter"},
    },
    "formatters": {
        "json": {"()": "gatehouse.ops.logs.JsonFormatter"},
        "text": {"()": "gatehouse.ops.logs.TextFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": _log_format,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": _log_level},
    # A 403 is one line (path, user id, reason), not a traceback per request.
    "loggers": {"django.request": {"filters": ["one_line_forbidden"]}},
}
# /metrics (gatehouse.ops.endpoints): answered to a direct connection from this machine, or to a
# scraper presenting "Authorization: Bearer <this token>". Empty: local scrapes only.
GATEHOUSE_METRICS_TOKEN = os.environ.get("GATEHOUSE_METRICS_TOKEN", "").strip()
# /readyz fails a worker (device_worker, export_worker) whose heartbeat is older than this.
GATEHOUSE_WORKER_STALE_SECONDS = _count("GATEHOUSE_WORKER_STALE_SECONDS", 60)

UNFOLD = {
    "SITE_TITLE": _("Gatehouse 园区封闭管理"),
    "SITE_HEADER": _("Gatehouse 后台"),
    "SITE_URL": "/",
    "SHOW_LANGUAGES": True,
}
