"""The age step at first sign-in, and a parent's or guardian's confirmation for under-18s."""

import re
import time

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import AnonymousUser
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from twentytwo.accounts import services
from twentytwo.accounts.models import AgeStatement, GuardianConfirmation
from twentytwo.accounts.selectors import user_may_keep_favorites
from twentytwo.accounts.services import (
    GUARDIAN_EMAIL_IS_OWN,
    GUARDIAN_LINK_EXPIRED,
    GUARDIAN_LINK_INVALID,
    GUARDIAN_LINK_USED,
    GUARDIAN_NOT_NEEDED,
)
from twentytwo.accounts.views import GUARDIAN_CONFIRMED

pytestmark = pytest.mark.django_db


def _signed_in_user(listener, sub, **claims):
    listener.set_claims(sub, {"email": f"{sub}@example.org", **claims})
    listener.sign_in(sub)
    return SocialAccount.objects.get(uid=sub).user


def _ask_guardian(client, email, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:guardian_request"), {"guardian_email": email})
    (message,) = mail.outbox
    assert message.to == [email]
    return re.search(r"http://testserver(/accounts/guardian/confirm/\S+/)", message.body)[1]


def test_first_sign_in_asks_the_age_question_before_returning_to_the_page(listener, sub):
    response = listener.sign_in(sub, next_url="/about/")
    assert response["Location"] == "/about/"

    page = listener.client.get("/about/")
    assert page.status_code == 302
    assert page["Location"] == f"{reverse('accounts:age')}?{urlencode({'next': '/about/'})}"
    question = listener.client.get(page["Location"])
    assert "I am 18 or older" in question.content.decode()

    answered = listener.client.post(reverse("accounts:age"), {"adult": "yes", "next": "/about/"})

    assert answered["Location"] == "/about/"
    assert listener.client.get("/about/").status_code == 200
    assert AgeStatement.objects.get().adult is True


def test_htmx_page_request_is_sent_to_the_age_question_as_a_full_page(listener, sub):
    listener.sign_in(sub)

    response = listener.client.get("/about/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:age"))


def test_age_question_ignores_an_evil_next(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("ada"))

    response = client.post(
        reverse("accounts:age"), {"adult": "yes", "next": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_age_question_without_an_answer_asks_again(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("ada"))

    response = client.post(reverse("accounts:age"), {"adult": "maybe"})

    assert response.status_code == 400
    assert "Choose one of the two answers." in response.content.decode()
    assert not AgeStatement.objects.exists()


def test_under_18_answer_cannot_be_turned_into_18_or_older(client, django_user_model):
    user = django_user_model.objects.create_user("young")
    client.force_login(user)
    client.post(reverse("accounts:age"), {"adult": "no"})

    client.post(reverse("accounts:age"), {"adult": "yes"})

    assert AgeStatement.objects.get(user=user).adult is False
    assert not user_may_keep_favorites(user)


def test_under_18_path_end_to_end(listener, sub, django_capture_on_commit_callbacks):
    user = _signed_in_user(listener, sub)
    response = listener.client.post(reverse("accounts:age"), {"adult": "no", "next": "/about/"})
    assert response["Location"] == reverse("accounts:profile")
    profile = listener.client.get(reverse("accounts:profile")).content.decode()
    assert "you cannot keep favorites" in profile
    assert not user_may_keep_favorites(user)
    # Listening goes on as for anyone.
    assert listener.client.get("/about/").status_code == 200

    link = _ask_guardian(listener.client, "parent@example.net", django_capture_on_commit_callbacks)
    guardian = Client()
    shown = guardian.get(link)
    assert shown.status_code == 200
    assert "I am their parent or guardian and I agree" in shown.content.decode()
    assert not user_may_keep_favorites(user), "opening the link alone must not confirm"

    confirmed = guardian.post(link)

    assert GUARDIAN_CONFIRMED in confirmed.content.decode()
    assert user_may_keep_favorites(user)
    profile = listener.client.get(reverse("accounts:profile")).content.decode()
    assert "a parent or guardian has confirmed your account" in profile


def test_replayed_guardian_link_is_refused(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user = django_user_model.objects.create_user("young")
    services.age_statement_record(user=user, adult=False)
    client.force_login(user)
    link = _ask_guardian(client, "parent@example.net", django_capture_on_commit_callbacks)
    Client().post(link)

    replay = Client().post(link)

    assert replay.status_code == 400
    assert GUARDIAN_LINK_USED in replay.content.decode()
    assert GuardianConfirmation.objects.filter(confirmed_at__isnull=False).count() == 1


def test_tampered_guardian_link_is_refused(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user = django_user_model.objects.create_user("young")
    services.age_statement_record(user=user, adult=False)
    client.force_login(user)
    link = _ask_guardian(client, "parent@example.net", django_capture_on_commit_callbacks)
    token = link.rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps({"c": 999}, salt="another purpose")

    for bad in (token[:-3] + "xyz", forged):
        response = Client().post(reverse("accounts:guardian_confirm", kwargs={"token": bad}))
        assert response.status_code == 400
        assert GUARDIAN_LINK_INVALID in response.content.decode()
    assert not user_may_keep_favorites(user)


def test_expired_guardian_link_is_refused(client, django_user_model, settings):
    user = django_user_model.objects.create_user("young")
    services.age_statement_record(user=user, adult=False)
    confirmation = services.guardian_confirmation_request(
        user=user, guardian_email="parent@example.net", absolute_url=lambda p: p
    )

    class SignedLongAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - settings.GUARDIAN_LINK_MAX_AGE - 60)

    token = SignedLongAgo(salt=services.GUARDIAN_LINK_SALT).sign_object({"c": confirmation.pk})

    response = Client().post(reverse("accounts:guardian_confirm", kwargs={"token": token}))

    assert response.status_code == 400
    assert GUARDIAN_LINK_EXPIRED in response.content.decode()
    assert not user_may_keep_favorites(user)


def test_guardian_address_may_not_be_the_listeners_own(listener, sub):
    _signed_in_user(listener, sub)
    listener.client.post(reverse("accounts:age"), {"adult": "no"})

    listener.client.post(
        reverse("accounts:guardian_request"), {"guardian_email": f"{sub.upper()}@example.org"}
    )

    page = listener.client.get(reverse("accounts:profile")).content.decode()
    assert GUARDIAN_EMAIL_IS_OWN.replace("'", "&#x27;") in page
    assert not GuardianConfirmation.objects.exists()
    assert not mail.outbox


def test_adult_has_no_guardian_to_ask(client, django_user_model):
    user = django_user_model.objects.create_user("grown")
    services.age_statement_record(user=user, adult=True)

    with pytest.raises(services.AccountError, match=GUARDIAN_NOT_NEEDED):
        services.guardian_confirmation_request(
            user=user, guardian_email="parent@example.net", absolute_url=lambda p: p
        )


def test_who_may_keep_favorites(django_user_model):
    unanswered = django_user_model.objects.create_user("unanswered")
    grown = django_user_model.objects.create_user("grown")
    services.age_statement_record(user=grown, adult=True)
    young = django_user_model.objects.create_user("young")
    services.age_statement_record(user=young, adult=False)

    assert not user_may_keep_favorites(AnonymousUser())
    assert not user_may_keep_favorites(unanswered)
    assert user_may_keep_favorites(grown)
    assert not user_may_keep_favorites(young)
