"""Gatehouse settings: one file, driven by the environment, failing loudly when a key is missing.

A local ``.env`` (made by ``make``; never committed) is read first; real environment variables win.
"""

from __future__ import annotations

import os
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


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


SECRET_KEY = _require("GATEHOUSE_SECRET_KEY")
# Fernet keys (comma-separated, newest first) protecting stored ID numbers and phones.
GATEHOUSE_DATA_KEYS = [k.strip() for k in _require("GATEHOUSE_DATA_KEYS").split(",") if k.strip()]
# Key of the keyed hash (HMAC-SHA256) used for exact look-ups of protected values.
GATEHOUSE_LOOKUP_KEY = _require("GATEHOUSE_LOOKUP_KEY")
# Key of the access events' hash chain (HMAC-SHA256, `manage.py verify_events`): keep it, events
# sealed under a lost or changed key can no longer be verified.
GATEHOUSE_EVENT_KEY = _require("GATEHOUSE_EVENT_KEY")

DEBUG = _flag("GATEHOUSE_DEBUG")
ALLOWED_HOSTS = os.environ.get("GATEHOUSE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(
    ","
)
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("GATEHOUSE_CSRF_ORIGINS", "http://127.0.0.1:8000").split(",") if o
]

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
    "gatehouse.audit",
    "gatehouse.accounts",
    "gatehouse.sites",
    "gatehouse.people",
    "gatehouse.devices",
    "gatehouse.access",
    "gatehouse.visitors",
    "gatehouse.registers",
    "gatehouse.parking",
    "gatehouse.vehicles",
    "gatehouse.admission",
    "gatehouse.governance",
    "gatehouse.guard",
    "gatehouse.goods",
    "gatehouse.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gatehouse.console.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "gatehouse" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _flag("GATEHOUSE_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GATEHOUSE_LOG_LEVEL", "WARNING")},
}

UNFOLD = {
    "SITE_TITLE": _("Gatehouse 园区封闭管理"),
    "SITE_HEADER": _("Gatehouse 后台"),
    "SITE_URL": "/",
    "SHOW_LANGUAGES": True,
}
