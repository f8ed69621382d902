"""outreach's tables, by subject: mail (subscribers, campaigns, deliveries), promotions,
ads and surveys. Django finds the models here; callers may import them from here too."""

from twentytwo.outreach.models.ads import Ad, AdCount
from twentytwo.outreach.models.mail import LANGUAGES, Campaign, Delivery, Subscriber
from twentytwo.outreach.models.promotions import Promotion, PromotionEntry
from twentytwo.outreach.models.surveys import (
    Answer,
    PendingResponse,
    Question,
    Survey,
    SurveyResponse,
    SurveyTicket,
)

__all__ = [
    "LANGUAGES",
    "Ad",
    "AdCount",
    "Answer",
    "Campaign",
    "Delivery",
    "PendingResponse",
    "Promotion",
    "PromotionEntry",
    "Question",
    "Subscriber",
    "Survey",
    "SurveyResponse",
    "SurveyTicket",
]
