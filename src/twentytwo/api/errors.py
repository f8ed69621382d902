"""Whatever goes wrong under /api/, the answer is JSON in the API's one error shape.

The framework's own refusals arrive in other forms: Django's error views render HTML (a body
too large, an unknown address, a server error), ninja answers a wrong method with plain
text. Here Django's error handlers answer in JSON under /api/ (config/urls.py names them)
and the middleware gives any other error answer under /api/ the same shape, keeping the
headers that tell a client what to do next (Allow, Retry-After). Elsewhere the site's
HTML error pages are left as they are."""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views import defaults

from twentytwo.core.api_auth import personal_answer, private
from twentytwo.core.api_errors import json_error, status_code_word

API_PREFIX = "/api/"
BAD_REQUEST = "The request could not be read."
BODY_TOO_LARGE = "The request body is larger than the API takes."
FORBIDDEN = "This is not allowed."
ROUTE_NOT_FOUND = "There is no API endpoint at this address."
METHOD_NOT_ALLOWED = "This address does not take this method; the Allow header says which it takes."
TOO_MANY_REQUESTS = "Too many requests; the Retry-After header, if any, says when to try again."
SERVER_ERROR = "Something went wrong on our side."
UNAVAILABLE = "The API cannot answer right now; try again in a moment."
MESSAGES = {
    400: BAD_REQUEST,
    403: FORBIDDEN,
    404: ROUTE_NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    413: BODY_TOO_LARGE,
    429: TOO_MANY_REQUESTS,
    500: SERVER_ERROR,
    503: UNAVAILABLE,
}
# Headers of the framework's answer that a client needs in the JSON one too.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX) or request.path_info == API_PREFIX[:-1]


def api_error(
    request: HttpRequest,
    status: int,
    *,
    code: str | None = None,
    message: str | None = None,
    details: list | None = None,
) -> HttpResponse:
    """Return the API's error answer; one about a signed-in listener's own data stays private."""
    fallback = SERVER_ERROR if status >= 500 else BAD_REQUEST
    response = json_error(
        status,
        code or status_code_word(status),
        message or MESSAGES.get(status, fallback),
        details=details,
    )
    if personal_answer(request):
        private(response)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return api_error(request, 413)
    return api_error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.permission_denied(request, exception)
    return api_error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api_request(request):
        return defaults.page_not_found(request, exception)
    return api_error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api_request(request):
        return defaults.server_error(request)
    return api_error(request, 500)


class ApiErrorShapeMiddleware:
    """Give error answers under /api/ that are not JSON the API's shape."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api_request(request)
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        shaped = api_error(request, response.status_code)
        for name in KEPT_HEADERS:
            if name in response:
                shaped[name] = response[name]
        return shaped
