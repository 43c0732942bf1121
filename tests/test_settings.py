"""The settings read the environment: embedded defaults, PostgreSQL and Redis, loud failures."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.helpers import load_base_settings

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/stressdetector"
REDIS_URL = "redis://127.0.0.1:6379/0"


def test_it_defaults_to_the_embedded_platform(monkeypatch):
    s = load_base_settings(monkeypatch)

    assert s.DEBUG is True
    assert s.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s.DATABASES["default"]["NAME"] == str(REPO / "db.sqlite3")
    assert s.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert s.CELERY_TASK_ALWAYS_EAGER is True
    assert s.CELERY_TASK_EAGER_PROPAGATES is True
    assert s.CELERY_BROKER_URL == "memory://"
    assert s.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
    assert s.REDIS_URL == ""


def test_it_sets_the_values_later_features_rely_on(monkeypatch):
    s = load_base_settings(monkeypatch)

    assert s.AUTH_USER_MODEL == "accounts.User"
    assert Path(s.MEDIA_ROOT) == REPO / "media"
    assert s.ANALYSIS_MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    assert s.ANALYSIS_URL_ALLOWED_HOSTS == []
    assert s.ML_WEIGHTS_DIR == ""
    assert (s.TWILIO_ACCOUNT_SID, s.TWILIO_AUTH_TOKEN, s.TWILIO_FROM_NUMBER) == ("", "", "")
    assert s.CELERY_TASK_ACKS_LATE is True
    assert s.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert s.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


def test_it_uses_the_database_in_database_url(monkeypatch):
    s = load_base_settings(monkeypatch, DATABASE_URL=POSTGRES_URL)

    database = s.DATABASES["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["HOST"], database["PORT"]) == (
        "stressdetector",
        "postgres",
        "127.0.0.1",
        5432,
    )


def test_it_uses_redis_for_celery_channels_and_the_cache_when_redis_url_is_set(monkeypatch):
    s = load_base_settings(monkeypatch, REDIS_URL=REDIS_URL)

    assert s.CELERY_BROKER_URL == REDIS_URL
    assert s.CELERY_RESULT_BACKEND == REDIS_URL
    assert s.CELERY_TASK_ALWAYS_EAGER is False
    assert s.CHANNEL_LAYERS["default"] == {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": REDIS_URL,
                    "socket_timeout": s.CHANNEL_LAYER_SOCKET_TIMEOUT_S,
                    "socket_connect_timeout": s.REDIS_CONNECT_TIMEOUT_S,
                    "retry": s._async_redis_retry,
                }
            ]
        },
    }
    assert s.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_every_redis_client_has_timeouts(monkeypatch):
    s = load_base_settings(monkeypatch, REDIS_URL=REDIS_URL, REDIS_CONNECT_TIMEOUT="1.5", REDIS_SOCKET_TIMEOUT="4")

    assert s.CACHES["default"]["OPTIONS"] == {"socket_connect_timeout": 1.5, "socket_timeout": 4.0, "retry": s._redis_retry}
    assert s.CELERY_BROKER_TRANSPORT_OPTIONS == {"socket_connect_timeout": 1.5, "socket_timeout": 4.0}
    assert (s.CELERY_REDIS_SOCKET_CONNECT_TIMEOUT, s.CELERY_REDIS_SOCKET_TIMEOUT) == (1.5, 4.0)
    assert s.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["socket_connect_timeout"] == 1.5


def test_redis_pools_retry_a_command_on_a_fresh_connection(monkeypatch):
    s = load_base_settings(monkeypatch, REDIS_URL=REDIS_URL)

    # The cache's client is synchronous, the channel layer's asynchronous: each gets its own kind.
    assert s.CACHES["default"]["OPTIONS"]["retry"].get_retries() == 3
    assert type(s.CACHES["default"]["OPTIONS"]["retry"]).__module__ == "redis.retry"
    assert type(s.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"][0]["retry"]).__module__ == "redis.asyncio.retry"


def test_celery_time_limits_and_memory_cap_are_read_and_checked(monkeypatch):
    limits = {"CELERY_TASK_SOFT_TIME_LIMIT": "30", "CELERY_TASK_TIME_LIMIT": "45", "CELERY_WORKER_MAX_MEMORY_PER_CHILD": "1000"}
    s = load_base_settings(monkeypatch, **limits)

    assert (s.CELERY_TASK_SOFT_TIME_LIMIT, s.CELERY_TASK_TIME_LIMIT, s.CELERY_WORKER_MAX_MEMORY_PER_CHILD) == (30, 45, 1000)
    with pytest.raises(ImproperlyConfigured, match="CELERY_TASK_TIME_LIMIT"):
        load_base_settings(monkeypatch, CELERY_TASK_SOFT_TIME_LIMIT="60", CELERY_TASK_TIME_LIMIT="60")


def test_metrics_networks_must_be_networks(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="METRICS_ALLOWED_NETWORKS"):
        load_base_settings(monkeypatch, METRICS_ALLOWED_NETWORKS="10.0.0.0/8,intranet")


def test_the_redis_channel_layer_waits_for_messages_longer_than_redis_reads_time_out(monkeypatch):
    """redis-py 8 times reads out after 5 s by default, and channels_redis blocks for 5 s at a
    time waiting for a message: without a longer read timeout an idle WebSocket dies."""
    from channels_redis.core import RedisChannelLayer

    s = load_base_settings(monkeypatch, REDIS_URL=REDIS_URL)

    [host] = s.CHANNEL_LAYERS["default"]["CONFIG"]["hosts"]
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout


def test_it_reads_lists_numbers_and_secrets(monkeypatch):
    s = load_base_settings(
        monkeypatch,
        ANALYSIS_URL_ALLOWED_HOSTS="upload.wikimedia.org,images.example.com",
        ANALYSIS_MAX_UPLOAD_BYTES="2048",
        TWILIO_ACCOUNT_SID="AC123",
        TWILIO_FROM_NUMBER="+15005550006",
        ML_WEIGHTS_DIR="/srv/model",
    )

    assert s.ANALYSIS_URL_ALLOWED_HOSTS == ["upload.wikimedia.org", "images.example.com"]
    assert s.ANALYSIS_MAX_UPLOAD_BYTES == 2048
    assert s.TWILIO_ACCOUNT_SID == "AC123"
    assert s.TWILIO_FROM_NUMBER == "+15005550006"
    assert s.ML_WEIGHTS_DIR == "/srv/model"


def test_it_sends_mail_through_smtp_from_email_url(monkeypatch):
    s = load_base_settings(monkeypatch, EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587")

    assert s.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    assert (s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS) == ("smtp.example.com", 587, "mailer", True)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "Flase"),
        ("ANALYSIS_MAX_UPLOAD_BYTES", "10MB"),
        ("DATABASE_URL", "mysql://root@localhost/stressdetector"),
        ("REDIS_URL", "127.0.0.1:6379"),
    ],
)
def test_it_fails_loudly_on_a_bad_value(monkeypatch, name, value):
    with pytest.raises(ImproperlyConfigured, match=name):
        load_base_settings(monkeypatch, **{name: value})


def test_it_refuses_a_real_worker_without_a_broker(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        load_base_settings(monkeypatch, CELERY_TASK_ALWAYS_EAGER="false")


def test_it_needs_a_secret_key_and_hosts_when_debug_is_off(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_base_settings(monkeypatch, DEBUG="false", ALLOWED_HOSTS="stress.example.com")
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        load_base_settings(monkeypatch, DEBUG="false", SECRET_KEY="x" * 50)


def test_it_has_secure_defaults_when_debug_is_off(monkeypatch):
    s = load_base_settings(monkeypatch, DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="stress.example.com")

    assert s.DEBUG is False
    assert s.ALLOWED_HOSTS == ["stress.example.com"]
    assert s.SESSION_COOKIE_SECURE is True
    assert s.CSRF_COOKIE_SECURE is True
    assert s.SECURE_SSL_REDIRECT is True
    assert s.SECURE_HSTS_SECONDS > 0
    assert "django.middleware.csrf.CsrfViewMiddleware" in s.MIDDLEWARE
    assert s.STORAGES["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_each_test_run_keeps_its_cache_keys_apart_from_other_runs(settings):
    # Throttle counters a previous run left in the same Redis must not answer this run's
    # requests (user ids start again at 1 in every new test database).
    import os

    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    assert prefix.startswith("test-") and len(prefix) > len("test-")
    assert os.environ["STRESSDETECTOR_TEST_RUN"] == prefix  # Inherited by the worker the suite starts.
