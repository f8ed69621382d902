"""Template tags that give the player what it needs to play a track."""

from django import template

from twentytwo.streaming.signing import stream_url as signed_stream_url

register = template.Library()


@register.simple_tag
def stream_url(track_id: int) -> str:
    """Return the signed, expiring address the player streams the track from."""
    return signed_stream_url(track_id)


@register.filter
def track_time(seconds: float | None) -> str:
    """Format a duration in seconds as m:ss, or h:mm:ss past the hour."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
