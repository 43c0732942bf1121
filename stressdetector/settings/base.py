"""Settings for every environment, read from the environment (12-factor).

One code path: with nothing set you get the embedded platform (SQLite, the in-memory channel
layer, Celery tasks run in-process, DEBUG on, e-mail printed to the console). ``DATABASE_URL``
and ``REDIS_URL`` switch to PostgreSQL and Redis. Bad values stop start-up with a message that
names the variable. The README lists every variable.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from stressdetector.settings.environment import Env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = Env()

# --- Core ------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    # No defaults when DEBUG is off: a deployment must choose these itself.
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    # daphne first, so that `manage.py runserver` is the ASGI server (HTTP and WebSockets).
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
THIRD_PARTY_APPS = [
    "channels",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "axes",
    "csp",
    "phonenumber_field",
]
LOCAL_APPS = [
    "accounts",
    "detection",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # First, so that every request (redirects and refusals included) has an id and is counted.
    "stressdetector.ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.PrivateResponsesMiddleware",
    # Every view needs a logged-in user unless it is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out log in into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "stressdetector.urls"
WSGI_APPLICATION = "stressdetector.wsgi.application"
ASGI_APPLICATION = "stressdetector.asgi.application"

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
                "detection.alerts.context_processors.navigation",
            ],
            "libraries": {"ui": "stressdetector.templatetags.ui"},
        },
    },
]

# --- Database --------------------------------------------------------------------------------

SUPPORTED_DATABASE_ENGINES = ("django.db.backends.sqlite3", "django.db.backends.postgresql")

DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"].get("ENGINE") not in SUPPORTED_DATABASE_ENGINES:
    raise ImproperlyConfigured(
        f"DATABASE_URL must be a postgres://... or sqlite:///... URL (got engine {DATABASES['default'].get('ENGINE')!r})"
    )
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Without it, an unreachable database host holds a request for the OS's TCP timeout (minutes).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests write at once even on the default setup. WAL lets readers go on while
    # one connection writes; IMMEDIATE takes the write lock when a transaction starts, so a
    # transaction that reads and then writes waits for the lock (up to the timeout) instead of
    # failing at once with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
        **DATABASES["default"].get("OPTIONS", {}),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery, Channels and the cache ---------------------------------------------------

# Empty means no Redis: tasks run in-process and the channel layer lives in memory, which only
# works with a single server process. Set it to run a real Celery worker (`make worker`).
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix:// (got {REDIS_URL!r})")

CHANNEL_LAYER_SOCKET_TIMEOUT_S = 30
# Every Redis client gives up on a connection after REDIS_CONNECT_TIMEOUT and on an answer after
# REDIS_SOCKET_TIMEOUT (the channel layer excepted, see below), so a dead Redis means an error,
# never a hung request or worker.
REDIS_CONNECT_TIMEOUT_S = env.float("REDIS_CONNECT_TIMEOUT", default=2.0)
REDIS_SOCKET_TIMEOUT_S = env.float("REDIS_SOCKET_TIMEOUT", default=5.0)

if REDIS_URL:
    # Pools that Django's cache and channels_redis build themselves give their connections no
    # retries, so after a Redis restart the first command on each pooled (now dead) connection
    # failed: a WebSocket connect answered HTTP 500. A failed command is tried again on a fresh
    # connection, three times at most, 50 ms to 0.5 s apart.
    _redis_retry = Retry(ExponentialBackoff(cap=0.5, base=0.05), 3)
    _async_redis_retry = AsyncRetry(ExponentialBackoff(cap=0.5, base=0.05), 3)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT_S, "socket_timeout": REDIS_SOCKET_TIMEOUT_S, "retry": _redis_retry},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 gives up on a read after 5 s by default, but channels_redis blocks on
            # Redis for 5 s at a time waiting for messages: an idle WebSocket would die after
            # 5 s. Reads may therefore take longer than that blocking wait.
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": CHANNEL_LAYER_SOCKET_TIMEOUT_S,
                        "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_S,
                        "retry": _async_redis_retry,
                    }
                ]
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery reads every CELERY_* setting here (see stressdetector/celery.py).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=True)
if not CELERY_TASK_ALWAYS_EAGER and not REDIS_URL:
    raise ImproperlyConfigured("CELERY_TASK_ALWAYS_EAGER=false needs a broker: set REDIS_URL")
# In-process (no broker), queued analyses run on this many background threads of the web
# process, after the request that queued them has answered; 0 runs them inside the request.
INPROCESS_TASK_THREADS = env.int("INPROCESS_TASK_THREADS", default=2)

# Housekeeping (detection/analyses/maintenance.py): how often it runs (0: never on the web process), when
# an unfinished analysis counts as stuck (queued again once, then failed), and how old a file no
# analysis refers to must be before it is removed.
MAINTENANCE_INTERVAL_SECONDS = env.int("MAINTENANCE_INTERVAL_SECONDS", default=300)
ANALYSIS_STUCK_AFTER_SECONDS = env.int("ANALYSIS_STUCK_AFTER_SECONDS", default=600)
MEDIA_SWEEP_GRACE_SECONDS = env.int("MEDIA_SWEEP_GRACE_SECONDS", default=3600)
# `celery worker --beat` (make worker) runs it on this schedule; a worker also runs it on start.
CELERY_BEAT_SCHEDULE = {
    "maintenance": {"task": "detection.tasks.maintenance_task", "schedule": max(MAINTENANCE_INTERVAL_SECONDS, 60)},
}
# A task is acknowledged after it finishes, so one lost with its worker runs again; tasks
# must therefore be safe to repeat. One task at a time per process: analyses are CPU-bound.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 60 * 60 * 24
# Redis timeouts for the broker (publishing from the web and consuming on the worker) and the
# result backend. A publish that fails is retried twice, then raises, and the caller reports it.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT_S
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_S,
    "socket_timeout": REDIS_SOCKET_TIMEOUT_S,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT_S
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT_S
# Reconnecting to the result backend gives up after two tries (Celery's default is 20 s of them).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}}
# A task that runs past the soft limit gets SoftTimeLimitExceeded (and fails with a reason); one
# past the hard limit has its worker process killed and replaced. A worker process that has
# grown past the memory cap (KiB) is replaced after its current task.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
if CELERY_TASK_TIME_LIMIT <= CELERY_TASK_SOFT_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_TIME_LIMIT must be larger than CELERY_TASK_SOFT_TIME_LIMIT")
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=2 * 1024 * 1024)
# The worker logs through LOGGING below (JSON with LOG_FORMAT=json, request ids), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Accounts --------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
KNOX_TOKEN_MODEL = "accounts.ApiToken"
# knox's own migrations would still create its (swapped-out) table, whose foreign key to users
# blocks PostgreSQL from emptying the user table; we only use its abstract model.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_TTL": dt.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)), "AUTH_HEADER_PREFIX": "Token"}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes counts failed log ins (the form and POST /api/auth/token/) per account and per
# address; after AXES_FAILURE_LIMIT either is locked for AXES_COOLOFF_TIME, then free again, so
# an attacker can delay a user but never lock them out for good.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_VERBOSE = False
# The address is REMOTE_ADDR; behind a proxy, uvicorn --proxy-headers (docker/start-web) sets it
# from X-Forwarded-For.

# Passwords: at least PASSWORD_MIN_LENGTH characters, not like the username or e-mail, not all
# digits, and not one of the 20,000 most common passwords of leaked password lists (Django ships
# that list; nothing is looked up over the network).
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Phone numbers are typed and stored in international (E.164) form, e.g. +447700900123.
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"
PHONENUMBER_DEFAULT_REGION = None

# --- E-mail ----------------------------------------------------------------------------------

# smtp://user:password@host:587 (or smtp+tls://, smtp+ssl://); the default prints to the console.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Stress Detector <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static and media files ------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")

# Uploaded and captured images. Never served by a public URL: a view that checks the owner
# serves them, so there is deliberately no media route in urls.py.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Internationalisation --------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
# 24-hour times in the admin too, as on every page (stressdetector/formats/en/formats.py).
FORMAT_MODULE_PATH = ["stressdetector.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- API -------------------------------------------------------------------------------------

# The browser uses its session; scripts send "Authorization: Token <key>" (POST /api/auth/token/).
# Tokens are django-rest-knox's: stored as digests, with an expiry, revocable (accounts.ApiToken).
REST_FRAMEWORK = {
    # The browsable API allows inline styles on its own pages only (its templates need them).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "detection.api.renderers.CspBrowsableAPIRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    # 429 with Retry-After past these: each user's API calls, and token requests per address.
    "DEFAULT_THROTTLE_CLASSES": ["stressdetector.throttling.UserRateThrottle", "stressdetector.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_USER_RATE", default="600/minute"),
        "auth": env.str("API_TOKEN_RATE", default="20/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "detection.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "detection.api.errors.exception_handler",
}

# The OpenAPI schema (/api/schema/) and its docs (/api/docs/). Swagger UI and Redoc come from
# the drf-spectacular-sidecar package (served as static files), never from a CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "Stress Detector API",
    "DESCRIPTION": (
        "Emotion and stress analyses of face images, live camera sessions, stress alerts, trends and "
        "your alert settings; always only the caller's own data. Authenticate with a token "
        "(`POST /api/v1/auth/token/`, then `Authorization: Token <key>`) or, in a browser, the "
        "signed-in session. `/api/v1/` is the canonical prefix; `/api/` serves the same API.\n\n"
        "Every 4xx answer is a JSON object: `{\"detail\": \"...\"}` for request-level errors "
        "(401, 403, 404, 405, 413, 415, 429), or one entry per invalid field with its messages for "
        "validation errors (400; `non_field_errors` for the input as a whole)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["detection.api.schema.versioned_endpoints_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "detection.api.schema.empty_query_values_mean_absent",
    ],
    # Separate request and response components, so that read-only fields are not asked for and
    # an upload is described as binary.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AnalysisStatusEnum": "detection.models.Analysis.Status",
        "AlertStatusEnum": "detection.models.Alert.Status",
        "VideoStatusEnum": "detection.models.Video.Status",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Detection (used by the analysis, live camera and alert features) ------------------------

# Analyses one user may start in an hour (uploads, URLs and live snapshots, page or API).
ANALYSIS_CREATE_PER_HOUR = env.int("ANALYSIS_CREATE_PER_HOUR", default=100)
# How long POST /api/v1/analyses/ remembers an Idempotency-Key (per user): a retry with the same
# key within this time gets the same analysis back.
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)
ANALYSIS_MAX_UPLOAD_BYTES = env.int("ANALYSIS_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Hosts on a private or local network that "analyze an image from a URL" may still fetch from;
# public hosts are always allowed, and empty means no private host is.
ANALYSIS_URL_ALLOWED_HOSTS = env.list("ANALYSIS_URL_ALLOWED_HOSTS", default=[])
# A directory with an exported model; empty means the model shipped in ml/.
ML_WEIGHTS_DIR = env.str("ML_WEIGHTS_DIR", default="")
# A face whose most likely emotion has a (calibrated) probability below this is shown as
# "uncertain" and gets no emotion-specific advice (detection/core/presentation.py).
EMOTION_UNCERTAIN_BELOW = env.float("EMOTION_UNCERTAIN_BELOW", default=0.40)

TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
# Seconds to wait for Twilio before the attempt counts as failed (and is retried).
TWILIO_TIMEOUT_SECONDS = env.float("TWILIO_TIMEOUT_SECONDS", default=10.0)
# Where the Twilio client sends requests; empty means Twilio itself. Tests point it at a fake.
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="")

# The live camera (detection/live/consumers.py): the largest JPEG frame accepted, the most frames a
# second one connection may send, how often a live session's progress is saved, and how many
# frames the whole process analyses at once (threads; each connection has at most one frame
# waiting, so the queue is bounded by the number of connections).
LIVE_MAX_FRAME_BYTES = env.int("LIVE_MAX_FRAME_BYTES", default=512 * 1024)
LIVE_MAX_FPS = env.float("LIVE_MAX_FPS", default=15.0)
# Per account, so one user cannot starve the others' live analysis (detection/live/limits.py):
# open sockets, frames a second over all of them, and pixels of one frame (read from the JPEG
# header before decoding; a camera frame is at most a few megapixels).
LIVE_MAX_SOCKETS_PER_USER = env.int("LIVE_MAX_SOCKETS_PER_USER", default=3)
LIVE_MAX_FPS_PER_USER = env.float("LIVE_MAX_FPS_PER_USER", default=20.0)
LIVE_MAX_FRAME_PIXELS = env.int("LIVE_MAX_FRAME_PIXELS", default=4_000_000)
LIVE_SAVE_SECONDS = env.float("LIVE_SAVE_SECONDS", default=3.0)
LIVE_INFERENCE_THREADS = env.int("LIVE_INFERENCE_THREADS", default=2)
# The streaming API (/ws/v1/stream/): the most frames a second one API token may send, over all
# of its connections to this process.
LIVE_STREAM_MAX_FPS = env.float("LIVE_STREAM_MAX_FPS", default=LIVE_MAX_FPS)

# Recorded videos (detection/videos/): the largest upload, the longest video, videos one user may
# upload in an hour, the default samples analysed per second of video (the user may pick 1-10),
# and how many samples the job stores at a time (its checkpoint: a killed worker resumes there).
VIDEO_MAX_UPLOAD_BYTES = env.int("VIDEO_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)
VIDEO_MAX_DURATION_SECONDS = env.int("VIDEO_MAX_DURATION_SECONDS", default=30 * 60)
VIDEO_CREATE_PER_HOUR = env.int("VIDEO_CREATE_PER_HOUR", default=10)
VIDEO_SAMPLES_PER_SECOND = env.float("VIDEO_SAMPLES_PER_SECOND", default=5.0)
VIDEO_CHUNK_SAMPLES = env.int("VIDEO_CHUNK_SAMPLES", default=50)
# A job that stops this many times (worker killed, process restarted) is failed with a reason.
VIDEO_MAX_ATTEMPTS = env.int("VIDEO_MAX_ATTEMPTS", default=3)

# --- Security --------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
# A signed-in browser is signed out after this many minutes without a request (0: only when the
# session cookie's two weeks run out). accounts/middleware.py pushes the expiry back.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=120)
if SESSION_IDLE_MINUTES:
    SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Accounts one address may create in an hour (the sign-up form).
SIGNUP_PER_HOUR_PER_ADDRESS = env.int("SIGNUP_PER_HOUR_PER_ADDRESS", default=5)

# The largest request body any view accepts: an upload at its limit plus the rest of its form.
# Bodies over it are refused with 413 before they are read (stressdetector/body_limit.py).
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=ANALYSIS_MAX_UPLOAD_BYTES + 1024 * 1024)
# Video uploads are larger; only the two paths that take one get this cap.
VIDEO_UPLOAD_PATHS = ("/detection/videos/new/", "/api/v1/videos/", "/api/videos/")
VIDEO_REQUEST_BODY_MAX_BYTES = env.int("VIDEO_REQUEST_BODY_MAX_BYTES", default=VIDEO_MAX_UPLOAD_BYTES + 1024 * 1024)

# Content-Security-Policy (django-csp) on every response: scripts, styles, fonts and images from
# this site only (everything is vendored under static/), no inline script or style, no plugins,
# no framing. connect-src 'self' covers the status polling and the live camera's WebSocket.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    # Only behind a proxy that sets X-Forwarded-Proto itself; otherwise clients could spoof it.
    if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging ---------------------------------------------------------------------------------

# Every line carries the id of the request it belongs to (also in Celery tasks the request
# queued); LOG_FORMAT=json writes one JSON object a line, for a log collector.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json (got {LOG_FORMAT!r})")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "stressdetector.ops.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {"()": "stressdetector.ops.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own console handler would print its messages a second time.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# --- Operations: health checks and metrics ---------------------------------------------------

# /metrics answers a request that sends "Authorization: Bearer <METRICS_TOKEN>" or comes from
# one of METRICS_ALLOWED_NETWORKS (CIDR; the default is this machine only).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.0/8", "::1/128"])
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_error}") from None
# The longest /readyz waits for any one check (database, Redis, channel layer, model).
READY_CHECK_TIMEOUT_S = env.float("READY_CHECK_TIMEOUT", default=3.0)
# Probes come over plain HTTP from inside the deployment.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
