"""A listener signed in for the benchmark's run, with hearts on some of the tracks it loads.

Made in the demo's database through the site's own services and Django's test client login
(a real session row, as a sign-in makes), and deleted with everything of theirs at the end."""

import contextlib
import os
import secrets
from collections.abc import Iterator

HEARTS = 5
# Only a signed-in page has this; the check before the run fails on an anonymous one.
SIGNED_IN_MARK = b'action="/accounts/logout/"'


@contextlib.contextmanager
def signed_in_listener(track_ids: list[int]) -> Iterator[dict[str, str]]:
    """Yield the request headers of a signed-in listener who hearted a few of `track_ids`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.db import connections
    from django.test import Client

    from twentytwo.accounts.services import age_statement_record
    from twentytwo.catalog.models import Track
    from twentytwo.favorites.services import favorite_add

    name = f"bench-{secrets.token_hex(4)}"
    user = get_user_model().objects.create_user(username=name, email=f"{name}@example.org")
    session_key = None
    try:
        age_statement_record(user=user, adult=True)
        for track in Track.objects.filter(pk__in=track_ids[:HEARTS]):
            favorite_add(user=user, track=track)
        client = Client()
        client.force_login(user)
        session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
        connections.close_all()  # the benchmark must not hold the database under load
        yield {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}"}
    finally:
        Session.objects.filter(session_key=session_key).delete()
        user.delete()
        connections.close_all()
