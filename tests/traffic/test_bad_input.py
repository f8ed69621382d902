"""Hostile requests: a forged X-Forwarded-For, a forged request id, huge headers and bytes
that are not UTF-8 are logged safely, cut to a bounded length, and never fail the request."""

import json

import pytest

from tests.support.access_log import file_lines, records
from tests.support.wsgi import call
from twentytwo.core.addresses import address_parse, client_address, networks_parse
from twentytwo.traffic.models import MAX_PATH_CHARS

TRUSTED = networks_parse(("10.0.0.0/8", "2001:db8:ffff::/48"))


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored(site, db, access_log, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    call(site, "/api/cities", remote_addr="203.0.113.66", headers={"X-Forwarded-For": "1.2.3.4"})
    (record,) = records(access_log)
    assert record.client_ip == "203.0.113.66"


def test_without_trusted_proxies_the_header_is_never_believed(site, db, access_log):
    call(site, "/api/cities", remote_addr="10.0.0.2", headers={"X-Forwarded-For": "1.2.3.4"})
    (record,) = records(access_log)
    assert record.client_ip == "10.0.0.2"


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("10.0.0.2", "198.51.100.7", "198.51.100.7"),
        # The client wrote its own entry first; only what our proxies appended counts.
        ("10.0.0.2", "6.6.6.6, 198.51.100.7", "198.51.100.7"),
        ("10.0.0.2", "198.51.100.7, 10.0.0.9, 10.1.2.3", "198.51.100.7"),
        # Garbage past our proxies: nothing beyond it is believed.
        ("10.0.0.2", "198.51.100.7, not-an-ip, 10.0.0.9", "10.0.0.9"),
        ("10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8"),
        ("10.0.0.2", "  ", "10.0.0.2"),
        ("2001:db8:ffff::1", "[2001:db8::5]:4711", "2001:db8::5"),
        ("10.0.0.2", "192.0.2.1:8080", "192.0.2.1"),
        ("::ffff:10.0.0.2", "::ffff:198.51.100.7", "198.51.100.7"),
        ("198.51.100.99", "10.0.0.1", "198.51.100.99"),
    ],
)
def test_the_client_is_the_right_most_address_our_proxies_did_not_add(remote, forwarded, client):
    found = client_address(remote_addr=remote, forwarded_for=forwarded, trusted=TRUSTED)
    assert found == address_parse(client)


def test_a_megabyte_of_forwarded_for_is_read_from_its_right_end_only():
    forwarded = "1.1.1.1, " * 200_000 + "198.51.100.7"
    found = client_address(remote_addr="10.0.0.2", forwarded_for=forwarded, trusted=TRUSTED)
    assert found == address_parse("198.51.100.7")


def test_huge_and_non_utf8_headers_are_logged_cut_and_replaced(site, db, access_log):
    garbage = "\xff\xfe\xc3(" * 10  # latin-1 stand-ins for bytes that are not UTF-8
    answer = call(
        site,
        "/" + "a" * 50_000 + "\xff/",
        method="G" * 5000,
        headers={
            "User-Agent": "Mozilla/5.0 " + garbage + "x" * 1_000_000,
            "Referer": "https://" + "h" * 300 + ".example/" + garbage + "p" * 1_000_000,
            "Cookie": "tt_listener=" + "f" * 100_000,
            "X-Forwarded-For": garbage * 1000,
            "X-Request-ID": "x" * 10_000,
        },
    )

    assert answer.status in (400, 404, 405)
    (record,) = records(access_log)
    assert len(record.path) == MAX_PATH_CHARS
    assert record.path.startswith("/aaaa")
    assert len(record.method) == 16
    assert record.user_agent_family == "Other"
    assert record.referrer_host == "h" * 255
    assert record.listener is None
    assert record.client_ip == "203.0.113.9"
    assert len(answer.headers["X-Request-ID"]) == 32  # the forged one was not taken
    (line,) = file_lines(access_log)
    assert len(json.dumps(line)) < 4000


def test_bytes_that_are_not_utf8_become_replacement_characters(site, db, access_log):
    call(site, "/caf\xc3\xa9/\xff/", headers={"User-Agent": "curl/8.0 \xff"})
    (record,) = records(access_log)
    assert record.path == "/café/\ufffd/"
    assert record.user_agent_family == "curl"


def test_a_request_id_is_taken_from_a_trusted_proxy_only_when_it_is_plain(
    site, db, access_log, settings
):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    given = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    from_proxy = call(site, "/api/cities", remote_addr="10.0.0.2", headers={"X-Request-ID": given})
    forged = call(site, "/api/cities", remote_addr="203.0.113.1", headers={"X-Request-ID": given})
    crooked = call(
        site, "/api/cities", remote_addr="10.0.0.2", headers={"X-Request-ID": "a b\r\nSet-Cookie"}
    )

    assert from_proxy.headers["X-Request-ID"] == given
    assert forged.headers["X-Request-ID"] != given
    assert " " not in crooked.headers["X-Request-ID"]


def test_a_huge_request_is_cut_before_it_is_held_or_handed_over(site, db, access_log):
    from twentytwo.traffic.spool import spool_files

    call(
        site,
        "/" + "a" * 1_000_000,
        headers={
            "User-Agent": "u" * 1_000_000,
            "Referer": "https://example.org/" + "p" * 1_000_000,
            "Cookie": "sessionid=" + "s" * 1_000_000,
            "X-Forwarded-For": "203.0.113.7, " * 100_000,
            "Sec-GPC": "1" * 1_000_000,
        },
    )
    access_log.loader = None  # hand over only: look at the spool file itself
    access_log.flush()

    (spooled,) = spool_files(access_log.spool_directory)
    assert spooled.size < 20_000
