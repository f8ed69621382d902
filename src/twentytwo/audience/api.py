"""POST /api/events: the player's listening beacons.

No session, no user: the listener is the random id in the `tt_listener` cookie and nothing
else. Instead of a CSRF token (a beacon carries none), a request is taken only with an
Origin header naming this site: browsers send Origin with every POST of fetch and
sendBeacon, so a request without one did not come from a player in a browser, and one
naming another origin came from another site's page."""

import json

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Router, Schema

from twentytwo.audience import listener as cookies
from twentytwo.audience.budget import BURST_EVENTS, EVENTS_PER_SECOND
from twentytwo.audience.ingestion import (
    BEACON_PIPELINE,
    DROP_NO_LISTENER,
    DROP_OPTED_OUT,
    KINDS,
    Draft,
    events_ingest,
)
from twentytwo.core.api_errors import ErrorOut, json_error
from twentytwo.core.origins import origin_is_foreign

# A player flushes a few events at a time; a batch larger than this is not from the player.
MAX_EVENTS_PER_BATCH = 50
MAX_BODY_BYTES = 64 * 1024

BAD_JSON = "The body is not valid JSON."
NOT_A_BATCH = 'The body must be an object with an "events" list.'
TOO_MANY_EVENTS = f"A batch holds at most {MAX_EVENTS_PER_BATCH} events."
BODY_TOO_LARGE = f"The body may be at most {MAX_BODY_BYTES} bytes."
FOREIGN_ORIGIN = "Beacons are accepted only from this site's own pages."
NO_ORIGIN = "Beacons are accepted only from this site's pages: the request names no Origin."

EVENTS_DESCRIPTION = f"""Record listening events for the listener in the `tt_listener` cookie.

The body is `{{"events": [{{"id": "<uuid>", "type": "start", "genre": 1, "track": 2,
"position": 12.5, "client_time": "2025-01-01T12:00:00Z"}}, ...]}}` with at most
{MAX_EVENTS_PER_BATCH} events (more: 400) and {MAX_BODY_BYTES} bytes (more: 413). `type` is
one of start, ping, pause, resume, seek, skip, end, stop. The server stamps its own time on
each event; that is the time every figure uses.

Each event is judged on its own: the valid events of a batch are stored even when others
are dropped, and the answer counts the accepted events and the dropped ones by reason.
An event is acknowledged only once it is stored. A listener may send {BURST_EVENTS} events
at once and {EVENTS_PER_SECOND:g} a second after that, far more than a player sends; past
that budget events are dropped as `over_budget`. Sending an event again with the same id
is safe: the copy is dropped as `duplicate`.

Without a listener cookie the events are dropped as `no_listener` and the answer sets a new
cookie: the player sends them once more, so a browser that refuses cookies is counted
nowhere. With counting switched off (`tt_count=off`) or `Sec-GPC: 1`, events are dropped as
`opted_out` and no cookie is set.

A body that is not JSON, not a batch, too large or from another site's page (403) is
refused whole; nothing of it is stored."""

router = Router(tags=["audience"])

# Each event is judged on its own and dropped with a reason, never refusing its batch, so
# the published shape of an event is a description, not a constraint on the request.
EVENT_SCHEMA = {
    "type": "object",
    "required": ["id", "type", "genre", "track", "position"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "type": {"type": "string", "enum": sorted(KINDS)},
        "genre": {"type": "integer", "minimum": 1},
        "track": {"type": "integer", "minimum": 1},
        "position": {"type": "number", "minimum": 0},
        "client_time": {"type": ["string", "null"], "format": "date-time"},
    },
}
BATCH_SCHEMA = {
    "type": "object",
    "description": "A batch of events; an event that is not of the shape `x-event` is dropped.",
    "x-event": EVENT_SCHEMA,
    "required": ["events"],
    "properties": {
        "events": {
            "type": "array",
            "maxItems": MAX_EVENTS_PER_BATCH,
            "items": {"description": "an event; see the shape below", "example": {}},
        }
    },
}


class IngestOut(Schema):
    accepted: int
    dropped: dict[str, int]


def _batch(request: HttpRequest) -> list | JsonResponse:
    """Return the list of events in the body, or the refusal of the whole request."""
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        return json_error(413, "too_large", BODY_TOO_LARGE)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return json_error(413, "too_large", BODY_TOO_LARGE)
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return json_error(400, "bad_json", BAD_JSON)
    events = parsed.get("events") if isinstance(parsed, dict) else None
    if not isinstance(events, list):
        return json_error(400, "invalid", NOT_A_BATCH)
    if len(events) > MAX_EVENTS_PER_BATCH:
        return json_error(400, "too_many_events", TOO_MANY_EVENTS)
    return events


@router.post(
    "",
    response={200: IngestOut, 400: ErrorOut, 403: ErrorOut, 413: ErrorOut},
    summary="Record listening events",
    description=EVENTS_DESCRIPTION,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": BATCH_SCHEMA}},
        }
    },
)
def events(request: HttpRequest):
    if "Origin" not in request.headers:
        return json_error(403, "forbidden", NO_ORIGIN)
    if origin_is_foreign(request):
        return json_error(403, "forbidden", FOREIGN_ORIGIN)
    batch = _batch(request)
    if isinstance(batch, JsonResponse):
        return batch
    refused = cookies.counting_refused(request)
    listener = None if refused else cookies.listener_from_request(request)
    refusal = DROP_OPTED_OUT if refused else DROP_NO_LISTENER
    server_time = timezone.now()
    result = events_ingest(
        drafts=[
            Draft(payload=event, listener=listener, server_time=server_time, refusal=refusal)
            for event in batch
        ],
        pipeline=BEACON_PIPELINE,
    )
    response = JsonResponse(result.as_dict())
    response["Cache-Control"] = "no-store"
    if refused:
        cookies.listener_cookie_delete(response)
    elif listener is None:
        cookies.listener_cookie_set(response, listener=cookies.listener_id_new())
    return response
