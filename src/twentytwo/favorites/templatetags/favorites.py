"""Template tags that draw hearts pressed or not for the signed-in listener.

The user's favorite ids are read once per request and kept on it (favorites/hearts.py), so
a page with many hearts costs one query; parts of a page drawn once for everyone get their
hearts pressed there. A heart is right on the first paint and after every htmx swap."""

from django import template

from twentytwo.accounts.selectors import user_may_keep_favorites
from twentytwo.favorites.hearts import request_favorite_ids

register = template.Library()

# What a heart press does for this visitor; player.js reads it from <body>.
ACCESS_ALLOWED = "allowed"
ACCESS_REFUSED = "refused"
ACCESS_ANONYMOUS = "anonymous"


@register.simple_tag(takes_context=True)
def favorites_access(context) -> str:
    """Return "allowed", "refused" (signed in but limited) or "anonymous"."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ACCESS_ANONYMOUS
    if not hasattr(request, "_favorites_access"):
        request._favorites_access = (
            ACCESS_ALLOWED if user_may_keep_favorites(user) else ACCESS_REFUSED
        )
    return request._favorites_access


@register.simple_tag(takes_context=True)
def favorite_track_ids(context) -> str:
    """Return the user's favorite track ids, comma-separated, for the player bar's heart."""
    return ",".join(str(pk) for pk in sorted(request_favorite_ids(context.get("request")).tracks))


@register.inclusion_tag("favorites/partials/heart.html", takes_context=True)
def heart(context, *, track=None, genre=None, extra_class: str = ""):
    """Draw a heart button for a track or a genre."""
    ids = request_favorite_ids(context.get("request"))
    if track is not None:
        kind, target, pressed = "track", track, track.pk in ids.tracks
    else:
        kind, target, pressed = "genre", genre, genre.pk in ids.genres
    return {"kind": kind, "target": target, "pressed": pressed, "extra_class": extra_class}
