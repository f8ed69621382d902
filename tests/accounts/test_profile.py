"""The profile: information from other sources, shown with its origin, removable, refreshable."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from tests.support.oidc import MOCK
from twentytwo.accounts import services
from twentytwo.accounts.models import ProfileFact
from twentytwo.accounts.services import PROFILE_SOURCE_NOT_CONNECTED

pytestmark = pytest.mark.django_db


def _sign_in_adult(listener, sub, **claims):
    listener.set_claims(sub, claims)
    listener.sign_in(sub)
    listener.client.post(reverse("accounts:age"), {"adult": "yes"})
    return SocialAccount.objects.get(uid=sub).user


def test_profile_shows_each_fact_with_its_source(listener, sub):
    _sign_in_adult(listener, sub, name="Ada Listener", locale="nl", email=f"{sub}@example.org")

    page = listener.client.get(reverse("accounts:profile")).content.decode()

    assert "Ada Listener" in page
    assert f"{sub}@example.org" in page
    assert f'data-fact="name" data-source="{MOCK}"' in page
    assert "Refresh from Mock ID" in page


def test_removed_fact_is_gone_and_refresh_brings_it_back(listener, sub):
    user = _sign_in_adult(listener, sub, name="Ada Listener")
    name = ProfileFact.objects.get(user=user, kind="name")

    listener.client.post(reverse("accounts:fact_remove", kwargs={"fact_id": name.pk}))

    assert "Ada Listener" not in listener.client.get(reverse("accounts:profile")).content.decode()
    listener.client.post(reverse("accounts:profile_refresh"), {"source": MOCK})
    refreshed = ProfileFact.objects.get(user=user, kind="name")
    assert refreshed.value == "Ada Listener"
    assert refreshed.received_at >= name.received_at


def test_removed_fact_stays_removed_at_the_next_sign_in(listener, sub):
    user = _sign_in_adult(listener, sub, name="Ada Listener")
    name = ProfileFact.objects.get(user=user, kind="name")
    listener.client.post(reverse("accounts:fact_remove", kwargs={"fact_id": name.pk}))
    listener.client.post(reverse("account_logout"))

    listener.sign_in(sub)

    assert not ProfileFact.objects.filter(user=user, kind="name").exists()


def test_removing_the_email_fact_removes_the_address_from_the_account(listener, sub):
    user = _sign_in_adult(listener, sub, email=f"{sub}@example.org")
    email = ProfileFact.objects.get(user=user, kind="email")

    listener.client.post(reverse("accounts:fact_remove", kwargs={"fact_id": email.pk}))

    user.refresh_from_db()
    assert user.email == ""
    assert not EmailAddress.objects.filter(user=user).exists()


def test_refresh_from_a_provider_that_is_not_linked_is_refused(listener, sub):
    _sign_in_adult(listener, sub)

    response = listener.client.post(
        reverse("accounts:profile_refresh"), {"source": "google"}, follow=True
    )

    assert PROFILE_SOURCE_NOT_CONNECTED in response.content.decode()


def test_one_listener_cannot_read_or_remove_anothers_facts(listener, other_listener, sub):
    victim = _sign_in_adult(listener, sub, name="Victim Name")
    victim_fact = ProfileFact.objects.get(user=victim, kind="name")
    _sign_in_adult(other_listener, f"{sub}-other", name="Other Name")

    page = other_listener.client.get(reverse("accounts:profile")).content.decode()
    removal = other_listener.client.post(
        reverse("accounts:fact_remove", kwargs={"fact_id": victim_fact.pk})
    )

    assert "Victim Name" not in page
    assert "Other Name" in page
    assert removal.status_code == 404
    assert ProfileFact.objects.filter(pk=victim_fact.pk).exists()


def test_profile_pages_need_a_signed_in_listener(client, django_user_model):
    user = django_user_model.objects.create_user("ada")
    fact = services.profile_facts_record(user=user, source=MOCK, claims={"name": "Ada"})[0]

    page = client.get(reverse("accounts:profile"))
    removal = client.post(reverse("accounts:fact_remove", kwargs={"fact_id": fact.pk}))

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))
    assert removal.status_code == 302
    assert ProfileFact.objects.filter(pk=fact.pk).exists()


def test_removing_a_fact_needs_a_post(client, django_user_model):
    user = django_user_model.objects.create_user("ada")
    services.age_statement_record(user=user, adult=True)
    fact = services.profile_facts_record(user=user, source=MOCK, claims={"name": "Ada"})[0]
    client.force_login(user)

    response = client.get(reverse("accounts:fact_remove", kwargs={"fact_id": fact.pk}))

    assert response.status_code == 405
    assert ProfileFact.objects.filter(pk=fact.pk).exists()


def test_profile_names_the_source_even_after_its_provider_is_unconfigured(listener, sub, settings):
    _sign_in_adult(listener, sub, name="Ada Listener")
    settings.SOCIALACCOUNT_PROVIDERS = {}

    response = listener.client.get(reverse("accounts:profile"))

    assert response.status_code == 200
    assert f"<td>{MOCK}</td>" in response.content.decode()
