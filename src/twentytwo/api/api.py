"""The JSON API: one NinjaAPI with each part's router, and one error shape for all of them.

The parts: the public catalog (api/catalog.py), the signed-in listener's own data at /me
(favorites/api.py), the player's listening beacons at /events (audience/api.py) and the
partners' released reports at /partners (partners/api.py, with an organisation's token). Every
error, whoever raised it, answers in core/api_errors.py's shape (see also api/errors.py for
what the framework answers before or around these handlers). OpenAPI at /api/openapi.json,
its docs page at /api/docs from the project's own static files."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from twentytwo.api.catalog import router as catalog_router
from twentytwo.api.errors import ROUTE_NOT_FOUND, api_error
from twentytwo.audience.api import router as events_router
from twentytwo.favorites.api import router as me_router
from twentytwo.partners.api import router as partners_router

INVALID_REQUEST = "The request is not valid."
SIGN_IN_REQUIRED = "Sign in to see this."


class TwentytwoAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        # The endpoint's own name (each is unique): a client generated from the document
        # keeps its names when an endpoint's code moves to another module.
        return operation.view_func.__name__


api = TwentytwoAPI(
    title="22tracks API",
    version="1",
    description="Cities, their genres, and each genre's 22 tracks with signed stream URLs.",
    urls_namespace="api",
)
api.add_router("", catalog_router)
api.add_router("/me", me_router)
api.add_router("/events", events_router)
api.add_router("/partners", partners_router)


@api.exception_handler(ValidationError)
def _validation_error(request, exc):
    return api_error(request, 422, code="invalid", message=INVALID_REQUEST, details=exc.errors)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return api_error(request, exc.status_code, message=exc.message)


@api.exception_handler(AuthenticationError)
def _not_signed_in(request, exc):
    return api_error(request, 401, message=SIGN_IN_REQUIRED)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api_error(request, 404, message=str(exc) or ROUTE_NOT_FOUND)


def route_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Answer unknown /api/ addresses in the API's error shape rather than an HTML page."""
    return api_error(request, 404)
