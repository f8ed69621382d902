"""The one shape of every error the JSON API answers: {"error": {"code", "message"}}.

`code` is a short word a client can act on, `message` a sentence for a person and, for
invalid input, `details` lists what was wrong where. The API's own handlers (api/errors.py)
and the endpoints that answer before the framework (the beacons) build their errors here,
so a client meets one shape whatever went wrong and whoever noticed."""

from django.http import JsonResponse
from ninja import Schema

# The code of each status the API answers with, when the answer names no other.
STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    502: "unavailable",
    503: "unavailable",
    504: "unavailable",
}
# Errors are about one request: neither a browser nor a cache keeps them.
ERROR_CACHE_CONTROL = "no-store"


class ErrorDetail(Schema):
    code: str
    message: str
    details: list[dict] | None = None


class ErrorOut(Schema):
    error: ErrorDetail


def status_code_word(status: int) -> str:
    """Return the code for a status with none of its own: by status, else by its class."""
    return STATUS_CODES.get(status) or ("server_error" if status >= 500 else "bad_request")


def error_body(code: str, message: str, details: list | None = None) -> dict:
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return {"error": error}


def json_error(status: int, code: str, message: str, *, details: list | None = None):
    """Return an error answer in the API's shape, kept by no cache."""
    response = JsonResponse(error_body(code, message, details), status=status)
    response["Cache-Control"] = ERROR_CACHE_CONTROL
    return response
