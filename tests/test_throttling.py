"""The API's throttles let requests through when their cache cannot be reached."""

from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.throttling import SimpleRateThrottle


class UnreachableCache:
    def get(self, *args, **kwargs):
        raise RedisConnectionError("Redis is down")

    set = get


def test_an_unreachable_throttle_cache_does_not_turn_api_calls_into_errors(alice_client, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "cache", UnreachableCache())

    assert alice_client.get(reverse("api:analysis-list")).status_code == 200
