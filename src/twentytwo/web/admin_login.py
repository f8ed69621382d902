"""The admin's password login, held to a limit of failed attempts per client address.

Staff sign in to the admin with a password; without a limit, anyone could try passwords as
fast as the server answers. An address (as our trusted proxies saw it) has a bucket of
ADMIN_LOGIN_FAILURES failed attempts that refills over ADMIN_LOGIN_WINDOW; with it empty,
further attempts are answered 429 with Retry-After before the password is looked at. A
successful sign-in spends nothing. With Redis configured every process shares the bucket."""

from __future__ import annotations

import math
import time
from functools import cache

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from twentytwo.core.address_limits import request_address
from twentytwo.core.limits import TokenBuckets, address_key

TOO_MANY = "Too many failed sign-in attempts from your address. Try again in %(minutes)d minutes."


@cache
def _failures(count: int, window: int) -> TokenBuckets:
    return TokenBuckets(f"admin-login:{count}:{window}", burst=count, per_second=count / window)


def failures() -> TokenBuckets:
    return _failures(settings.ADMIN_LOGIN_FAILURES, settings.ADMIN_LOGIN_WINDOW)


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    key, buckets = address_key(request_address(request)), failures()
    left = buckets.take(key, 0, time.time())
    if left.left < 1:
        seconds = left.retry_after()
        response = HttpResponse(TOO_MANY % {"minutes": math.ceil(seconds / 60)}, status=429)
        response["Content-Type"] = "text/plain; charset=utf-8"
        response["Retry-After"] = str(seconds)
        return response
    response = admin.site.login(request, extra_context)
    if not request.user.is_authenticated:
        buckets.take(key, 1, time.time())
    return response
