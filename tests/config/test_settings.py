import secrets

import pytest

from tests.support.processes import manage
from twentytwo.config.env import secret_key_from_file


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        TWENTYTWO_PRODUCTION="1",
        TWENTYTWO_SECRET_KEY=secrets.token_urlsafe(60),
        TWENTYTWO_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_embedded_settings_fail_the_deploy_check_so_the_check_can_fail(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", TWENTYTWO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS" in result.stderr


def test_a_bad_boolean_stops_start_up_with_a_clear_message(tmp_path):
    result = manage("check", TWENTYTWO_DEBUG="maybe", TWENTYTWO_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "TWENTYTWO_DEBUG must be one of 1/0, true/false, yes/no, on/off; got 'maybe'" in (
        result.stderr
    )


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = secret_key_from_file(path)
    assert len(first) >= 50
    assert secret_key_from_file(path) == first
    assert path.stat().st_mode & 0o077 == 0


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client):
    response = client.get("/api/cities")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
