"""Journeymap settings: one file, driven by environment variables.

With no environment at all the app runs on an SQLite file, an in-memory channel
layer and in-process exports, so a newcomer needs no services. DATABASE_URL and
REDIS_URL switch to PostgreSQL and to Redis (channel layer + Celery broker).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A predictable key would let anyone forge sessions and share tickets.
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
if env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = tuple(env.list("SECURE_PROXY_SSL_HEADER"))  # type: ignore[assignment]
# How many reverse proxies sit in front of us: the client address for rate limits
# is taken that many hops from the right of X-Forwarded-For (0 = REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "maps",
    "workspaces",
    "sharing",
    "dashboard",
    "personas",
    "touchpoints",
    "templates_lib",
    "exports",
    "interchange",
    "history",
    "discussion",
    "versions",
    "notifications",
    "integrations",
    "reviews",
    "health",
    "workshops",
    "metrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "journeymap.middleware.SecurityHeadersMiddleware",
    "journeymap.middleware.LoginRateLimitMiddleware",
    "journeymap.strict_http.StrictInputMiddleware",
]

ROOT_URLCONF = "journeymap.urls"
ASGI_APPLICATION = "journeymap.asgi.application"
WSGI_APPLICATION = None

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
                "notifications.context.bell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DB_VENDOR = "postgresql" if "postgres" in DATABASES["default"]["ENGINE"] else "sqlite"
if DB_VENDOR == "sqlite":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue on
            # the busy timeout instead of failing with "database is locked" when a
            # read transaction tries to upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # Tests on a file, not the shared-cache in-memory default: shared-cache tables
    # fail at once with "database table is locked" instead of waiting their turn.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        Path(tempfile.gettempdir()) / f"journeymap-test-{os.getpid()}.sqlite3"
    )
else:
    # Reconnecting on every websocket message costs more than the write itself.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Django's default (None) turns off every prepare, the write path's too (``maps.rows``);
    # a threshold no query reaches prepares only those (Django's cursors bind client-side).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 1_000_000)
    # One test database per pytest process, so parallel runs on one server never
    # clobber each other; servers started by a test get the name through DATABASE_URL.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "TEST_DATABASE_NAME", default=f"test_journeymap_{os.getpid()}"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, channel layer, Celery ----------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
_redis_db = urlsplit(REDIS_URL).path.strip("/") or "0"
CHANNEL_LAYER_PREFIX = env.str("CHANNEL_LAYER_PREFIX", default=f"jm{_redis_db}")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # The pub/sub layer: measured faster than the core layer for our fan-out
            # (see README, "Channel layer"); lost frames are healed by the heartbeat +
            # resync protocol, never trusted to the transport.
            "BACKEND": env.str("CHANNEL_LAYER_BACKEND", default="channels_redis.pubsub.RedisPubSubChannelLayer"),
            # Redis keeps keys per database number but pub/sub channels are server-wide:
            # two installs on one Redis server (databases 0 and 1, say) would hear each
            # other's group messages (a "removed from the workspace" for user 2 of one
            # would close user 2's sockets in the other). The prefix keeps them apart.
            "CONFIG": {"hosts": [REDIS_URL], "prefix": CHANNEL_LAYER_PREFIX},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Rate limits and tickets must agree across processes: keep them in Redis when
# there is one; a single embedded process can keep them in memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Tests give each run its own queue so parallel runs on one Redis never share work.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="journeymap")
# `celery -A journeymap worker` with no --pool runs this pool. Not prefork: its
# children are daemonic and may not start the export render helpers. One export
# at a time per worker process; the helpers render its pages in parallel.
CELERY_WORKER_POOL = env.str("CELERY_WORKER_POOL", default="solo")
# Periodic work (automatic versions after a pause, thinning old ones): Celery beat
# with Redis (`celery -A journeymap beat`), otherwise a thread of the web process.
# Both read the one table in journeymap.periodic (beat: see journeymap/celery.py).
PERIODIC_IN_PROCESS = env.bool("PERIODIC_IN_PROCESS", default=True)
# Without Redis, exports run on one in-process background thread (PDFium is not
# thread-safe, so never more than one).
EXPORTS_IN_PROCESS = not REDIS_URL
# Processes that lay out parts of one export in parallel (WeasyPrint uses one core
# per process); 1 renders in the worker itself.
EXPORT_RENDER_PROCESSES = env.int("EXPORT_RENDER_PROCESSES", default=min(os.cpu_count() or 1, 4))

# --- Auth, i18n, static, media -------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Tests only (set by the test suite for itself and the servers it starts): a
# cheap hasher first, so the dozens of users a test creates cost nothing.
if env.bool("JOURNEYMAP_TEST_FAST_HASHER", default=False):
    PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production collects static files once (collectstatic: hashed names, compressed,
# cached for ever) and whitenoise serves them. Debug, tests and bin/run serve them
# straight from the app folders (WHITENOISE_USE_FINDERS): nothing to collect, so a
# local run starts in seconds (collecting and compressing takes over a minute).
STATIC_FROM_SOURCE = env.bool("STATIC_FROM_SOURCE", default=DEBUG)
STATIC_ROOT = None if STATIC_FROM_SOURCE else BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if STATIC_FROM_SOURCE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = STATIC_FROM_SOURCE
# Media are private (exports, attachments): served by views after a permission check.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
# Files attached to touchpoints: the largest accepted, in bytes (25 MiB by default).
ATTACHMENT_MAX_BYTES = env.int("JOURNEYMAP_ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
# Images (attachments, persona pictures) declaring more pixels than this are refused
# from their header, before anything decodes them.
IMAGE_MAX_PIXELS = env.int("JOURNEYMAP_IMAGE_MAX_PIXELS", default=50_000_000)
# Imports of map files, spreadsheets and diagrams (README, "Maps in and out"): a
# file beyond any of these is refused before anything is written.
IMPORT_MAX_BYTES = env.int("JOURNEYMAP_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
IMPORT_MAX_BUNDLE_BYTES = env.int("JOURNEYMAP_IMPORT_MAX_BUNDLE_BYTES", default=100 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("JOURNEYMAP_IMPORT_MAX_ROWS", default=5_000)
IMPORT_MAX_CELLS = env.int("JOURNEYMAP_IMPORT_MAX_CELLS", default=100_000)
IMPORT_MAX_ITEMS = env.int("JOURNEYMAP_IMPORT_MAX_ITEMS", default=20_000)
IMPORT_MAX_DEPTH = env.int("JOURNEYMAP_IMPORT_MAX_DEPTH", default=8)
IMPORT_MAX_ZIP_MEMBERS = env.int("JOURNEYMAP_IMPORT_MAX_ZIP_MEMBERS", default=1_000)
IMPORT_MAX_ZIP_RATIO = env.int("JOURNEYMAP_IMPORT_MAX_ZIP_RATIO", default=100)
IMPORT_MAX_UNZIPPED_BYTES = env.int("JOURNEYMAP_IMPORT_MAX_UNZIPPED_BYTES", default=200 * 1024 * 1024)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Journeymap <journeymap@localhost>")
# The SMTP server, for EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Where people reach the app, for links in mails sent by the worker (no request
# there); unset, each mail uses the address its recipient last used the app at.
PUBLIC_URL = env.str("PUBLIC_URL", default="")

# --- Notifications -----------------------------------------------------------------
# Digest mails go at most this often per person (instant mails go at once).
NOTIFY_DIGEST_MINUTES = env.float("NOTIFY_DIGEST_MINUTES", default=10)
# Without Redis there is no worker: mails go from a timer thread of the web process.
NOTIFY_MAIL_IN_PROCESS = not REDIS_URL

# --- Webhooks ------------------------------------------------------------------------
# Hooks may call loopback, private and link-local addresses only when this is on
# (tests, on-premise installs whose receivers live on the local network).
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
# Retries: the first after this many seconds, then doubling (at most an hour
# apart), for this long after the event.
WEBHOOK_BACKOFF_SECONDS = env.float("WEBHOOK_BACKOFF_SECONDS", default=10)
WEBHOOK_RETRY_SECONDS = env.float("WEBHOOK_RETRY_SECONDS", default=24 * 3600)
# map.changed goes at most this often per map (the batches between are one event).
WEBHOOK_COALESCE_SECONDS = env.float("WEBHOOK_COALESCE_SECONDS", default=10)
# How long an attempt may run before another worker may take the delivery over
# (a worker that died mid-send).
WEBHOOK_LEASE_SECONDS = env.float("WEBHOOK_LEASE_SECONDS", default=60)
# Failed deliveries in a row that switch a hook off.
WEBHOOK_MAX_FAILURES = env.int("WEBHOOK_MAX_FAILURES", default=50)
# How much of a receiver's answer is read (and the first 500 characters kept).
WEBHOOK_RESPONSE_MAX_BYTES = env.int("WEBHOOK_RESPONSE_MAX_BYTES", default=4096)
# After a secret rotation, deliveries carry the old secret's signature too for this long.
WEBHOOK_ROTATION_OVERLAP_HOURS = env.int("WEBHOOK_ROTATION_OVERLAP_HOURS", default=24)

# --- Security headers ------------------------------------------------------------
# Secure cookies by default when DEBUG is off. A browser drops Secure cookies on
# plain http, so a server that answers plain http itself (bin/run on 127.0.0.1 or
# on a workshop's local network) sets SECURE_COOKIES=false; behind TLS leave it on.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- REST framework ------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Before the personal tokens: their class refuses any token it does not know.
        "integrations.tokens.ServiceTokenAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "journeymap.exceptions.api_exception_handler",
    # Strict text in every body: no lone surrogates, NUL or control characters, JSON
    # at most 64 levels deep (journeymap.strict).
    "DEFAULT_PARSER_CLASSES": [
        "journeymap.strict_http.StrictJSONParser",
        "journeymap.strict_http.StrictFormParser",
        "journeymap.strict_http.StrictMultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Batches over REST per user (the socket has its own bucket per connection).
    "DEFAULT_THROTTLE_RATES": {"operations": env.str("REST_OPERATIONS_RATE", default="3000/min"),
                               "imports": env.str("REST_IMPORTS_RATE", default="60/min")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Journeymap API",
    "DESCRIPTION": "Customer-journey maps: maps, stages, lanes, cards, touchpoints, emotions, exports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files: nothing is loaded from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind": name each enum after its owner.
    "ENUM_NAME_OVERRIDES": {
        "MapKindEnum": "maps.models.MapKind",
        "LaneKindEnum": "maps.models.LaneKind",
        "ServiceTokenRoleEnum": "integrations.models.ServiceRole",
        "RoleEnum": "maps.models.Role",
        "ChannelKindEnum": ["digital", "physical", "personal"],
        "CommentAnchorTypeEnum": "discussion.models.AnchorType",
        "CommentStatusEnum": "discussion.models.ThreadStatus",
        "AckStatusEnum": ["ok", "rebased", "rejected", "retry"],
        "AckTypeEnum": ["ack"],
        "HealthItemEntityEnum": "health.serializers.ENTITIES",
    },
}

# --- Journeymap ----------------------------------------------------------------
# What a local run keeps between restarts (bin/run): the secret key it made and
# the demo login it printed. Git-ignored; never needed when SECRET_KEY is set.
STATE_DIR = BASE_DIR / env.str("JOURNEYMAP_STATE_DIR", default=".journeymap")
# Op-log rows older than this many days may be pruned (prune_oplog command); a
# polling client further behind gets 410 and reloads the document.
OPLOG_RETENTION_DAYS = env.int("OPLOG_RETENTION_DAYS", default=90)
# A client further behind than this many batches gets a fresh snapshot on hello.
CATCHUP_MAX_BATCHES = env.int("CATCHUP_MAX_BATCHES", default=500)
WS_TICKET_TTL_SECONDS = 60
WS_MAX_FRAME_BYTES = 256 * 1024
PUSH_RATE_PER_SECOND = env.float("PUSH_RATE_PER_SECOND", default=50.0)
PUSH_BURST = env.int("PUSH_BURST", default=500)
HEARTBEAT_SECONDS = env.float("HEARTBEAT_SECONDS", default=10.0)
# Frames waiting for one slow socket (its send buffer full) before it is closed
# and left to reconnect and catch up (``maps.live.outlet``).
WS_SEND_QUEUE_BYTES = env.int("WS_SEND_QUEUE_BYTES", default=2 * 1024 * 1024)
# At most this many batches of one map committed in one transaction (group commit,
# ``maps.live.committer``); 1 commits every batch alone (README, Benchmarks).
GROUP_COMMIT_MAX_BATCHES = env.int("GROUP_COMMIT_MAX_BATCHES", default=32)
# Threads (each with its own database connection) for the map socket's reads (who, welcome,
# resync) and its commits (a map on one at a time): ``maps.live.threads``; 0: one shared thread.
SOCKET_READ_THREADS = env.int("SOCKET_READ_THREADS", default=2)
SOCKET_WRITE_THREADS = env.int("SOCKET_WRITE_THREADS", default=2 if DB_VENDOR == "postgresql" else 0)
# How long a hub holds a batch back for an earlier one still on its way (seq order per socket).
HUB_REORDER_WAIT_MS = env.float("HUB_REORDER_WAIT_MS", default=50.0)
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=30)
# Failed sign-ins / API-token requests, and wrong share links, per client address.
LOGIN_RATE_LIMIT = env.int("LOGIN_RATE_LIMIT", default=10)
LOGIN_RATE_WINDOW_SECONDS = env.int("LOGIN_RATE_WINDOW_SECONDS", default=300)
SHARE_TOKEN_RATE_LIMIT = env.int("SHARE_TOKEN_RATE_LIMIT", default=30)
SHARE_TOKEN_RATE_WINDOW_SECONDS = env.int("SHARE_TOKEN_RATE_WINDOW_SECONDS", default=60)
# Tests that need PostgreSQL, Redis, chromium or a worker fail instead of skipping.
REQUIRE_SERVICES = env.bool("JOURNEYMAP_REQUIRE_SERVICES", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
