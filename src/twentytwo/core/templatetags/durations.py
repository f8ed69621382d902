"""`{{ seconds|track_time }}`: a duration as a player shows it."""

from django import template

register = template.Library()


@register.filter
def track_time(seconds: float | None) -> str:
    """Format a duration in seconds as m:ss, or h:mm:ss past the hour."""
    if seconds is None:
        return ""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
