"""Signing in through a real OpenID Connect server: accounts, linking and every refusal."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.support.oidc import MOCK, MOCK_OTHER, query_param
from twentytwo.accounts.adapter import EMAIL_IN_USE
from twentytwo.accounts.claims import NAME_MAX_LENGTH
from twentytwo.accounts.models import ProfileFact

pytestmark = pytest.mark.django_db

User = get_user_model()


def test_first_sign_in_creates_the_account_with_its_profile_facts(listener, sub):
    listener.set_claims(
        sub, {"name": "Ada Listener", "email": f"{sub}@example.org", "locale": "nl-NL"}
    )

    response = listener.sign_in(sub, next_url="/about/")

    assert response.status_code == 302
    assert response["Location"] == "/about/"
    account = SocialAccount.objects.get(provider=MOCK, uid=sub)
    facts = {f.kind: f for f in ProfileFact.objects.filter(user=account.user)}
    assert facts["name"].value == "Ada Listener"
    assert facts["email"].value == f"{sub}@example.org"
    assert facts["locale"].value == "nl-NL"
    assert {f.source for f in facts.values()} == {MOCK}
    assert not account.user.has_usable_password()


def test_second_sign_in_finds_the_same_account(listener, sub):
    listener.sign_in(sub)
    first = SocialAccount.objects.get(provider=MOCK, uid=sub).user_id
    listener.client.post(reverse("account_logout"))

    listener.sign_in(sub)

    assert SocialAccount.objects.get(provider=MOCK, uid=sub).user_id == first
    assert User.objects.count() == 1
    assert int(listener.client.session["_auth_user_id"]) == first


def test_authorization_request_carries_state_pkce_s256_and_nonce(listener):
    authorize_url = listener.start()

    assert query_param(authorize_url, "state")
    assert query_param(authorize_url, "code_challenge")
    assert query_param(authorize_url, "code_challenge_method") == "S256"
    assert query_param(authorize_url, "nonce")


def test_second_provider_can_be_linked_while_signed_in(listener, sub):
    listener.set_claims(sub, {"email": f"{sub}@example.org"})
    listener.sign_in(sub)
    user = SocialAccount.objects.get(provider=MOCK, uid=sub).user
    other_sub = f"{sub}-elsewhere"
    # The same address at the second service: linking is fine from a signed-in session.
    listener.set_claims(other_sub, {"email": f"{sub}@example.org", "name": "Ada Elsewhere"})

    response = listener.sign_in(other_sub, MOCK_OTHER, process="connect")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert set(user.socialaccount_set.values_list("provider", flat=True)) == {MOCK, MOCK_OTHER}
    assert User.objects.count() == 1
    page = listener.client.get(reverse("accounts:profile")).content.decode()
    assert "Other ID" in page


def test_email_already_used_by_another_account_is_refused_without_merging(
    listener, other_listener, sub
):
    listener.set_claims(sub, {"email": f"{sub}@example.org"})
    listener.sign_in(sub)
    intruder = f"{sub}-intruder"
    other_listener.set_claims(intruder, {"email": f"{sub.upper()}@EXAMPLE.org", "name": "X"})

    response = other_listener.sign_in(intruder, MOCK_OTHER)

    assert response.status_code == 409
    assert EMAIL_IN_USE in response.content.decode()
    assert User.objects.count() == 1
    assert not SocialAccount.objects.filter(uid=intruder).exists()
    assert not ProfileFact.objects.filter(value="X").exists()
    assert "_auth_user_id" not in other_listener.client.session


def test_tampered_state_is_refused_and_creates_nothing(listener, sub):
    callback_url = listener.authorize(listener.start(), sub)
    state = query_param(callback_url, "state")

    response = listener.callback(callback_url.replace(state, state[:-4] + "AAAA"))

    assert response.status_code == 401
    assert "Sign-in failed" in response.content.decode()
    assert not User.objects.exists()
    assert not SocialAccount.objects.exists()
    assert "_auth_user_id" not in listener.client.session


def test_callback_without_any_state_is_refused(listener, sub):
    callback_url = listener.authorize(listener.start(), sub)
    code = query_param(callback_url, "code")

    response = listener.client.get(
        reverse("openid_connect_callback", kwargs={"provider_id": MOCK}), {"code": code}
    )

    assert response.status_code == 401
    assert not User.objects.exists()


def test_replayed_code_is_refused(listener, sub):
    first_callback = listener.callback
    callback_url = listener.authorize(listener.start(), sub)
    first_callback(callback_url)
    listener.client.post(reverse("account_logout"))
    old_code = query_param(callback_url, "code")
    # A new sign-in attempt, answered with the code the provider already redeemed.
    fresh = listener.authorize(listener.start(), sub)
    replayed = fresh.replace(query_param(fresh, "code"), old_code)

    response = listener.callback(replayed)

    assert response.status_code == 401
    assert "_auth_user_id" not in listener.client.session


def test_same_callback_twice_is_refused(listener, sub):
    callback_url = listener.authorize(listener.start(), sub)
    listener.callback(callback_url)
    listener.client.post(reverse("account_logout"))

    response = listener.callback(callback_url)

    assert response.status_code == 401
    assert "_auth_user_id" not in listener.client.session


def test_code_from_another_sign_in_attempt_is_refused_by_the_nonce(listener, sub):
    # Two attempts in one browser; the answer to the first arrives with the second's state.
    first = listener.authorize(listener.start(), sub)
    second = listener.authorize(listener.start(), sub)
    swapped = second.replace(query_param(second, "code"), query_param(first, "code"))

    response = listener.callback(swapped)

    assert response.status_code == 401
    assert not User.objects.exists()


def test_cancelled_sign_in_shows_a_clear_page_and_creates_nothing(listener):
    callback_url = listener.deny(listener.start())

    response = listener.callback(callback_url)
    page = listener.client.get(response["Location"])

    assert "Sign-in cancelled" in page.content.decode()
    assert not User.objects.exists()


def test_evil_next_is_ignored(listener, sub):
    response = listener.sign_in(sub, next_url="https://evil.example/steal")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_missing_claims_still_make_an_account(listener, sub):
    listener.set_claims(sub, {})

    response = listener.sign_in(sub)

    assert response.status_code == 302
    account = SocialAccount.objects.get(uid=sub)
    assert not ProfileFact.objects.filter(user=account.user).exists()


def test_absurdly_long_name_is_shortened_and_bad_values_dropped(listener, sub):
    listener.set_claims(
        sub,
        {
            "name": "Ada\u202e " + "very " * 5000,
            "email": "not an address",
            "locale": "<script>",
            "picture": "javascript:alert(1)",
        },
    )

    listener.sign_in(sub)

    user = SocialAccount.objects.get(uid=sub).user
    facts = {f.kind: f.value for f in ProfileFact.objects.filter(user=user)}
    assert set(facts) == {"name"}
    assert NAME_MAX_LENGTH - 1 <= len(facts["name"]) <= NAME_MAX_LENGTH
    assert facts["name"].startswith("Ada very very")
    assert facts["name"].endswith("…")
    assert user.email == ""


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/signup/",
        "/accounts/password/change/",
        "/accounts/password/set/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-abc/",
        "/accounts/email/",
        "/accounts/reauthenticate/",
        "/accounts/login/code/confirm/",
        "/accounts/confirm-email/",
    ],
)
def test_no_password_or_local_signup_form_exists(client, path):
    assert client.get(path).status_code == 404


def test_login_page_takes_no_password(client, django_user_model):
    django_user_model.objects.create_user("staff", password="correct horse battery")

    response = client.post(
        reverse("account_login"), {"login": "staff", "password": "correct horse battery"}
    )

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_staff_keep_the_admin_password_login(client, django_user_model):
    django_user_model.objects.create_user(
        "staff", password="correct horse battery", is_staff=True, is_superuser=True
    )

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "staff", "password": "correct horse battery"},
    )

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_sign_in_page_lists_the_configured_providers(listener):
    response = listener.client.get(reverse("account_login"), {"next": "/about/"})

    page = response.content.decode()
    assert "Sign in with Mock ID" in page
    assert "Sign in with Other ID" in page
    assert 'type="password"' not in page
    assert "next=%2Fabout%2F" in page


def test_sign_in_page_without_providers_says_so(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}

    page = client.get(reverse("account_login")).content.decode()

    assert "Signing in is not available" in page
