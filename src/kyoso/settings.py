"""Kyoso settings, read from the environment with safe defaults for the embedded (SQLite) mode.

Production is selected with ``KYOSO_ENV=production``; it refuses to start with the development
secret key or with ``DEBUG`` on, and turns on every protection ``check --deploy`` asks for.
"""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("KYOSO_VAR_DIR", PROJECT_DIR / "var"))

DEV_SECRET_KEY = "kyoso-development-key-not-for-production"  # noqa: S105 - refused in production


def env_bool(name: str, default: bool) -> bool:
    """Return the boolean value of an environment variable (1/true/yes/on)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Return a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


KYOSO_ENV = os.environ.get("KYOSO_ENV", "development")
PRODUCTION = KYOSO_ENV == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

if PRODUCTION:
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters in production."
        )
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "kyoso.core",
    "kyoso.vision",
    "kyoso.evaluation",
    "kyoso.voice",
    "kyoso.commons",
    "kyoso.mobility",
    "kyoso.green",
    "kyoso.health",
    "kyoso.datahub",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After OTP and messages: privileged accounts go no further without their second step.
    "kyoso.core.middleware.SecondStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After sign-in and language, so a person sending a NUL gets a page in their language.
    "kyoso.core.middleware.RejectNulMiddleware",
    "kyoso.core.middleware.CityMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "kyoso.urls"
WSGI_APPLICATION = "kyoso.wsgi.application"
ASGI_APPLICATION = "kyoso.asgi.application"

_ninja_spec = find_spec("ninja")
if _ninja_spec is None or _ninja_spec.origin is None:
    raise ImproperlyConfigured("django-ninja is not installed")
NINJA_DIR = Path(_ninja_spec.origin).parent

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Swagger UI comes from ninja's own templates and static files, never a CDN. They are
        # found by path, not by listing ninja as an app, so start-up does not import ninja.
        "DIRS": [NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kyoso.core.context_processors.kyoso",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kyoso.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the embedded database.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "kyoso.core.auth_backends.EmailBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Password guessing is slowed by growing delays (kyoso.core.sign_in_throttle), not a hard lock
# (django-axes is no longer used). X-Forwarded-For is believed only from these proxy addresses
# (the TLS-terminating proxy in front of `kyoso serve`).
KYOSO_TRUSTED_PROXIES = env_list("KYOSO_TRUSTED_PROXIES", "")
# Roles whose holders must sign in with a second step (TOTP); platform operators always must.
KYOSO_SECOND_STEP_ROLES = env_list("KYOSO_SECOND_STEP_ROLES", "staff,admin,clinic,moderator")

OTP_TOTP_ISSUER = "Kyoso"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS: list[Path] = []  # each app keeps its own catalogue in <app>/locale/
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tokyo"
# Years and ids must not get separators; templates use |intcomma for quantities instead.
USE_THOUSAND_SEPARATOR = False
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
FORMAT_MODULE_PATH = ["kyoso.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [NINJA_DIR / "static"]  # ninja/swagger-ui-bundle.js and friends
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Without DEBUG (production and the demo) static files are collected with content hashes in their
# names and pre-compressed (gzip and Brotli); WhiteNoise then serves the hashed names with a
# one-year max-age, and the few unhashed ones (favicon.ico) with a short one.
STATIC_MANIFEST = not DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_MAX_AGE = 0 if DEBUG else int(os.environ.get("KYOSO_STATIC_MAX_AGE", str(60 * 60 * 24)))
WHITENOISE_ROOT = BASE_DIR / "core" / "static_root"  # favicon.ico and robots.txt at /
# STATIC_ROOT (and the SQLite folder) are made by CoreConfig.ready(): importing settings makes
# no directory (tests/core/test_startup.py).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# Points ledger: committed transfers are sealed into the hash chain at most every
# LEDGER_SEAL_EVERY seconds (per process, and by the worker); `kyoso ledger verify` fails when an
# entry has waited longer than LEDGER_SEAL_BOUND seconds.
LEDGER_SEAL_EVERY = float(os.environ.get("KYOSO_LEDGER_SEAL_EVERY", "1"))
LEDGER_SEAL_BOUND = float(os.environ.get("KYOSO_LEDGER_SEAL_BOUND", "60"))
# A GTFS zip may unpack to this much (all files together); a zip bomb stops at the limit.
KYOSO_GTFS_MAX_UNPACKED_MB = int(os.environ.get("KYOSO_GTFS_MAX_UNPACKED_MB", "1024"))
KYOSO_MAX_UPLOAD_BYTES = int(os.environ.get("KYOSO_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))

# Secret ballots: the Ed25519 key that signs board heads and receipts lives in this file (or in
# KYOSO_BOARD_SIGNING_KEY as 64 hex digits), never in the database; sealed batches of at least
# KYOSO_BALLOT_BATCH ballots go onto the board in a random order.
KYOSO_BOARD_SIGNING_KEY = os.environ.get("KYOSO_BOARD_SIGNING_KEY", "")
KYOSO_BOARD_SIGNING_KEY_FILE = Path(
    os.environ.get("KYOSO_BOARD_SIGNING_KEY_FILE", VAR_DIR / "secrets" / "board-signing.key")
)
KYOSO_BALLOT_BATCH = int(os.environ.get("KYOSO_BALLOT_BATCH", "10"))

# The base map's tiles (a URL template). In production the default is the Geospatial
# Information Authority of Japan's standard map (地理院タイル) with the attribution its terms
# require; KYOSO_TILE_URL replaces it, and KYOSO_TILE_URL=none (or empty, the default outside
# production: the demo and tests) draws the city's own offline vector base instead.
GSI_TILE_URL = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
GSI_TILE_ATTRIBUTION = (
    '<a href="https://maps.gsi.go.jp/development/ichiran.html">出典：国土地理院</a>'
)
KYOSO_TILE_URL = os.environ.get("KYOSO_TILE_URL", GSI_TILE_URL if PRODUCTION else "")
if KYOSO_TILE_URL.strip().lower() in {"", "none", "off"}:
    KYOSO_TILE_URL = ""
KYOSO_TILE_ATTRIBUTION = os.environ.get(
    "KYOSO_TILE_ATTRIBUTION", GSI_TILE_ATTRIBUTION if KYOSO_TILE_URL == GSI_TILE_URL else ""
)

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
# Where people reach this site; starts the links in e-mails sent outside a request.
KYOSO_SITE_URL = os.environ.get("KYOSO_SITE_URL", "http://127.0.0.1:8000/")
# Sign-ups allowed from one address in an hour (then 429 until the hour has passed).
KYOSO_SIGNUPS_PER_ADDRESS_HOUR = int(os.environ.get("KYOSO_SIGNUPS_PER_ADDRESS_HOUR", "5"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kyoso <no-reply@kyoso.localhost>")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("KYOSO_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kyoso",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

NINJA_PAGINATION_PER_PAGE = 50

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy: scripts, styles, fonts and data only from Kyoso itself, no inline
# script anywhere. Style *attributes* stay allowed: a few templates size bars with them and the
# vendored map and chart libraries set them; they cannot run code.
_TILE_ORIGIN = "/".join(KYOSO_TILE_URL.split("/")[:3]) if "://" in KYOSO_TILE_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", *([_TILE_ORIGIN] if _TILE_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'", "data:"],  # maps read inline GeoJSON through fetch()
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}

# Optional OpenAI-compatible endpoint for summaries; without it Kyoso summarises extractively.
KYOSO_LLM_BASE_URL = os.environ.get("KYOSO_LLM_BASE_URL", "")
KYOSO_LLM_API_KEY = os.environ.get("KYOSO_LLM_API_KEY", "")
KYOSO_LLM_MODEL = os.environ.get("KYOSO_LLM_MODEL", "")

# Health records: payloads are encrypted with these Fernet keys (newest first; rotate by putting
# a new key first and running `kyoso health-rotate-keys`), kept outside the database. In
# development they are derived from SECRET_KEY. In production `migrate`, `check` and `kyoso serve`
# refuse to run without them (health.E001) and nothing reads or writes health data; commands that
# never touch it, such as `collectstatic`, do not need them.
KYOSO_HEALTH_KEYS = env_list("KYOSO_HEALTH_KEYS", "")
KYOSO_HEALTH_INDEX_KEY = os.environ.get("KYOSO_HEALTH_INDEX_KEY", "")
# STUN/TURN servers for online visits, as JSON RTCIceServer list; empty: peers on one network.
KYOSO_ICE_SERVERS = os.environ.get("KYOSO_ICE_SERVERS", "[]")
