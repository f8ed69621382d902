"""The admin's password login, held to a limit of failed attempts per client address.

Staff sign in to the admin with a password; without a limit, anyone could try passwords as
fast as the server answers. After ADMIN_LOGIN_FAILURES failed attempts from one address
(as our trusted proxies saw it) within ADMIN_LOGIN_WINDOW, further attempts are answered
429 with Retry-After until the window ends; a successful sign-in does not count."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from twentytwo.traffic.addresses import client_address, networks_parse

TOO_MANY = "Too many failed sign-in attempts from your address. Try again in %(minutes)d minutes."


def _key(request: HttpRequest) -> str:
    address = client_address(
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR"),
        trusted=networks_parse(tuple(settings.TRUSTED_PROXIES)),
    )
    return f"admin-login-failed:{address}"


def _failures(key: str) -> tuple[int, int]:
    """The failures counted under the key, and the seconds left of its window."""
    found = cache.get(key)
    if not found:
        return 0, 0
    count, until = found
    return count, max(0, int(until - time.time()))


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    key = _key(request)
    count, left = _failures(key)
    if request.method == "POST" and count >= settings.ADMIN_LOGIN_FAILURES:
        minutes = max(1, -(-left // 60))
        response = HttpResponse(TOO_MANY % {"minutes": minutes}, status=429)
        response["Content-Type"] = "text/plain; charset=utf-8"
        response["Retry-After"] = str(max(1, left))
        return response
    response = admin.site.login(request, extra_context)
    if request.method == "POST" and not request.user.is_authenticated:
        window = settings.ADMIN_LOGIN_WINDOW
        until = time.time() + (left if count else window)
        cache.set(key, (count + 1, until), timeout=max(1, int(until - time.time())))
    return response
