"""The policy version in force, for tests that record choices against it."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from twentytwo.privacy.models import PolicyVersion
from twentytwo.privacy.selectors.policy import policy_in_force


@pytest.fixture
def policy(db) -> PolicyVersion:
    """The version in force: the one the migrations publish, or one made for the test.

    Tests that empty the database between them (the browser tests) lose what the
    migrations wrote, so the fixture makes a version when none is in force."""
    version = policy_in_force()
    if version is not None:
        return version
    latest = PolicyVersion.objects.order_by("-number").values_list("number", flat=True).first()
    return PolicyVersion.objects.create(
        number=(latest or 0) + 1,
        effective_on=timezone.localdate() - dt.timedelta(days=30),
        text_en="## What we keep\n\nOnly what the service needs.",
        text_nl="## Wat we bewaren\n\nAlleen wat de dienst nodig heeft.",
        published=True,
        published_at=timezone.now() - dt.timedelta(days=31),
    )


def policy_changing_cookie_purposes(policy: PolicyVersion) -> PolicyVersion:
    """Publish a version after `policy`, in force today, that changes the cookie purposes.

    The migrations' version takes effect the day they run, so `policy` is moved back to
    make room for one after it; the purposes version's cache is emptied."""
    PolicyVersion.objects.filter(pk=policy.pk).update(
        effective_on=timezone.localdate() - dt.timedelta(days=10)
    )
    cache.clear()
    return PolicyVersion.objects.create(
        number=policy.number + 1,
        effective_on=timezone.localdate(),
        text_en=policy.text_en,
        text_nl=policy.text_nl,
        cookie_purposes_changed=True,
        published=True,
        published_at=timezone.now(),
    )
