"""Show a signed-in listener, once, that a new version of the policy has taken effect."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from twentytwo.privacy.models import PolicyNoticeSeen, PolicyVersion
from twentytwo.privacy.selectors import policy as selectors
from twentytwo.privacy.services.policy import policy_notice_record_seen

# The number of the version whose notice this session has dealt with (shown, or not due).
SESSION_NOTICE_VERSION = "twentytwo_policy_notice_version"
# The partial that shows the notice carries this attribute; a page without it (a CSV, a
# redirect, a page outside the site's layout) has not shown the notice.
NOTICE_MARKER = b"data-policy-notice"
# Paths whose answers are never a page of the site's layout.
NOTICE_SKIPPED_PREFIXES = (
    "/admin/",
    "/api/",
    "/static/",
    "/stream/",
    "/pictures/",
    "/accounts/",
)


def _notice_due(request: HttpRequest, version_id: int) -> PolicyVersion | None:
    """Return the version to announce, unless seen or in force since before the listener
    joined (who joined under it has had no change to hear of)."""
    version = PolicyVersion.objects.filter(pk=version_id).first()
    if version is None or request.user.date_joined.date() >= version.effective_on:
        return None
    if PolicyNoticeSeen.objects.filter(user=request.user, version=version).exists():
        return None
    return version


class PolicyNoticeMiddleware:
    """Put the notice on the first page a signed-in listener sees under a new version.

    Anonymous requests (no session cookie) cost nothing; a signed-in one costs a cached
    lookup of the version in force and, once per session and version, one query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.policy_notice = None
        if not (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME in request.COOKIES
            and not request.path.startswith(NOTICE_SKIPPED_PREFIXES)
            and request.user.is_authenticated
        ):
            return self.get_response(request)
        in_force = selectors.policy_in_force_number()
        if in_force is None or request.session.get(SESSION_NOTICE_VERSION) == in_force[1]:
            return self.get_response(request)
        request.policy_notice = _notice_due(request, in_force[0])
        if request.policy_notice is None:
            request.session[SESSION_NOTICE_VERSION] = in_force[1]
        response = self.get_response(request)
        if (
            request.policy_notice is not None
            and response.status_code == 200
            and not response.streaming
            and NOTICE_MARKER in response.content
        ):
            policy_notice_record_seen(user=request.user, version_id=request.policy_notice.pk)
            request.session[SESSION_NOTICE_VERSION] = in_force[1]
        return response
