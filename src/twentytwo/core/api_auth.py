"""Endpoints about the signed-in visitor's own data: who may call them, and who may keep
what they answer.

The session says whose data it is (there is never a user id in such an address), CSRF is
checked on every unsafe method, and every answer, a refusal included, is
`Cache-Control: private, no-store`: neither the shared cache in front of the app
(core/response_cache.py) nor any proxy ever keeps one."""

from django.http import HttpRequest, HttpResponse
from ninja.errors import HttpError
from ninja.security import SessionAuth
from ninja.utils import check_csrf

PERSONAL_CACHE_CONTROL = "private, no-store"
CSRF_FAILED = "This request lacks a valid CSRF token; reload the page and try again."


def personal_answer(request: HttpRequest) -> bool:
    """True when the request was for a personal endpoint, also when it was refused."""
    return getattr(request, "_personal_answer", False)


def private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = PERSONAL_CACHE_CONTROL
    return response


class PersonalSessionAuth(SessionAuth):
    """Django's session, with CSRF checked on every unsafe method."""

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest):
        # Marked before the checks, so a refusal (401, 403) is kept out of caches too.
        request._personal_answer = True
        return super().__call__(request)

    def _get_key(self, request: HttpRequest):
        if check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)
