"""Limits per client address on the few routes where one client can cost the site dearly.

Each rule of settings.ADDRESS_LIMITS names the routes it holds (methods and a path
pattern), a token bucket per client address (core/limits.py) and, optionally, a cookie:
a rule with `without_cookie` spends only on requests that come without that cookie. That is
how fresh listener ids are held back without the audience app ever seeing an address: a
beacon without a listener cookie is what gets a new id, and an address gets only so many of
those, however many cookies it throws away.

The address is the one our trusted proxies saw (core/addresses.py). Over a limit the answer
is 429 with Retry-After, in the API's JSON shape under /api/, before any session, view or
database is touched."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from twentytwo.core.addresses import client_address, networks_parse
from twentytwo.core.limits import TokenBuckets, address_key

TOO_MANY = "Too many requests from your address; try again in {seconds} seconds."
# The limits' clock (tests move it).
clock = time.time


@dataclass(frozen=True)
class AddressRule:
    name: str
    methods: frozenset[str]
    path: re.Pattern[str]
    buckets: TokenBuckets
    without_cookie: str = ""

    def holds(self, request: HttpRequest) -> bool:
        if request.method not in self.methods or not self.path.match(request.path_info):
            return False
        return not self.without_cookie or self.without_cookie not in request.COOKIES


@cache
def _rules(configured: tuple) -> tuple[AddressRule, ...]:
    return tuple(
        AddressRule(
            name=rule["name"],
            methods=frozenset(rule["methods"]),
            path=re.compile(rule["path"]),
            buckets=TokenBuckets(
                f"address:{rule['name']}", burst=rule["burst"], per_second=rule["per_second"]
            ),
            without_cookie=rule.get("without_cookie", ""),
        )
        for rule in (dict(items) for items in configured)
    )


def address_rules() -> tuple[AddressRule, ...]:
    return _rules(
        tuple(
            tuple(
                sorted((name, tuple(v) if isinstance(v, list) else v) for name, v in rule.items())
            )
            for rule in settings.ADDRESS_LIMITS
        )
    )


def address_limits_forget() -> None:
    for rule in address_rules():
        rule.buckets.forget()


def request_address(request: HttpRequest):
    return client_address(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted=networks_parse(tuple(settings.TRUSTED_PROXIES)),
    )


def too_many(request: HttpRequest, seconds: int) -> HttpResponse:
    """The 429 answer: JSON under /api/, plain text elsewhere; never cached."""
    message = TOO_MANY.format(seconds=seconds)
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "too_many_requests", "message": message}}, status=429
        )
    else:
        response = HttpResponse(message + "\n", status=429, content_type="text/plain")
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def address_limits_refusal(request: HttpRequest) -> HttpResponse | None:
    """Spend from each rule that holds the request; the 429 answer if one is empty."""
    rules = [rule for rule in address_rules() if rule.holds(request)]
    if rules:
        key, now = address_key(request_address(request)), clock()
        for rule in rules:
            taken = rule.buckets.take(key, 1, now)
            if not taken.granted:
                return too_many(request, taken.retry_after())
    return None


class AddressLimitMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return address_limits_refusal(request) or self.get_response(request)
