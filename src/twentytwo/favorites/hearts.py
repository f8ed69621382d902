"""Which hearts are pressed for the visitor of a request, read once per request.

The heart tags draw from it, and `hearts_pressed` presses the hearts of a part of a page
that was drawn once for everyone (core/templatetags/fragments.py): there every heart is
drawn unpressed, and the listener's own are pressed here, in one pass over the drawing,
from the one query the page makes anyway; the player bar's heart is given their tracks."""

import re

from django.http import HttpRequest

from twentytwo.favorites.selectors import FavoriteIds, favorite_ids

# How favorites/partials/heart.html draws a heart that is not pressed; a test holds the two
# together. Titles and names in a drawing are escaped, so no text can look like this.
_UNPRESSED = re.compile(
    r'data-heart-kind="(track|genre)" data-heart-id="(\d+)" aria-pressed="false"'
)


_PLAYER_NONE = 'data-favorite-tracks=""'


def request_favorite_ids(request: HttpRequest | None) -> FavoriteIds:
    """Return the ids the request's user has hearted; none for no request or no user."""
    if request is None:
        return FavoriteIds()
    if not hasattr(request, "_favorite_ids"):
        request._favorite_ids = favorite_ids(user=getattr(request, "user", None))
    return request._favorite_ids


def hearts_pressed(request: HttpRequest, html: str) -> str:
    """Return `html` with the hearts of the request's user's favorites pressed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return html
    ids = request_favorite_ids(request)
    if not ids.tracks and not ids.genres:
        return html

    def press(match: re.Match) -> str:
        kind, pk = match[1], int(match[2])
        if pk in (ids.tracks if kind == "track" else ids.genres):
            return f'data-heart-kind="{kind}" data-heart-id="{pk}" aria-pressed="true"'
        return match[0]

    html = _UNPRESSED.sub(press, html)
    # The player bar's heart, drawn with no favorites (favorites/partials/player_heart.html).
    tracks = ",".join(str(pk) for pk in sorted(ids.tracks))
    return html.replace(_PLAYER_NONE, f'data-favorite-tracks="{tracks}"', 1)
