"""One settings module for every deployment, driven by the environment (DESIGN.md §6).

Defaults give the embedded set-up of `make run`: SQLite under var/, a Celery broker on the
local filesystem, no server to install. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY.
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NCB_VAR_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG", False)


def _development_secret_key() -> str:
    # A development key that survives restarts (sessions stay valid) but is never shared:
    # generated once per checkout and kept under var/, which git ignores.
    key_file = VAR_DIR / "dev_secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        sys.exit(
            "ncb-thb: SECRET_KEY must be set when DEBUG is off "
            "(export SECRET_KEY=... or DEBUG=1 for local development)."
        )
    SECRET_KEY = _development_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "guardian",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Second factor (TOTP and recovery codes) and brute-force lockout (issue 7).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "contacts",
    "ncb_cases",
    "evidence",
    "messages_hst",
    "reports",
]

MIDDLEWARE = [
    "ncb_cases.log_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ncb_cases.security_headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After auth: a signed-in officer's remembered language, at sign-in and in a new browser.
    "contacts.language.OfficerLanguageMiddleware",
    "contacts.mfa_middleware.VerifiedSessionMiddleware",
    "ncb_cases.middleware.BrowserLoginRequiredMiddleware",
    "contacts.mfa_middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the "locked" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ncb_cases.urls"
WSGI_APPLICATION = "ncb_cases.wsgi.application"
ASGI_APPLICATION = "ncb_cases.asgi.application"

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
                "django.template.context_processors.i18n",
                "contacts.context_processors.officer",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run five times on a connection is
    # prepared there: PostgreSQL stops parsing and planning the same ORM statements again
    # (about half the sending database's CPU per HST message). Behind a pooler in transaction
    # mode, which cannot keep prepared statements, DB_PREPARE_THRESHOLD=off.
    threshold = os.environ.get("DB_PREPARE_THRESHOLD", "5").strip().lower()
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=None if threshold in ("", "off", "none") else int(threshold),
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SQLITE_TEST_FILE = VAR_DIR / "test_db.sqlite3"
    # SQLite creates a database file but not its folder: a fresh clone has no var/ yet.
    for sqlite_file in (Path(DATABASES["default"]["NAME"]), SQLITE_TEST_FILE):
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # The web server and the Celery worker write to the same file: WAL lets readers go on
        # while one writes, IMMEDIATE transactions avoid "database is locked" on upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so that a Celery worker process in the integration tests sees the
    # same test database as the test itself.
    DATABASES["default"]["TEST"] = {"NAME": str(SQLITE_TEST_FILE)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out username + address before the password
    # is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
GUARDIAN_ANONYMOUS_USER_NAME = None  # anonymous users are never granted anything
GUARDIAN_RENDER_403 = False
GUARDIAN_RAISE_403 = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Multi-factor authentication is required by default; `make run` turns it off for the demo.
NCB_REQUIRE_MFA = env_flag("NCB_REQUIRE_MFA", True)
# TOTP (contacts.mfa): the issuer shown in authenticator apps; one code per 30-second step,
# a step's code accepted once; failed codes throttled (1, 2, 4... seconds between tries).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "NCB-THB")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key

# Brute force (django-axes, contacts.lockout): 5 failed sign-ins for one username from one
# address lock that pair for 15 minutes; a success resets the count. The client address is
# REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies (default 1 with
# BEHIND_TLS_PROXY, else 0) the address the outermost trusted proxy put in X-Forwarded-For.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "contacts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "contacts.lockout.lockout_response"
AXES_VERBOSE = False  # the audit trail records lockouts; no usernames in the logs
AXES_ENABLE_ACCESS_FAILURE_LOG = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working shift
SESSION_COOKIE_SECURE = not DEBUG and env_flag("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
BEHIND_TLS_PROXY = env_flag("BEHIND_TLS_PROXY", False)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT") or (1 if BEHIND_TLS_PROXY else 0))
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind the TLS proxy, HTTP is redirected to HTTPS (but the probes of /healthz and /readyz,
# which an orchestrator sends over plain HTTP inside the network) and browsers are told to
# remember HTTPS for a year (HSTS, sent on HTTPS responses only). Without a proxy (local
# development, tests, the two-instance demo on 127.0.0.1) nothing is redirected.
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", True)
# Content-Security-Policy (ncb_cases.security_headers): enforced unless CSP_REPORT_ONLY is on;
# CSP_REPORT_URI, if set, receives the browsers' violation reports.
CSP_REPORT_ONLY = env_flag("CSP_REPORT_ONLY", False)
CSP_REPORT_URI = os.environ.get("CSP_REPORT_URI", "")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("ar", "العربية"), ("en", "English"), ("es", "Español"), ("fr", "Français")]
# One catalogue per language for the whole interface (`make messages` refreshes it; the
# compiled .mo files are built by `make install`, never committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
# Our own short date formats per language (English in ISO order): ncb_cases/formats/.
FORMAT_MODULE_PATH = ["ncb_cases.formats"]
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# --- Evidence and signing -------------------------------------------------------------------
# Evidence files, content-addressed by SHA-256 and never overwritten. Any Django storage can
# hold them instead: define STORAGES["evidence"] (for example an S3 bucket with object lock).
EVIDENCE_FILE_ROOT = Path(os.environ.get("EVIDENCE_FILE_ROOT", VAR_DIR / "evidence-files"))
# Largest evidence file accepted, in bytes (forensic images are large: 2 GiB by default); 0 lifts
# the limit. A larger upload is refused with a 400 on `file` and nothing of it is kept.
EVIDENCE_FILE_MAX_SIZE = int(os.environ.get("EVIDENCE_FILE_MAX_SIZE", str(2 * 1024**3))) or None
# The instance's Ed25519 key (PEM) signing custody checkpoints, dossiers and HST messages. Unset
# with DEBUG on: a development key is generated once under var/.
NCB_SIGNING_KEY_FILE = os.environ.get("NCB_SIGNING_KEY_FILE", "")
NCB_INSTANCE_CODE = os.environ.get("NCB_INSTANCE_CODE", "NCB-THB")

# --- Redis, Celery, cache -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_DIR = Path(os.environ.get("CELERY_BROKER_DIR", VAR_DIR / "celery-broker"))

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # An unacknowledged task of a killed worker comes back after this (the HST relay does not
    # wait for it); tests shorten it.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600"))
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ncb-thb",
        }
    }
else:
    # The embedded broker: messages are files in a folder, so a newcomer needs no server.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_IGNORE_RESULT = True
# One queue per deployment by default; tests give each worker its own, so that the tasks a
# worker enqueues itself (HST dispatch → delivery → retry) stay with it.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "contacts-remind-stale": {
        "task": "contacts.tasks.remind_stale_contact_points",
        "schedule": 6 * 60 * 60,
    },
    "cases-expire-shares": {
        "task": "ncb_cases.tasks.expire_case_shares",
        "schedule": 5 * 60,
    },
    # Daily: cases due for their retention review within six months go on the owner NCB's list.
    "cases-retention-review": {
        "task": "ncb_cases.tasks.refresh_retention_review_list",
        "schedule": crontab(minute=15, hour=3),
    },
    # A signed Merkle checkpoint over the custody log: what dossiers prove inclusion against.
    "evidence-custody-checkpoint": {
        "task": "evidence.tasks.build_custody_checkpoint",
        "schedule": 10 * 60,
    },
    # Re-enqueues HST deliveries a broker outage or a lost worker left behind (HST.md §7.1).
    "hst-outbox-relay": {
        "task": "messages_hst.tasks.relay_outbox",
        "schedule": float(os.environ.get("HST_RELAY_INTERVAL_SECONDS", "60")),
    },
    # Re-enqueues HST draft builds a broker outage or a lost worker left behind.
    "hst-compose-relay": {
        "task": "messages_hst.tasks.relay_composing",
        "schedule": float(os.environ.get("HST_RELAY_INTERVAL_SECONDS", "60")),
    },
    # The previous quarter's period report for every region, on the first day of a quarter.
    "reports-quarterly": {
        "task": "reports.tasks.generate_quarterly_reports",
        "schedule": crontab(minute=30, hour=2, day_of_month=1, month_of_year="1,4,7,10"),
    },
}

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS", False)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ncb-thb@localhost")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "contacts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "ncb_cases.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("TOKEN_THROTTLE_RATE", "20/min")},
    "EXCEPTION_HANDLER": "ncb_cases.api.exceptions.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "NCB-THB API",
    "DESCRIPTION": (
        "Cases, contact points, evidence and HST messages of INTERPOL National Central "
        "Bureaus' trafficking-in-human-beings points of contact. Authenticate with "
        "`Authorization: Token <key>` (POST /api/v1/auth/token/)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ncb_cases.api.schema_hooks.document_query_errors",
    ],
}

# --- The domain -----------------------------------------------------------------------------
# A contact point not verified for this many days is stale and its NCB is reminded.
CONTACT_POINT_STALE_AFTER_DAYS = int(os.environ.get("CONTACT_POINT_STALE_AFTER_DAYS", "180"))
# A stale contact's supervisors are reminded again after this many days, not at every beat.
CONTACT_POINT_REMINDER_INTERVAL_DAYS = 7
API_TOKEN_DEFAULT_EXPIRY_DAYS = 90

# HST messages (HST.md §7): the largest body the inbox accepts (413 above), where gateway
# deliveries are dropped for the I-24/7 gateway, and whether peers may be reached over plain
# HTTP (only for tests and the two-instance demo on 127.0.0.1; production peers use HTTPS).
HST_INBOX_MAX_BYTES = int(os.environ.get("HST_INBOX_MAX_BYTES", str(10 * 1024 * 1024)))
HST_INBOX_BATCH_MAX_MESSAGES = int(os.environ.get("HST_INBOX_BATCH_MAX_MESSAGES", "100"))
HST_GATEWAY_DIR = Path(os.environ.get("HST_GATEWAY_DIR", VAR_DIR / "hst-gateway"))
HST_PEER_ALLOW_HTTP = env_flag("HST_PEER_ALLOW_HTTP", False)
HST_PEER_TIMEOUT_SECONDS = float(os.environ.get("HST_PEER_TIMEOUT_SECONDS", "10"))
# Delivery retries back off exponentially from BASE up to MAX seconds (with jitter); the relay
# re-enqueues outbox entries and deliveries left unprocessed for RELAY_AFTER seconds. Tests and
# the benchmark shorten them; production keeps the defaults.
HST_RETRY_BASE_SECONDS = float(os.environ.get("HST_RETRY_BASE_SECONDS", "5"))
HST_RETRY_MAX_SECONDS = float(os.environ.get("HST_RETRY_MAX_SECONDS", "900"))
HST_RELAY_AFTER_SECONDS = float(os.environ.get("HST_RELAY_AFTER_SECONDS", "60"))
# Throughput: one dispatch at a time signs up to DISPATCH_BATCH approved messages in one
# transaction and sends them itself (those for one peer NCB posted in one request of at most
# PEER_BATCH_MAX messages), by such rounds while approvals keep coming (each takes what was
# approved during the one before). The deliveries it does not send itself (other NCBs,
# retries) go DELIVER_BATCH per task. An
# approval asks for a dispatch only if none holds the request, or if the one holding it has
# shown no sign of life for DISPATCH_WAKE_UP seconds (its task lost, its worker killed).
HST_DISPATCH_BATCH = int(os.environ.get("HST_DISPATCH_BATCH", "50"))
HST_DELIVER_BATCH = int(os.environ.get("HST_DELIVER_BATCH", "8"))
HST_PEER_BATCH_MAX = int(os.environ.get("HST_PEER_BATCH_MAX", "50"))
HST_DISPATCH_WAKE_UP_SECONDS = float(os.environ.get("HST_DISPATCH_WAKE_UP_SECONDS", "10"))
# How long a process keeps NCB records and partners' keyrings it looked up for the inbox and
# for checking receipts (seconds; 0 = no cache). Saving an NCB or a key here empties them.
HST_INBOX_CACHE_SECONDS = float(os.environ.get("HST_INBOX_CACHE_SECONDS", "5"))
HST_RECEIPT_KEYRING_SECONDS = float(os.environ.get("HST_RECEIPT_KEYRING_SECONDS", "5"))

# Assets and regional monitoring (issue 6): case totals are converted into this currency from
# the dated exchange-rate table; an aggregate cell counting fewer persons than this is shown
# as "<N" in every page, export and report (as IOM's CTDC does).
# Largest meeting document accepted (bytes); stored by content hash under VAR_DIR.
MEETING_DOCUMENT_MAX_BYTES = int(
    os.environ.get("MEETING_DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024))
)
REPORTING_CURRENCY = os.environ.get("REPORTING_CURRENCY", "EUR")
SMALL_CELL_THRESHOLD = int(os.environ.get("SMALL_CELL_THRESHOLD", "11"))

# --- Logging --------------------------------------------------------------------------------
# One JSON object per line in production (LOG_FORMAT=json, the default when DEBUG is off),
# a plain line in development; both carry the request id and the user id
# (ncb_cases.log_context) and neither lets a CR/LF in the data forge a line.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "ncb_cases.log_context.RequestContextFilter"}},
    "formatters": {
        "plain": {
            "()": "ncb_cases.log_context.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s u=%(user_id)s] "
            "%(message)s",
        },
        "json": {"()": "ncb_cases.log_context.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
