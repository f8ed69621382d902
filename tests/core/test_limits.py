"""Token buckets in this process and in Redis: the same arithmetic, shared between processes
through Redis, and kept locally while Redis does not answer."""

import os
import subprocess
import sys

import pytest

from tests.support.processes import PYTHONPATH, ROOT
from tests.support.redis import TEST_REDIS_URL
from twentytwo.core import shared
from twentytwo.core.limits import TokenBuckets, address_key
from twentytwo.core.shared import shared_store

T0 = 1_750_000_000.0


@pytest.fixture(params=["local", "redis"])
def where(request):
    if request.param == "redis":
        request.getfixturevalue("shared_redis")
    return request.param


def test_a_bucket_gives_its_burst_then_its_rate_and_never_more_than_the_burst(where):
    buckets = TokenBuckets("test", burst=10, per_second=1.0)

    assert buckets.take("a", 4, T0).granted == 4
    assert buckets.take("a", 10, T0 + 2).granted == 8
    refused = buckets.take("a", 1, T0 + 2)
    assert (refused.granted, refused.retry_after()) == (0, 1)
    assert buckets.take("a", 50, T0 + 3600).granted == 10
    # A clock stepping back neither refills nor drains.
    assert buckets.take("a", 5, T0).granted == 0
    assert buckets.take("a", 5, T0 + 3603).granted == 3
    # Another key has its own bucket.
    assert buckets.take("b", 10, T0).granted == 10


def test_retry_after_says_when_enough_tokens_are_back(where):
    buckets = TokenBuckets("slow", burst=2, per_second=1 / 30)
    buckets.take("a", 2, T0)

    refused = buckets.take("a", 1, T0 + 10)

    assert refused.granted == 0
    assert refused.retry_after() == 20


def test_processes_spend_from_one_bucket_through_redis(shared_redis):
    script = (
        "import django; django.setup();"
        "from twentytwo.core.limits import TokenBuckets;"
        f"print(TokenBuckets('shared', burst=10, per_second=0.0).take('a', 7, {T0}).granted)"
    )
    env = {
        **os.environ,
        "PYTHONPATH": PYTHONPATH,
        "DJANGO_SETTINGS_MODULE": "twentytwo.config.settings",
        "TWENTYTWO_REDIS_URL": TEST_REDIS_URL,
    }
    other = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip() == "7"

    here = TokenBuckets("shared", burst=10, per_second=0.0)
    assert here.take("a", 10, T0).granted == 3
    # What the buckets hold in Redis names no address or listener in the clear.
    assert all(key.startswith(b"tt:bucket:shared:") for key in shared_redis.keys("*"))


def test_without_redis_answering_each_process_keeps_its_own_buckets(redis_unreachable, monkeypatch):
    monkeypatch.setattr(shared, "RETRY_SECONDS", 60.0)
    buckets = TokenBuckets("down", burst=3, per_second=0.0)

    assert buckets.take("a", 2, T0).granted == 2
    assert buckets.take("a", 2, T0).granted == 1
    state = shared_store.state()
    assert state.degraded and state.failures == 1
    # Found down once, Redis is not asked again until the retry time: no timeout per call.
    assert shared_store.client() is None


def test_redis_answering_again_ends_the_degraded_state(own_redis, settings, monkeypatch):
    monkeypatch.setattr(shared, "RETRY_SECONDS", 0.0)
    settings.REDIS_URL = own_redis.url
    buckets = TokenBuckets("back", burst=5, per_second=0.0)
    assert buckets.take("a", 5, T0).granted == 5

    own_redis.stop()
    assert buckets.take("a", 1, T0).granted == 1  # this process's own, full bucket
    assert shared_store.state().degraded

    own_redis.start()  # an empty Redis: the bucket there starts full again
    assert buckets.take("a", 1, T0).granted == 1
    assert not shared_store.state().degraded


def test_an_address_key_is_a_keyed_hash(settings):
    key = address_key("198.51.100.7")
    assert "198" not in key and len(key) == 24
    assert key == address_key("198.51.100.7") != address_key("198.51.100.8")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert address_key("198.51.100.7") != key
