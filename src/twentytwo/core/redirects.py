"""Where to send a visitor next: a `next` address only when it stays on this site."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, *, default: str) -> str:
    """Return the request's `next` (posted or in the query) if it is safe, else `default`.

    Safe means on this host and, over HTTPS, not a step down to HTTP: no open redirect."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
