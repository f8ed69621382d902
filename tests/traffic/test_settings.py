"""The traffic settings stop start-up with a clear message when they make no sense."""

import pytest

from tests.support.processes import manage


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"TWENTYTWO_TRUSTED_PROXIES": "10.0.0.0/8,nginx"},
            "TWENTYTWO_TRUSTED_PROXIES must list IP addresses or networks such as 10.0.0.0/8;"
            " got 'nginx'",
        ),
        (
            {"TWENTYTWO_INTERNAL_ADDRESSES": "300.1.1.1"},
            "TWENTYTWO_INTERNAL_ADDRESSES must list IP addresses or networks",
        ),
        (
            {"TWENTYTWO_TRAFFIC_IP_TRUNCATE_DAYS": "30", "TWENTYTWO_TRAFFIC_RETENTION_DAYS": "7"},
            "TWENTYTWO_TRAFFIC_IP_TRUNCATE_DAYS must be at least 1 and at most "
            "TWENTYTWO_TRAFFIC_RETENTION_DAYS.",
        ),
        (
            {"TWENTYTWO_ACCESS_LOG_FLUSH_SECONDS": "soon"},
            "TWENTYTWO_ACCESS_LOG_FLUSH_SECONDS must be a number; got 'soon'",
        ),
        ({"TWENTYTWO_LOG_FORMAT": "xml"}, "TWENTYTWO_LOG_FORMAT must be json or text; got 'xml'"),
        (
            {"TWENTYTWO_ACCESS_LOG_LOADER": "thread"},
            'TWENTYTWO_ACCESS_LOG_LOADER must be "process" or "inline".',
        ),
    ],
    ids=["proxy", "internal", "retention", "flush", "log-format", "loader"],
)
def test_a_bad_traffic_setting_stops_start_up_with_a_clear_message(tmp_path, env, message):
    result = manage("check", TWENTYTWO_VAR_DIR=str(tmp_path), **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_addresses_and_networks_are_accepted(tmp_path):
    result = manage(
        "check",
        TWENTYTWO_VAR_DIR=str(tmp_path),
        TWENTYTWO_TRUSTED_PROXIES="127.0.0.1, ::1, 10.0.0.0/8",
        TWENTYTWO_INTERNAL_ADDRESSES="192.0.2.0/24,2001:db8::/32",
    )
    assert result.returncode == 0, result.stderr
