"""Audience measurement's tables: the listening events as they arrive, and their rollups.

Split by subject (events.py, rollups.py); every model is importable from here, where Django
looks for them."""

from twentytwo.audience.models.events import ListenEvent
from twentytwo.audience.models.rollups import (
    CreditedQuarterHour,
    ListeningDay,
    ListeningHour,
    ListeningQuarterHour,
    PlayedQuarterHour,
    RollupWatermark,
)

__all__ = [
    "CreditedQuarterHour",
    "ListenEvent",
    "ListeningDay",
    "ListeningHour",
    "ListeningQuarterHour",
    "PlayedQuarterHour",
    "RollupWatermark",
]
