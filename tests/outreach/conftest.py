import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from twentytwo.accounts.services import age_statement_record


def make_listener(name: str, *, adult: bool = True):
    user = get_user_model().objects.create_user(username=name, email=f"{name}@example.org")
    age_statement_record(user=user, adult=adult)
    return user


@pytest.fixture
def listener(transactional_db, policy):
    return make_listener("mira")


@pytest.fixture
def signed_in(listener) -> Client:
    client = Client()
    client.force_login(listener)
    return client


@pytest.fixture
def staff(policy) -> Client:
    """A member of staff signed in to the admin."""
    user = get_user_model().objects.create_superuser(
        username="editor", email="editor@example.org", password=None
    )
    client = Client()
    client.force_login(user)
    return client
