"""Listeners of each kind the favorites rules tell apart, built through the accounts services."""

import pytest
from django.contrib.auth import get_user_model

from twentytwo.accounts import services as accounts


def listener(username: str, **fields):
    return get_user_model().objects.create_user(username=username, **fields)


@pytest.fixture
def adult(db):
    user = listener("ada", first_name="Ada", last_name="Vos")
    accounts.age_statement_record(user=user, adult=True)
    return user


@pytest.fixture
def other_adult(db):
    user = listener("bram", first_name="Bram")
    accounts.age_statement_record(user=user, adult=True)
    return user


@pytest.fixture
def minor(db):
    user = listener("kim", email="kim@example.org")
    accounts.age_statement_record(user=user, adult=False)
    return user


@pytest.fixture
def minor_with_guardian(db):
    user = listener("lou", email="lou@example.org")
    accounts.age_statement_record(user=user, adult=False)
    confirmation = accounts.guardian_confirmation_request(
        user=user,
        guardian_email="parent@example.org",
        absolute_url=lambda path: "http://testserver" + path,
    )
    accounts.guardian_confirmation_confirm(token=accounts.guardian_link_token(confirmation))
    return user


@pytest.fixture
def unanswered(db):
    """Signed in, but has not yet said whether they are 18 or older."""
    return listener("noa")
