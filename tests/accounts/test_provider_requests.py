"""What the site asks of Google, Facebook and X when a listener starts to sign in, with the
providers configured as production configures them (from the environment): PKCE (S256)
for all three, and a nonce for Google that its ID token must carry back."""

import json
import os
import subprocess
import sys
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.processes import PYTHONPATH, ROOT
from twentytwo.accounts.oidc import STATE_NONCE_KEY, sociallogin_nonce_matches

STARTS = """
import django, json; django.setup()
from django.test import Client
found = {}
for provider in ("google", "facebook", "twitter_oauth2"):
    answer = Client().post(f"/accounts/{provider}/login/")
    found[provider] = [answer.status_code, answer.get("Location", "")]
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def starts(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWENTYTWO_")}
    env |= {
        "PYTHONPATH": PYTHONPATH,
        "DJANGO_SETTINGS_MODULE": "twentytwo.config.settings",
        "TWENTYTWO_VAR_DIR": str(tmp_path_factory.mktemp("var")),
        "TWENTYTWO_ALLOWED_HOSTS": "testserver",
        "TWENTYTWO_ACCESS_LOG": "false",
        "TWENTYTWO_MANIFEST_STATIC": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite3'}",
    }
    for name in ("GOOGLE", "FACEBOOK", "X"):
        env[f"TWENTYTWO_{name}_CLIENT_ID"] = f"{name.lower()}-client"
        env[f"TWENTYTWO_{name}_SECRET"] = f"{name.lower()}-secret"
    migrate = subprocess.run(
        [sys.executable, "-m", "twentytwo", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    done = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", STARTS],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {
        provider: (status, urlsplit(location), parse_qs(urlsplit(location).query))
        for provider, (status, location) in json.loads(done.stdout).items()
    }


@pytest.mark.parametrize(
    ("provider", "host"),
    [("google", "accounts.google.com"), ("facebook", "www.facebook.com"),
     ("twitter_oauth2", "x.com")],
)  # fmt: skip
def test_every_provider_is_asked_with_state_and_pkce_s256(starts, provider, host):
    status, location, query = starts[provider]
    assert status == 302
    assert location.hostname.endswith(host.split(".", 1)[1])
    assert query["state"][0]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43


def test_google_is_asked_with_a_nonce_and_openid(starts):
    _status, _location, query = starts["google"]
    assert len(query["nonce"][0]) >= 32
    assert "openid" in query["scope"][0].split()


def sign_in(expected, extra_data):
    return SimpleNamespace(
        state={STATE_NONCE_KEY: expected} if expected else {},
        account=SimpleNamespace(extra_data=extra_data),
    )


@pytest.mark.parametrize(
    ("extra_data", "matches"),
    [
        ({"sub": "1", "nonce": "n-1"}, True),  # Google: the ID token's claims themselves
        ({"id_token": {"sub": "1", "nonce": "n-1"}}, True),  # generic OpenID Connect
        ({"sub": "1", "nonce": "n-2"}, False),  # a token made for another sign-in
        ({"sub": "1"}, False),  # no ID token came back (user info only)
        ({"id_token": "not claims"}, False),
    ],
)
def test_the_id_token_must_carry_the_nonce_back(extra_data, matches):
    assert sociallogin_nonce_matches(sign_in("n-1", extra_data)) is matches
    assert sociallogin_nonce_matches(sign_in(None, extra_data)) is False
