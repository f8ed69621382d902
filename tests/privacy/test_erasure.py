"""Erasing one's own account: after one deliberate confirmation nothing of the account's
e-mail, names, provider ids or tokens is left in any table; the link works once, for its
own account only, and not after it expires; a refused erasure changes nothing."""

import time
from urllib.parse import quote

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.models import Session
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.support.html_pages import page_of
from tests.support.people import person_with_everything, session_signed_in
from tests.support.scan import places_holding
from twentytwo.favorites.models import Favorite
from twentytwo.privacy import erasure_links as confirmation
from twentytwo.privacy.models import AuditEvent, ConsentChoice, PolicyVersion
from twentytwo.privacy.services import mydata as services

pytestmark = pytest.mark.django_db

ERASE = "/privacy/my-data/erase/"


@pytest.fixture
def me(policy):
    person = person_with_everything("mira", policy=policy)
    staff = get_user_model().objects.get(username="officer")
    # The admin's history names the account as it presented itself: its username.
    LogEntry.objects.log_actions(
        user_id=staff.pk, queryset=[person.user], action_flag=CHANGE, change_message="Changed."
    )
    return person


@pytest.fixture
def someone_else(policy):
    return person_with_everything("bram", policy=policy)


def identifying(person) -> dict[str, str]:
    return {**person.identifying, "username": person.user.username}


def confirm_url(client) -> str:
    response = client.post(ERASE)
    assert response.status_code == 302
    return response["Location"]


def test_after_erasure_no_table_holds_the_accounts_email_names_provider_ids_or_tokens(
    client, me, someone_else
):
    # Before: each value is somewhere, so the scan can see them (the tokens included).
    assert set(places_holding(identifying(me))) == set(identifying(me))
    client.force_login(me.user)
    url = confirm_url(client)
    assert client.get(url).status_code == 200

    response = client.post(url)

    assert response.status_code == 200
    assert 'data-erasure="done"' in response.content.decode()
    assert places_holding(identifying(me)) == {}
    # The other account is untouched: the scan still finds every value of theirs.
    assert set(places_holding(identifying(someone_else))) == set(identifying(someone_else))


def test_erasure_deletes_sessions_and_leaves_cookie_choices_to_their_browser(
    client, me, someone_else
):
    client.force_login(me.user)
    others_session = someone_else.session_key

    client.post(confirm_url(client))

    sessions = {s.session_key: s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()}
    assert str(me.user.pk) not in sessions.values()
    assert others_session in sessions
    assert not get_user_model().objects.filter(pk=me.user.pk).exists()
    assert not Favorite.objects.filter(user_id=me.user.pk).exists()
    choice = ConsentChoice.objects.get(consent_id=me.consent_id)
    assert (choice.user_id, choice.method) == (None, "chosen")
    # Signed out: My data now asks to sign in.
    assert client.get(reverse("privacy:my_data")).status_code == 302


def test_the_erasure_is_audited_with_counts_and_the_accounts_number_only(client, me):
    client.force_login(me.user)
    user_id = me.user.pk

    client.post(confirm_url(client))

    audit = AuditEvent.objects.get(kind="erasure")
    assert (audit.subject_user_id, audit.actor, audit.actor_user_id) == (
        user_id,
        "subject",
        user_id,
    )
    assert audit.detail["removed"]["favorites.Favorite"] == 3
    assert audit.detail["removed"]["socialaccount.SocialToken"] == 1
    assert audit.detail["sessions"] == 2
    assert audit.detail["cookie_choices_kept_without_account"] == 1
    # Audit rows about the account outlive it, holding its number and nothing else.
    assert AuditEvent.objects.filter(subject_user_id=user_id, kind="correction").exists()


def test_a_refused_erasure_changes_nothing_and_records_nothing(client, me):
    # A published policy version keeps the account that published it (PROTECT).
    PolicyVersion.objects.filter(published=True).update(published_by=me.user)
    client.force_login(me.user)
    sessions_before = Session.objects.count()

    response = client.post(confirm_url(client))

    assert response.status_code == 409
    assert escape(services.ERASURE_KEPT_BY_RECORDS) in response.content.decode()
    assert get_user_model().objects.filter(pk=me.user.pk).exists()
    assert Favorite.objects.filter(user=me.user).count() == 3
    assert Session.objects.count() == sessions_before
    assert LogEntry.objects.get().object_repr == me.user.username
    assert not AuditEvent.objects.filter(kind="erasure").exists()


