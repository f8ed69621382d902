"""`{% ads_player_every %}`: after how many finished tracks the player shows a spot (0: none)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def ads_player_every() -> int:
    return settings.ADS_PLAYER_EVERY
