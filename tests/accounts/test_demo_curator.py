"""The demo's curator account: signing in as `curator` through a real OpenID Connect
server finds the seeded account, which sees the ratings of its curator's genres only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.support.factories import CityFactory, GenreFactory
from tests.support.oidc import MOCK
from twentytwo.demo.services import demo_curator_account_seed

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
    page = listener.client.get("/ratings/", {"city": "amsterdam"})

    assert get_user_model().objects.get() == account
    assert page.status_code == 200
    rows = page.context["board"].genre_rows
    assert [row["genre"] for row in rows] == [own.slug]
    assert other.slug not in page.content.decode()


def test_without_a_curated_genre_no_account_is_made():
    assert demo_curator_account_seed(provider_id=MOCK, subject="curator") is None
    assert not get_user_model().objects.exists()
