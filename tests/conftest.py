import pytest
from django.core import signals
from django.core.cache import caches
from django.db import close_old_connections

from twentytwo.audience.selectors.placements import placements_forget
from twentytwo.core.limits import buckets_forget
from twentytwo.core.shared import shared_store
from twentytwo.core.templatetags.fragments import fragments_forget
from twentytwo.streaming.selectors import stream_source_cache_clear
from twentytwo.traffic.loader import AccessLogLoader
from twentytwo.traffic.metrics import Counters
from twentytwo.traffic.writer import AccessLogWriter, access_log_writer_install
from twentytwo.web.pages import catalog_reads_forget

# Fixtures every test may use, from the helpers the tests share (tests/support/).
pytest_plugins = [
    "tests.support.beacons",
    "tests.support.browser",
    "tests.support.catalog",
    "tests.support.demo",
    "tests.support.listeners",
    "tests.support.oidc",
    "tests.support.policies",
    "tests.support.redis",
    "tests.support.smtp",
    "tests.support.webhook",
    "tests.support.wsgi",
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Keep every stored file of a test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Track ids are reused between tests on SQLite: a cached source, placement, read or
    drawing of a track must not leak across, nor one test's listener budgets into the next."""
    resets = (
        stream_source_cache_clear,
        placements_forget,
        buckets_forget,
        shared_store.forget,
        fragments_forget,
        catalog_reads_forget,
    )
    for forget in resets:
        forget()
    yield
    for forget in resets:
        forget()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Cached API answers of one test must not answer the next."""
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def wsgi_on_test_connection(db):
    """Let a test call a WSGI handler directly on the test's own database connection.

    A handler closes connections when a request ends, as Django's test client does not;
    inside a test that would close the connection holding the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def access_log(tmp_path):
    """Give requests through the WSGI application a writer without a background thread.

    No thread or process may write to the database beside a test; the records wait until a
    test flushes them, which hands them over to the spool and loads them (as
    ACCESS_LOG_LOADER = "inline" does), into the test's own folder and counters."""
    counters = Counters()
    spool = tmp_path / "log" / "spool"
    loader = AccessLogLoader(spool_directory=spool, directory=tmp_path / "log", counters=counters)
    writer = AccessLogWriter(
        spool_directory=spool, counters=counters, loader=loader, background=False
    )
    previous = access_log_writer_install(writer)
    yield writer
    access_log_writer_install(previous)
