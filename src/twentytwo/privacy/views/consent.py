"""The cookie choices page, and the one address every choice is posted to.

A visitor who has not signed in has no CSRF cookie (pages set none), so a choice cannot
carry a token. As for the listening beacons, a post from another site's page is refused
by its Origin header instead (and by Sec-Fetch-Site, where the browser sends it)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from twentytwo.core.origins import origin_is_foreign
from twentytwo.core.redirects import next_url
from twentytwo.privacy import cookies
from twentytwo.privacy.cookies import CookieState
from twentytwo.privacy.models import ConsentChoice
from twentytwo.privacy.selectors import consent as selectors
from twentytwo.privacy.selectors.policy import cookie_purposes_version
from twentytwo.privacy.services import consent as services

CHOICE_UNKNOWN = "Choose “Accept all”, “Refuse all” or save your choice for each purpose."
SWITCH_UNKNOWN = "Each purpose is either allowed or refused."
FOREIGN_ORIGIN = "Cookie choices are accepted only from this site's own pages."

_SWITCH = {"on": True, "off": False}


class ChoiceRefused(Exception):
    """The posted form is not a choice; the message is one of this module's constants."""


def _switch(request: HttpRequest, name: str, current: bool) -> bool:
    """Read one purpose's on/off; a purpose the form leaves out keeps its current state."""
    value = request.POST.get(name)
    if value is None:
        return current
    if value not in _SWITCH:
        raise ChoiceRefused(SWITCH_UNKNOWN)
    return _SWITCH[value]


def _choice_from_post(
    request: HttpRequest, state: CookieState
) -> tuple[bool, bool, ConsentChoice.Method]:
    """Return (audience statistics, advertising, method) as the form asks for them."""
    if state.global_privacy_control:
        return False, False, ConsentChoice.Method.GLOBAL_PRIVACY_CONTROL
    choice = request.POST.get("choice")
    if choice == "accept_all":
        return True, True, ConsentChoice.Method.ACCEPT_ALL
    if choice == "refuse_all":
        return False, False, ConsentChoice.Method.REFUSE_ALL
    if choice == "chosen":
        return (
            _switch(request, "audience_statistics", state.audience_statistics),
            _switch(request, "advertising", state.advertising),
            ConsentChoice.Method.CHOSEN,
        )
    raise ChoiceRefused(CHOICE_UNKNOWN)


def _from_own_page(request: HttpRequest) -> bool:
    return not origin_is_foreign(request) and request.headers.get("Sec-Fetch-Site") != "cross-site"


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _next_url(request: HttpRequest) -> str:
    # The banner names the page it was on in its form's address, the other forms in a field.
    return next_url(request, default=reverse("privacy:cookie_choices"))


def _personal(response: HttpResponse) -> HttpResponse:
    """Keep an answer that depends on this browser's cookies out of every shared cache."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie", "Sec-GPC"])
    return response


def _refusal(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    if _wants_json(request):
        response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    else:
        response = _page(request, error=message, status=status)
    return _personal(response)


def _page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    state = cookies.cookie_state(request)
    consent = cookies.consent_from_request(request)
    latest = selectors.cookie_choice_latest(consent_id=consent.consent_id) if consent else None
    return render(
        request,
        "privacy/cookies.html",
        {
            "state": state,
            "latest": latest,
            "error": error,
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME,
        },
        status=status,
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def choices(request: HttpRequest) -> HttpResponse:
    """Show the purposes and what is in force; on POST, record a choice and apply it."""
    if request.method != "POST":
        return _personal(_page(request))
    if not _from_own_page(request):
        return _refusal(request, 403, "forbidden", FOREIGN_ORIGIN)
    state = cookies.cookie_state(request)
    try:
        audience_statistics, advertising, method = _choice_from_post(request, state)
    except ChoiceRefused as exc:
        return _refusal(request, 400, "invalid", str(exc))
    consent = cookies.consent_from_request(request)
    consent_id = consent.consent_id if consent else cookies.consent_id_new()
    try:
        choice = services.cookie_choice_record(
            consent_id=consent_id,
            user=request.user,
            audience_statistics=audience_statistics,
            advertising=advertising,
            method=method,
        )
    except services.ConsentError as exc:
        return _refusal(request, 503, "unavailable", str(exc))
    if _wants_json(request):
        response = JsonResponse(
            {
                "audience_statistics": choice.audience_statistics,
                "advertising": choice.advertising,
                "method": choice.method,
                "policy_version": choice.policy_version.number,
            }
        )
    else:
        response = HttpResponseRedirect(_next_url(request), status=303)
    cookies.choice_cookies_set(
        response,
        consent_id=consent_id,
        audience_statistics=choice.audience_statistics,
        advertising=choice.advertising,
        purposes_version=cookie_purposes_version(),
    )
    return _personal(response)
