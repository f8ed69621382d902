import pytest
from django.core.cache import caches

from twentytwo.streaming.selectors import stream_source_cache_clear


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Keep every stored file of a test in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_stream_sources():
    """Track ids are reused between tests on SQLite; a cached source must not leak across."""
    stream_source_cache_clear()
    yield
    stream_source_cache_clear()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Cached API answers of one test must not answer the next."""
    for cache in caches.all():
        cache.clear()
