"""Sessions: a new id at sign-in, gone from the server at sign-out, idle and absolute limits."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse

from twentytwo.accounts import services
from twentytwo.accounts.middleware import SESSION_ENDED, SESSION_SEEN_AT, SESSION_SIGNED_IN_AT

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, django_user_model):
    user = django_user_model.objects.create_user("ada")
    services.age_statement_record(user=user, adult=True)
    client.force_login(user)
    # The first request stamps the sign-in time.
    assert client.get(reverse("accounts:profile")).status_code == 200
    return client


def _set_session(client, **values):
    session = client.session
    session.update(values)
    session.save()


def test_sign_in_gives_a_new_session_id(listener, sub):
    callback_url = listener.authorize(listener.start(), sub)
    before = listener.client.session.session_key
    assert before

    listener.callback(callback_url)

    after = listener.client.session.session_key
    assert after != before
    assert not SessionStore().exists(before)
    assert listener.client.session["_auth_user_id"]


def test_sign_out_deletes_the_session_on_the_server(signed_in):
    key = signed_in.session.session_key

    response = signed_in.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not SessionStore().exists(key)
    # The old cookie, sent again, opens nothing.
    signed_in.cookies["sessionid"] = key
    assert signed_in.get(reverse("accounts:profile")).status_code == 302


def test_sign_out_by_get_only_asks(signed_in):
    response = signed_in.get(reverse("account_logout"))

    assert response.status_code == 200
    assert "Sign out of 22tracks on this device?" in response.content.decode()
    assert signed_in.get(reverse("accounts:profile")).status_code == 200


def test_sign_out_needs_the_csrf_token(django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_user("ada"))

    response = client.post(reverse("account_logout"))

    assert response.status_code == 403
    assert "_auth_user_id" in client.session


def test_idle_session_is_signed_out(signed_in, settings):
    key = signed_in.session.session_key
    now = int(time.time())
    _set_session(signed_in, **{SESSION_SEEN_AT: now - settings.SESSION_IDLE_TIMEOUT - 1})

    response = signed_in.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not SessionStore().exists(key)
    assert SESSION_ENDED in signed_in.get(response["Location"]).content.decode()


def test_activity_within_the_idle_limit_keeps_the_session(signed_in, settings):
    now = int(time.time())
    _set_session(signed_in, **{SESSION_SEEN_AT: now - settings.SESSION_IDLE_TIMEOUT + 120})

    response = signed_in.get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert signed_in.session[SESSION_SEEN_AT] >= now


def test_session_past_the_absolute_limit_is_signed_out_however_active(signed_in, settings):
    now = int(time.time())
    _set_session(
        signed_in,
        **{SESSION_SIGNED_IN_AT: now - settings.SESSION_ABSOLUTE_TIMEOUT - 1, SESSION_SEEN_AT: now},
    )

    response = signed_in.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert "_auth_user_id" not in signed_in.session


def test_anonymous_catalog_answers_do_not_vary_on_the_session_cookie(client):
    response = client.get("/api/cities")

    assert response.status_code == 200

    assert "Cookie" not in response.get("Vary", "")
