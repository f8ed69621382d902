"""A real OpenID Connect server on loopback, and a listener's browser walking through it.

The site under test runs in Django's test client; the provider is oidc-provider-mock served
over real HTTP, so allauth fetches its discovery document, exchanges codes and checks ID
tokens exactly as it would against Google."""

import os
import uuid
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse
from oidc_provider_mock import run_server_in_thread

MOCK = "mock"
MOCK_OTHER = "mock-other"


@pytest.fixture(scope="session")
def oidc_server_url():
    # The mock serves plain HTTP on loopback; authlib refuses that unless told.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    # require_nonce: the provider rejects any authorization request without one.
    with run_server_in_thread(port=0, require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


def _oidc_app(provider_id: str, name: str, server_url: str, **extra_settings) -> dict:
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": f"client-{provider_id}",
        "secret": f"secret-{provider_id}",
        "settings": {"server_url": server_url, "oauth_pkce_enabled": True, **extra_settings},
    }


@pytest.fixture
def oidc_providers(settings, oidc_server_url):
    """Two sign-in services (two registrations at the same server) and nothing else."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                _oidc_app(MOCK, "Mock ID", oidc_server_url),
                _oidc_app(MOCK_OTHER, "Other ID", oidc_server_url),
            ]
        }
    }
    return oidc_server_url


@dataclass
class Listener:
    """One browser: the site's cookies in a test client, the provider reached over HTTP."""

    client: Client
    server_url: str

    def set_claims(self, sub: str, claims: dict) -> None:
        response = requests.put(f"{self.server_url}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def start(self, provider_id: str = MOCK, *, next_url: str | None = None, process="login"):
        """Press the site's sign-in button; return the provider's authorization URL."""
        data = {"process": process}
        if next_url is not None:
            data["next"] = next_url
        url = reverse("openid_connect_login", kwargs={"provider_id": provider_id})
        response = self.client.post(url, data)
        assert response.status_code == 302, response.content[:500]
        assert response["Location"].startswith(self.server_url)
        return response["Location"]

    def authorize(self, authorize_url: str, sub: str) -> str:
        """Pick an identity on the provider's page; return where it sends the browser back."""
        response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def deny(self, authorize_url: str) -> str:
        response = requests.post(
            authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=5
        )
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def callback(self, callback_url: str):
        parts = urlsplit(callback_url)
        return self.client.get(f"{parts.path}?{parts.query}")

    def sign_in(self, sub: str, provider_id: str = MOCK, *, next_url=None, process="login"):
        """Walk the whole round trip; return the site's answer to the callback."""
        authorize_url = self.start(provider_id, next_url=next_url, process=process)
        return self.callback(self.authorize(authorize_url, sub))


def query_param(url: str, name: str) -> str:
    return parse_qs(urlsplit(url).query)[name][0]


@pytest.fixture
def listener(client, oidc_providers) -> Listener:
    return Listener(client=client, server_url=oidc_providers)


@pytest.fixture
def other_listener(oidc_providers) -> Listener:
    return Listener(client=Client(), server_url=oidc_providers)


@pytest.fixture
def sub() -> str:
    """A subject never seen by the provider before (the server lives for the whole run)."""
    return f"listener-{uuid.uuid4().hex[:12]}"
