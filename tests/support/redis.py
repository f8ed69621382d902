"""A real Redis for the tests of what processes share: a database of its own, emptied
before and after each test, and an address where no Redis answers."""

import os
import shutil
import socket
import subprocess
import time

import pytest
import redis

from twentytwo.core.shared import shared_store

# The machine's Redis (CI starts it); database 14 is left to the tests.
TEST_REDIS_URL = os.environ.get("TWENTYTWO_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
# Nothing listens on port 1 of loopback: a connection there is refused at once.
NO_REDIS_URL = "redis://127.0.0.1:1/0"


@pytest.fixture
def shared_redis(settings):
    """Point the shared store (budgets, limits) at the test Redis; yield a client of it."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"these tests need Redis at {TEST_REDIS_URL} ({error}); start redis-server")
    client.flushdb()
    settings.REDIS_URL = TEST_REDIS_URL
    shared_store.forget()
    yield client
    client.flushdb()
    shared_store.forget()


@pytest.fixture
def process_only(settings):
    """No Redis configured: every process keeps its own state, as in the embedded default."""
    settings.REDIS_URL = ""
    shared_store.forget()
    yield
    shared_store.forget()


@pytest.fixture
def redis_unreachable(settings):
    """A Redis is configured, and it does not answer."""
    settings.REDIS_URL = NO_REDIS_URL
    shared_store.forget()
    yield NO_REDIS_URL
    shared_store.forget()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of a test's own, which the test may stop and start again."""

    def __init__(self, directory) -> None:
        self.port, self.directory, self.process = _free_port(), directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (Debian package redis-server)")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
