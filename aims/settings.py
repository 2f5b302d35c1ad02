"""Settings, all read from the environment (12-factor).

Every value is parsed strictly: a malformed value stops start-up with the variable named.
A secret may come from ``NAME`` or from a file named by ``NAME_FILE`` (Docker/K8s secrets).
There is no separate production settings module: the same code runs everywhere, and the
environment decides. With nothing set but ``DEBUG=1`` (as ``make run`` does), the embedded
default runs: SQLite under ``var/``, a Celery broker on kombu's filesystem transport,
e-mail to the console, a signing key generated into ``var/``. With ``DEBUG`` off,
``SECRET_KEY`` is required.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def _from_env_or_file(name: str, default: str | None = None) -> str | None:
    """Return ``name`` from the environment, or the content of the file named by ``name_FILE``."""
    file_var = f"{name}_FILE"
    if os.environ.get(file_var):
        path = Path(os.environ[file_var])
        try:
            return path.read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{file_var}={path} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def _parse(name: str, cast, default):
    try:
        return cast(name, default=default)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{name} has an invalid value: {exc}") from exc


VAR_DIR = Path(_parse("AIMS_VAR_DIR", env.str, str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _parse("DEBUG", env.bool, False)


def _secret_key() -> str:
    key = _from_env_or_file("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        # Production never makes up its own key: each container would sign with another.
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: with DEBUG off, set SECRET_KEY or SECRET_KEY_FILE "
            "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'). "
            "For development, DEBUG=1 keeps a generated key in AIMS_VAR_DIR (as make run does)."
        )
    # Development (make run sets DEBUG=1) keeps a generated key so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _changelog_keys() -> list[tuple[str, bytes]]:
    """``CHANGELOG_KEYS``: ``id:base64key`` items separated by commas or new lines; the first
    signs new change-log rows, the others only verify older rows (rotation). Unset: the change
    log is keyed with a key derived from ``SECRET_KEY`` (see ``aims.core.integrity``)."""
    raw = _from_env_or_file("CHANGELOG_KEYS") or ""
    keys: list[tuple[str, bytes]] = []
    for item in re.split(r"[,\s]+", raw.strip()):
        if not item:
            continue
        key_id, sep, encoded = item.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9._-]{1,32}", key_id):
            raise ImproperlyConfigured(
                "CHANGELOG_KEYS: each item is id:base64key, the id 1-32 of A-Z a-z 0-9 . _ -"
            )
        if key_id.startswith("sk-"):
            raise ImproperlyConfigured(
                f"CHANGELOG_KEYS: the id {key_id!r} is reserved (sk- names keys derived from "
                "SECRET_KEY)"
            )
        try:
            key = base64.b64decode(encoded.replace("-", "+").replace("_", "/"), validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(
                f"CHANGELOG_KEYS: the key of {key_id!r} is not valid base64"
            ) from None
        if len(key) < 32:
            raise ImproperlyConfigured(
                f"CHANGELOG_KEYS: the key of {key_id!r} has {len(key)} bytes; use at least 32"
            )
        if any(key_id == known for known, _ in keys):
            raise ImproperlyConfigured(f"CHANGELOG_KEYS: the id {key_id!r} appears twice")
        keys.append((key_id, key))
    return keys


# The change log's anchors outside the database (docs/operations.md, "Change log integrity").
CHANGELOG_KEYS = _changelog_keys()
CHANGELOG_CHECKPOINT_DIR = Path(
    _parse("CHANGELOG_CHECKPOINT_DIR", env.str, str(VAR_DIR / "changelog-checkpoints"))
)
ALLOWED_HOSTS = _parse("ALLOWED_HOSTS", env.list, ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = _parse("CSRF_TRUSTED_ORIGINS", env.list, [])
SITE_URL = _parse("SITE_URL", env.str, "http://localhost:8000")

INSTALLED_APPS = [
    "aims.core.admin_config.AimsAdminConfig",  # django.contrib.admin behind the sign-in door
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from static files, not a CDN
    "csp",
    "guardian",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "aims.core",
    "aims.organizations",
    "aims.inventory",
    "aims.evidence",
    "aims.reports",
    "aims.api",
    "controls",
    "policies",
    "risks",
    "engagements",
    "readiness",
    "packs",
    "impact_assessments",
    "audits",
    "reminders",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "aims.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records every page, download and API call of an auditor (after it is answered).
    "engagements.middleware.AuditorAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "aims.core.middleware.ChangeContextMiddleware",
    "aims.core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "aims.urls"
WSGI_APPLICATION = "aims.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aims.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = _from_env_or_file("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'aims.sqlite3'}"
try:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
except Exception as exc:  # environ raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = _parse("DATABASE_CONN_MAX_AGE", env.int, 60)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web and worker share the file: wait for a lock rather than failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file, not memory, so a worker process in the tests sees the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery --------------------------------------------------------------
# Time limits and the visibility timeout are chosen together ("When Redis or a worker goes
# away" in docs/operations.md): soft limit < hard limit < visibility timeout.
CELERY_TASK_SOFT_TIME_LIMIT = _parse("CELERY_TASK_SOFT_TIME_LIMIT", env.int, 5 * 60)
CELERY_TASK_TIME_LIMIT = _parse("CELERY_TASK_TIME_LIMIT", env.int, 6 * 60)
CELERY_VISIBILITY_TIMEOUT = _parse("CELERY_VISIBILITY_TIMEOUT", env.int, 15 * 60)
if not 0 < CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "CELERY_TASK_SOFT_TIME_LIMIT < CELERY_TASK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT "
        f"must hold (got {CELERY_TASK_SOFT_TIME_LIMIT}, {CELERY_TASK_TIME_LIMIT}, "
        f"{CELERY_VISIBILITY_TIMEOUT}): a job still running must not be delivered again"
    )
# Evidence packs read every register and render a long PDF: their task has limits of its own,
# kept below the visibility timeout like the others (a running pack is never delivered twice).
AIMS_PACK_SOFT_TIME_LIMIT = _parse("AIMS_PACK_SOFT_TIME_LIMIT", env.int, 10 * 60)
AIMS_PACK_TIME_LIMIT = _parse("AIMS_PACK_TIME_LIMIT", env.int, 12 * 60)
if not 0 < AIMS_PACK_SOFT_TIME_LIMIT < AIMS_PACK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "AIMS_PACK_SOFT_TIME_LIMIT < AIMS_PACK_TIME_LIMIT < CELERY_VISIBILITY_TIMEOUT must hold "
        f"(got {AIMS_PACK_SOFT_TIME_LIMIT}, {AIMS_PACK_TIME_LIMIT}, {CELERY_VISIBILITY_TIMEOUT})"
    )
# A running job's worker writes a heartbeat this often; a job without one for
# AIMS_JOB_STALE_SECONDS is taken as abandoned by a dead worker (queued again once, then failed).
AIMS_JOB_HEARTBEAT_SECONDS = 30
AIMS_JOB_STALE_SECONDS = _parse("AIMS_JOB_STALE_SECONDS", env.int, 3 * 60)
if AIMS_JOB_STALE_SECONDS < 3 * AIMS_JOB_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        f"AIMS_JOB_STALE_SECONDS must be at least {3 * AIMS_JOB_HEARTBEAT_SECONDS} "
        "(three missed heartbeats)"
    )
# A reminder e-mail claimed by a worker and not marked sent after this long was abandoned
# (its worker died mid-send): it is sent again (reminders.services).
AIMS_REMINDER_EMAIL_LEASE_SECONDS = _parse("AIMS_REMINDER_EMAIL_LEASE_SECONDS", env.int, 10 * 60)
REDIS_URL = _from_env_or_file("REDIS_URL") or ""
if REDIS_URL:
    CACHES = {
        # Fails open to this process's memory while Redis is unreachable (aims/core/cache.py).
        "default": {"BACKEND": "aims.core.cache.FailOpenRedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        # A message taken by a worker that died comes back after this many seconds; it must
        # outlast the hard time limit, or a job still running would be delivered twice.
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # A Redis that is down or unreachable fails a publish in seconds, not minutes.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    _control_dir.mkdir(parents=True, exist_ok=True)
    _queue_dir.mkdir(parents=True, exist_ok=True)
    _processed_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "store_processed": False,
        "control_folder": str(_control_dir),
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # outcomes live in the Job table, not a result backend
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = _parse("CELERY_TASK_ALWAYS_EAGER", env.bool, False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly when the broker is unreachable (the job then waits, see
# aims.core.jobs): at most two tries of a two-second connection, so no request hangs.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.2,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE: dict = {
    # Send the jobs that could not be sent, and deal with those whose worker died.
    "jobs-recover": {
        "task": "aims.core.tasks.jobs_recover",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Reminders of what falls due: hourly, since the incident-report deadlines are kept to
    # the hour; a missed run is caught up by the next (each scan covers the days since the
    # last one).
    "reminders-scan": {
        "task": "reminders.tasks.reminders_scan",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
    # E-mails at once and digests (from 07:00 in the organisation's zone).
    "reminders-deliver": {
        "task": "reminders.tasks.reminders_deliver",
        "schedule": 300.0,
        "options": {"expires": 280},
    },
    # Housekeeping: stored files no row refers to, and the change log's signed checkpoint.
    "files-sweep": {
        "task": "aims.core.tasks.files_sweep",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600},
    },
    "changelog-checkpoint": {
        "task": "aims.core.tasks.changelog_checkpoint",
        "schedule": 24 * 3600.0,
        "options": {"expires": 3600},
    },
}

# Template fragments that depend only on the code and the URL (the sidebar): kept in each
# process's memory, so a restart after a deploy starts afresh and no network is involved.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "aims-fragments",
}

# --- Auth ------------------------------------------------------------------------------
AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "aims.organizations.adapters.AccountAdapter"  # closes public sign-up
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# A password change offers, and a reset always does, revocation of the user's API tokens.
ACCOUNT_FORMS = {
    "change_password": "aims.api.forms.ChangePasswordForm",
    "reset_password_from_key": "aims.api.forms.ResetPasswordKeyForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = _parse("MFA_TOTP_ISSUER", env.str, "AIMS")
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object permissions
GUARDIAN_RAISE_403 = False

# --- Sign-in: client address, admin door ------------------------------------------------
# Reverse proxies in front of the app that append to X-Forwarded-For (the TLS proxy: 1).
# The client address (sign-in throttle, sign-in log) is that many entries from the right;
# 0 ignores the header. See aims/core/http.py and docs/operations.md.
TRUSTED_PROXY_COUNT = _parse("TRUSTED_PROXY_COUNT", env.int, 0)
if not 0 <= TRUSTED_PROXY_COUNT <= 10:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be between 0 and 10")
# The admin signs in through the product's login only; staff need a passed second factor
# to open it (see aims/core/admin_site.py). 0 lets staff without 2FA in (development).
ADMIN_REQUIRE_MFA = _parse("ADMIN_REQUIRE_MFA", env.bool, True)

SESSION_COOKIE_AGE = _parse("SESSION_COOKIE_AGE", env.int, 60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _parse("SECURE_SSL_REDIRECT", env.bool, False)
SESSION_COOKIE_SECURE = _parse("SECURE_COOKIES", env.bool, False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = _parse("SECURE_HSTS_SECONDS", env.int, 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- E-mail ----------------------------------------------------------------------------
_email = _parse("EMAIL_URL", env.email_url, "consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = _parse("DEFAULT_FROM_EMAIL", env.str, "AIMS <aims@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- I18N, static, media --------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
TIME_ZONE = _parse("TIME_ZONE", env.str, "UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(_parse("STATIC_ROOT", env.str, str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
MEDIA_ROOT = Path(_parse("MEDIA_ROOT", env.str, str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: files go out through authorised views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Evidence uploads --------------------------------------------------------------------
# How often a write that the database aborted as a deadlock or serialization failure is run
# in all before the request answers 503 (aims.core.transactions.run_atomic).
AIMS_DB_RETRY_ATTEMPTS = _parse("AIMS_DB_RETRY_ATTEMPTS", env.int, 4)
AIMS_EVIDENCE_MAX_MB = _parse("AIMS_EVIDENCE_MAX_MB", env.int, 50)
if AIMS_EVIDENCE_MAX_MB < 1:
    raise ImproperlyConfigured("AIMS_EVIDENCE_MAX_MB must be at least 1")
# File extensions accepted as evidence; the sniffed content must agree with the extension.
AIMS_EVIDENCE_ALLOWED_TYPES = _parse(
    "AIMS_EVIDENCE_ALLOWED_TYPES",
    env.list,
    [
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "txt",
        "csv",
        "md",
        "json",
        "xml",
        "docx",
        "xlsx",
        "pptx",
        "odt",
        "ods",
        "zip",
        "eml",
    ],
)
AIMS_EVIDENCE_EXPIRING_DAYS = _parse("AIMS_EVIDENCE_EXPIRING_DAYS", env.int, 30)
# Requests may carry an upload of the configured size plus form fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Filters (one filter set per model, for the UI list and the API) --------------------
# A filter drop-down left at its empty choice filters nothing: say so.
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("Any")

# --- REST API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "aims.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["aims.api.permissions.ApiAccess"],
    # A depth-limited JSON parser that refuses NUL characters and non-finite numbers.
    "DEFAULT_PARSER_CLASSES": [
        "aims.core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        # One filter set per model serves UI and API, sorting (``ordering``) included.
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "aims.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "aims.core.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Content-Security-Policy on every response (django-csp): scripts, styles, fonts and
# connections only from this site, no inline script, event handler or style, no framing.
# A response that sets its own policy keeps it (evidence downloads: "default-src 'none';
# sandbox"). images may be data: URLs (the TOTP QR code, Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AIMS API",
    "DESCRIPTION": "REST API of the AIMS platform (ISO/IEC 42001 AI management system).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The error answers (400/401/403/404/409/412) of every operation, in the project's format.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "aims.core.schema.document_error_responses",
    ],
    # Swagger UI's files come from drf-spectacular-sidecar (static files): /api/docs/ works
    # offline and under the Content-Security-Policy.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        # Every controlled document shares one status vocabulary, so one enum in the schema.
        "DocumentStatusEnum": "aims.core.documents.DocumentStatus",
        # The EU AI Act's vocabularies, shared by the inventory and the classifications.
        "EUAIActRoleEnum": "aims.inventory.models.EUAIActRole",
        "EUAIActTierEnum": "aims.inventory.models.EUAIActTier",
        "RoleEnum": "aims.core.access.Role",
        # Issues and interested parties are both internal or external (4.1, 4.2).
        "ContextSideEnum": "aims.organizations.models.ContextSide",
        # Treatment actions (8.3) and corrective actions (10.2) share one action life cycle.
        "ActionStatusEnum": "risks.models.ActionStatus",
        # The kinds of reminder (reminders.sources), shared by notifications and preferences.
        "ReminderKindEnum": "reminders.api.KIND_CHOICES",
    },
}
API_TOKEN_MAX_DAYS = _parse("API_TOKEN_MAX_DAYS", env.int, 365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _parse("LOG_LEVEL", env.str, "INFO")},
}
