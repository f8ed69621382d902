"""Which sign-in services the settings offer, and the demo's own OpenID Connect server."""

import json
import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from tests.support.oidc import Listener
from twentytwo.accounts.models import ProfileFact

PRINT_PROVIDERS = (
    "import json, twentytwo.config.settings as s; "
    "print(json.dumps({'providers': s.SOCIALACCOUNT_PROVIDERS, "
    "'form_action': s.SECURE_CSP['form-action']}))"
)


def _settings_with(env: dict) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TWENTYTWO_") and k != "DJANGO_SETTINGS_MODULE"
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT_PROVIDERS],
        env={**base, "TWENTYTWO_SECRET_KEY": "test", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _loaded(env: dict) -> dict:
    result = _settings_with(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_provider_appears_only_with_both_client_id_and_secret():
    assert _loaded({"TWENTYTWO_GOOGLE_CLIENT_ID": "id"})["providers"] == {}

    loaded = _loaded(
        {
            "TWENTYTWO_GOOGLE_CLIENT_ID": "g",
            "TWENTYTWO_GOOGLE_SECRET": "gs",
            "TWENTYTWO_X_CLIENT_ID": "x",
            "TWENTYTWO_X_SECRET": "xs",
        }
    )

    assert set(loaded["providers"]) == {"google", "twitter_oauth2"}
    assert loaded["providers"]["google"]["OAUTH_PKCE_ENABLED"] is True
    assert "https://accounts.google.com" in loaded["form_action"]


def test_generic_openid_connect_needs_its_server_url():
    creds = {"TWENTYTWO_OIDC_CLIENT_ID": "c", "TWENTYTWO_OIDC_SECRET": "s"}
    assert _loaded(creds)["providers"] == {}

    loaded = _loaded(
        {**creds, "TWENTYTWO_OIDC_SERVER_URL": "https://id.example", "TWENTYTWO_OIDC_NAME": "Ex"}
    )

    (app,) = loaded["providers"]["openid_connect"]["APPS"]
    assert app["name"] == "Ex"
    assert app["settings"]["server_url"] == "https://id.example"
    assert "https://id.example" in loaded["form_action"]


def test_production_settings_refuse_demo_login():
    result = _settings_with({"TWENTYTWO_PRODUCTION": "true", "TWENTYTWO_DEMO_LOGIN": "true"})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "TWENTYTWO_DEMO_LOGIN" in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo_oidc_server():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "twentytwo", "demo_oidc", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{url}/.well-known/openid-configuration", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.django_db
def test_demo_login_signs_in_against_the_demo_server(client, settings, demo_oidc_server):
    loaded = _loaded(
        {"TWENTYTWO_DEMO_LOGIN": "true", "TWENTYTWO_DEMO_OIDC_PORT": str(demo_oidc_server)}
    )
    settings.SOCIALACCOUNT_PROVIDERS = loaded["providers"]
    listener = Listener(client=client, server_url=f"http://127.0.0.1:{demo_oidc_server}")
    assert "Sign in with Demo login" in client.get(reverse("account_login")).content.decode()

    response = listener.sign_in("demo-listener", "demo")

    assert response.status_code == 302
    user = SocialAccount.objects.get(provider="demo", uid="demo-listener").user
    assert ProfileFact.objects.get(user=user, kind="name").value == "Demo Listener"
