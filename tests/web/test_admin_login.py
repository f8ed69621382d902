"""The admin's password login takes only so many failed attempts from one address."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def officer():
    return get_user_model().objects.create_superuser(username="officer", password="right-one")


def attempt(client, password, address="198.51.100.7"):
    return client.post(LOGIN, {"username": "officer", "password": password}, REMOTE_ADDR=address)


def test_after_ten_failures_an_address_waits_and_others_do_not(officer, settings):
    settings.ADMIN_LOGIN_FAILURES = 10
    client = Client()
    for _ in range(10):
        assert attempt(client, "wrong").status_code == 200  # the form, with its error
    refused = attempt(client, "right-one")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= settings.ADMIN_LOGIN_WINDOW
    assert "Too many failed sign-in attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address signs in as ever.
    other = Client()
    assert attempt(other, "right-one", address="203.0.113.50").status_code == 302


def test_a_successful_sign_in_does_not_count(officer, settings):
    settings.ADMIN_LOGIN_FAILURES = 2
    for _ in range(3):
        assert attempt(Client(), "right-one").status_code == 302
    assert attempt(Client(), "wrong").status_code == 200
