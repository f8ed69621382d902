"""The demo's curator and partner accounts: signing in as `curator` (or `partner`) through a
real OpenID Connect server finds the seeded account, which sees the released figures of its
curator's genres (of its label's tracks) only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests.support.factories import CityFactory, GenreFactory, track_create
from tests.support.oidc import MOCK
from twentytwo.catalog import services as catalog_services
from twentytwo.demo.services import demo_curator_account_seed, demo_partner_seed

pytestmark = pytest.mark.django_db


def test_signing_in_as_the_demo_curator_shows_the_curators_genres_only(listener, sub):
    city = CityFactory(slug="amsterdam")
    own = GenreFactory(city=city, slug="deep-house")
    other = GenreFactory(city=city, slug="polka")
    curator = demo_curator_account_seed(provider_id=MOCK, subject=sub)
    assert demo_curator_account_seed(provider_id=MOCK, subject=sub) == curator == own.curator
    (account,) = get_user_model().objects.all()
    assert list(curator.accounts.all()) == [account]

    listener.sign_in(sub, next_url="/ratings/")
    # The first sign-in asks the age question, as for anyone.
    assert listener.client.get("/ratings/")["Location"].startswith(reverse("accounts:age"))
    listener.client.post(reverse("accounts:age"), {"adult": "yes"})
    # The ratings of a curator's genres are in the partner portal, through disclosure.
    assert listener.client.get("/ratings/")["Location"] == "/partners/"
    portal = listener.client.get("/partners/")["Location"]
    page = listener.client.get(portal)

    assert get_user_model().objects.get() == account
    assert page.status_code == 200
    assert [genre.slug for genre in page.context["form"].genres] == [own.slug]
    assert other.name not in page.content.decode()


def test_signing_in_as_the_demo_partner_opens_the_labels_reports(listener, sub):
    city = CityFactory(slug="amsterdam")
    genre = GenreFactory(city=city, slug="deep-house", position=0)
    track = track_create(title="Owned")
    catalog_services.track_add_to_rotation(genre=genre, track=track, at=timezone.now())
    organisation = demo_partner_seed(provider_id=MOCK, subject=sub)
    assert demo_partner_seed(provider_id=MOCK, subject=sub) == organisation
    assert list(organisation.rights.values_list("track__title", flat=True)) == ["Owned"]

    listener.sign_in(sub, next_url="/partners/")
    listener.client.post(reverse("accounts:age"), {"adult": "yes"})
    assert listener.client.get("/partners/")["Location"] == f"/partners/{organisation.slug}/"
    page = listener.client.get(f"/partners/{organisation.slug}/")
    assert page.status_code == 200 and page.context["access"].is_admin


def test_without_a_curated_genre_no_account_is_made():
    assert demo_curator_account_seed(provider_id=MOCK, subject="curator") is None
    assert not get_user_model().objects.exists()
