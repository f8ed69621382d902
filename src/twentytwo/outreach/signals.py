"""What the mail service reports back, through django-anymail's tracking webhooks.

A permanent bounce, a rejection (the service will not send to the address) or a spam
complaint stops all marketing mail to that address (services.subscriptions). Every other
event (delivered, opened, clicked …) is ignored: the mail carries no tracking, and we keep
nothing of what a recipient does with it."""

from __future__ import annotations

import logging

from anymail.signals import tracking
from django.dispatch import receiver

from twentytwo.outreach.services.subscriptions import subscriber_mail_refused

logger = logging.getLogger(__name__)

TURNS_OFF = {"bounced", "rejected", "complained"}
# Postmark reports temporary failures (a full mailbox, a virus found) as bounces too; only
# these of its bounce types say the address is gone for good.
POSTMARK_PERMANENT = {"HardBounce", "BadEmailAddress", "ManuallyDeactivated", "SpamComplaint"}


def _permanent(event, esp_name: str) -> bool:
    if event.event_type != "bounced" or esp_name.lower() != "postmark":
        return True
    return (event.esp_event or {}).get("Type") in POSTMARK_PERMANENT


@receiver(tracking, dispatch_uid="twentytwo.outreach.mail_refused")
def mail_refused(sender, event, esp_name: str, **kwargs) -> None:
    if event.event_type not in TURNS_OFF or not event.recipient:
        return
    if not _permanent(event, esp_name):
        return
    stopped = subscriber_mail_refused(email=event.recipient)
    logger.info(
        "The mail service (%s) reported %s: marketing mail stopped for %d account(s).",
        esp_name,
        event.event_type,
        len(stopped),
    )