def test_a_replayed_link_is_refused_with_a_clear_page(client, me):
    client.force_login(me.user)
    url = confirm_url(client)
    client.post(url)

    for method in (client.get, client.post):
        replayed = method(url)
        assert replayed.status_code == 410
        assert escape(confirmation.ERASURE_LINK_USED) in replayed.content.decode()
    assert AuditEvent.objects.filter(kind="erasure").count() == 1


def test_a_replayed_link_is_refused_even_signed_in_to_another_account(client, me, someone_else):
    client.force_login(me.user)
    url = confirm_url(client)
    client.post(url)
    client.force_login(someone_else.user)

    replayed = client.post(url)

    assert replayed.status_code == 410
    assert get_user_model().objects.filter(pk=someone_else.user.pk).exists()


def test_an_expired_link_is_refused_and_erases_nothing(client, me, settings):
    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - settings.PRIVACY_ERASURE_LINK_MAX_AGE - 5)

    token = Earlier(salt=confirmation.ERASURE_LINK_SALT).sign_object(
        {"u": me.user.pk, "n": "0" * 32}
    )
    client.force_login(me.user)

    for method in (client.get, client.post):
        response = method(reverse("privacy:erase_confirm", kwargs={"token": token}))
        assert response.status_code == 410
        assert escape(confirmation.ERASURE_LINK_EXPIRED) in response.content.decode()
    assert get_user_model().objects.filter(pk=me.user.pk).exists()


def test_a_link_made_for_another_account_is_refused(client, me, someone_else):
    other_browser = Client()
    other_browser.force_login(someone_else.user)
    others_url = confirm_url(other_browser)
    client.force_login(me.user)

    for method in (client.get, client.post):
        response = method(others_url)
        assert response.status_code == 403
        assert escape(confirmation.ERASURE_LINK_OTHER_ACCOUNT) in response.content.decode()
    assert get_user_model().objects.filter(pk__in=[me.user.pk, someone_else.user.pk]).count() == 2
    assert not AuditEvent.objects.filter(kind="erasure").exists()


def test_a_tampered_or_signed_out_link_is_refused(client, me):
    client.force_login(me.user)
    url = confirm_url(client)
    tampered = client.post(url[:-3] + "abc/")
    client.logout()
    signed_out = client.post(url)

    assert tampered.status_code == 400
    assert escape(confirmation.ERASURE_LINK_INVALID) in tampered.content.decode()
    assert signed_out.status_code == 403
    assert escape(confirmation.ERASURE_LINK_SIGN_IN) in signed_out.content.decode()
    sign_in = page_of(signed_out).one("a", class_="button").attrs["href"]
    assert sign_in == f"{reverse('account_login')}?next={quote(url)}"
    assert get_user_model().objects.filter(pk=me.user.pk).exists()


def test_opening_the_link_erases_nothing_until_confirmed(client, me):
    client.force_login(me.user)

    page = client.get(confirm_url(client))

    assert page.status_code == 200
    assert "Yes, erase my account" in page.content.decode()
    assert get_user_model().objects.filter(pk=me.user.pk).exists()


def test_a_staff_account_cannot_erase_itself_here(client, policy):
    staff = get_user_model().objects.create_user(username="editor", is_staff=True)
    session_signed_in(staff)
    client.force_login(staff)

    response = client.post(confirm_url(client))

    assert response.status_code == 409
    assert escape(services.ERASURE_STAFF) in response.content.decode()
    assert get_user_model().objects.filter(pk=staff.pk).exists()


def test_starting_an_erasure_needs_a_signed_in_post(client, me):
    assert client.post(ERASE).status_code == 302
    client.force_login(me.user)
    assert client.get(ERASE).status_code == 405
