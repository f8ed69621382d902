"""What a record keeps of the user agent and the referrer: a browser's family and a host."""

import pytest

from twentytwo.traffic.records import (
    agent_family,
    cookies_kept,
    listener_of,
    referer_origin,
    referrer_host,
)

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("user_agent", "family"),
    [
        (CHROME, "Chrome"),
        (CHROME + " Edg/131.0.2903.86", "Edge"),
        (CHROME + " OPR/115.0.0.0", "Opera"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari",
        ),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Bot"),
        ("Prometheus/2.53.0", "Probe"),
        ("curl/8.5.0", "curl"),
        ("python-requests/2.32.3", "Python"),
        ("something else entirely", "Other"),
        ("", ""),
    ],
)
def test_a_user_agent_is_kept_as_its_family_only(user_agent, family):
    assert agent_family(user_agent) == family


@pytest.mark.parametrize(
    ("referer", "host"),
    [
        ("https://Blog.Example.org:8443/posts/1?utm=x#top", "blog.example.org"),
        ("http://[2001:db8::1]/x", "2001:db8::1"),
        ("android-app://com.example/", ""),
        ("javascript:alert(1)", ""),
        ("http://[not-closed/", ""),
        ("", ""),
    ],
)
def test_a_referrer_is_kept_as_its_host_only(referer, host):
    assert referrer_host(referer) == host


LISTENER = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("cookie", "gpc", "kept"),
    [
        (f"csrftoken=c5rf; sessionid=s3ss; tt_listener={LISTENER}; tt_consent=v1", None,
         f"tt_listener={LISTENER}"),
        (f"tt_listener={LISTENER}", None, f"tt_listener={LISTENER}"),
        (f"a=b;tt_listener={LISTENER}", "0", f"tt_listener={LISTENER}"),
        (f"tt_listener={LISTENER}; tt_count=off", None, None),
        (f"tt_count=off;tt_listener={LISTENER}", None, None),
        (f"tt_listener={LISTENER}; tt_count=offline", None, f"tt_listener={LISTENER}"),
        (f"tt_listener={LISTENER}", " 1 ", None),
        (f"xtt_listener={LISTENER}", None, None),
        (f"tt_listener={LISTENER}0", None, None),
        (f"tt_listener={LISTENER.upper()}", None, None),
        ("tt_listener=", None, None),
        ("sessionid=s3ss; csrftoken=c5rf", None, None),
        (None, None, None),
    ],
)  # fmt: skip
def test_the_request_path_keeps_only_the_listener_cookie_of_a_counted_visitor(cookie, gpc, kept):
    assert cookies_kept(cookie, gpc) == kept
    # The loader reads the same listener from what was kept as from the whole header.
    assert listener_of(kept or "", gpc=gpc) == listener_of(cookie or "", gpc=gpc)


@pytest.mark.parametrize(
    ("referer", "origin"),
    [
        ("https://blog.example.org/posts/22?code=secret#top", "https://blog.example.org"),
        ("https://user:password@blog.example.org:8443/x", "https://blog.example.org:8443"),
        ("http://example.com?q=1", "http://example.com"),
        ("android-app://com.example.app/", "android-app://com.example.app"),
        ("not a url", None),
        ("", None),
    ],
)
def test_the_request_path_keeps_only_the_referrers_origin(referer, origin):
    assert referer_origin(referer) == origin
    assert referrer_host(origin or "") == referrer_host(referer)
