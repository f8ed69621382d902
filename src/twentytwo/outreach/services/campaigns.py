"""Campaigns: checked before they go, tried on their author, sent with progress that resumes.

A campaign's recipients are fixed when it starts (a Delivery row per account whose choice
in force for the campaign's kind of mail is confirmed, in its cities); each message is sent
only if that is still so at the moment it goes, and to the address that confirmed only
while it is still the account's. A sender holds the campaign for LEASE, renewed per batch;
a sender that dies leaves its hold to run out, and the next run takes up the messages still
waiting. Each message is recorded as sent right after the mail server accepted it, under a
Message-ID of its own that a resend repeats."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import mail
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from twentytwo.outreach.mail import campaign_message_id, message, survey_url, unsubscribe_url
from twentytwo.outreach.models import LANGUAGES, Campaign, Delivery, Subscriber
from twentytwo.outreach.services import OutreachError
from twentytwo.privacy.selectors.marketing import marketing_confirmed, marketing_confirmed_ever

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BATCH = 100
EMPTY_PART = "The %(language)s %(part)s is empty: every recipient gets one of the two languages."
SUBJECT_LINE = "A subject is one line: take the line break out of the %(language)s subject."
NOT_A_DRAFT = "This campaign has already started; only a draft can be started."
NO_ADDRESS = "Your account has no e-mail address to send the test to."
SURVEY_NEEDS_SURVEYS = "A survey goes only to those who asked for surveys: choose that kind."

Status = Campaign.Status


def campaign_check(*, campaign: Campaign) -> None:
    """Refuse a campaign that cannot go as it is: a language left empty, a broken subject."""
    for code, language in LANGUAGES:
        subject, body = getattr(campaign, f"subject_{code}"), getattr(campaign, f"body_{code}")
        for part, value in (("subject", subject), ("text", body)):
            if not value.strip():
                raise OutreachError(EMPTY_PART % {"language": language, "part": part})
        if "\n" in subject or "\r" in subject:
            raise OutreachError(SUBJECT_LINE % {"language": language})
    if campaign.survey_id is not None and campaign.purpose != "surveys":
        raise OutreachError(SURVEY_NEEDS_SURVEYS)


def campaign_message(
    *, campaign: Campaign, to: str, language: str, user_id: int, message_id: str | None = None
):
    """The campaign's message in the language, with the recipient's own unsubscribe link."""
    return message(
        to=to,
        language=language,
        template="campaign",
        context={
            "subject": getattr(campaign, f"subject_{language}"),
            "body": getattr(campaign, f"body_{language}"),
            "purpose": campaign.purpose,
            "survey_link": survey_url(user_id=user_id, survey=campaign.survey)
            if campaign.survey_id
            else None,
        },
        unsubscribe=unsubscribe_url(user_id=user_id, purpose=campaign.purpose),
        message_id=message_id,
    )


def campaign_test_send(*, campaign: Campaign, actor: AbstractBaseUser) -> int:
    """Send the campaign in both languages to its author's own address; count what went."""
    campaign_check(campaign=campaign)
    if not actor.email:
        raise OutreachError(NO_ADDRESS)
    messages = [
        campaign_message(campaign=campaign, to=actor.email, language=code, user_id=actor.pk)
        for code, _language in LANGUAGES
    ]
    for test in messages:
        test.subject = f"[test] {test.subject}"
    with mail.mailers.default as connection:
        return connection.send_messages(messages)


def campaign_start(*, campaign: Campaign, actor: AbstractBaseUser, at=None) -> Campaign:
    """Schedule a draft to go at `at` (now when None); tasks.campaign_send_task sends it, and
    the outreach chain takes it up at the latest a RESUME_EVERY later."""
    campaign_check(campaign=campaign)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != Status.DRAFT:
            raise OutreachError(NOT_A_DRAFT)
        locked.status = Status.SCHEDULED
        locked.send_at = at or timezone.now()
        locked.save(update_fields=["status", "send_at"])
    return locked


@dataclass
class Progress:
    waiting: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.waiting + self.sent + self.skipped + self.failed


def campaign_progress(*, campaign: Campaign) -> Progress:
    counts = dict(
        Delivery.objects.filter(campaign=campaign)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return Progress(
        waiting=counts.get(Delivery.Status.PENDING, 0),
        sent=counts.get(Delivery.Status.SENT, 0),
        skipped=counts.get(Delivery.Status.SKIPPED, 0),
        failed=counts.get(Delivery.Status.FAILED, 0),
    )


def _lease_take(campaign_id: int) -> bool:
    """Hold the campaign for this sender unless another holds it; say whether it does."""
    now = timezone.now()
    return bool(
        Campaign.objects.filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now),
            pk=campaign_id,
            status__in=[Status.SCHEDULED, Status.SENDING],
            send_at__lte=now,
        ).update(lease_until=now + LEASE)
    )


def _recipients_fix(campaign: Campaign) -> None:
    """Write a Delivery row for every account confirmed for the campaign, in its cities."""
    cities = set(campaign.cities.values_list("pk", flat=True))
    chunk: list[int] = []

    def flush() -> None:
        ids = marketing_confirmed(purpose=campaign.purpose, user_ids=chunk)
        if cities:
            # A subscriber with no city gets every city's mail.
            ids = set(
                Subscriber.objects.filter(user_id__in=ids)
                .filter(Q(city__isnull=True) | Q(city_id__in=cities))
                .values_list("user_id", flat=True)
            )
        Delivery.objects.bulk_create(
            [Delivery(campaign=campaign, user_id=i) for i in sorted(ids)],
            ignore_conflicts=True,
        )
        chunk.clear()

    for user_id in marketing_confirmed_ever(purpose=campaign.purpose):
        chunk.append(user_id)
        if len(chunk) >= 1000:
            flush()
    flush()


def _done(delivery_id: int, status: str, error: str = "") -> None:
    Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
        status=status, done_at=timezone.now(), error=error[:200]
    )


def campaign_run(*, campaign_id: int, batch: int = BATCH) -> Progress | None:
    """Send what waits of the campaign, batch by batch; None when another sender holds it.

    A mail server that goes away ends the run with the rest still waiting, for the next."""
    if not _lease_take(campaign_id):
        return None
    campaign = Campaign.objects.get(pk=campaign_id)
    if campaign.status == Status.SCHEDULED:
        with transaction.atomic():
            _recipients_fix(campaign)
            Campaign.objects.filter(pk=campaign_id).update(
                status=Status.SENDING, started_at=timezone.now()
            )
    try:
        _send_waiting(campaign, batch)
    except BaseException:
        # The messages not sent still wait; let the next run take them up at once.
        Campaign.objects.filter(pk=campaign_id).update(lease_until=None)
        raise
    Campaign.objects.filter(pk=campaign_id).update(
        status=Status.SENT, finished_at=timezone.now(), lease_until=None
    )
    return campaign_progress(campaign=campaign)


def _send_waiting(campaign: Campaign, batch: int) -> None:
    campaign_id = campaign.pk
    users = get_user_model().objects
    last = 0
    with mail.mailers.default as connection:
        while True:
            waiting = list(
                Delivery.objects.filter(
                    campaign_id=campaign_id, status=Delivery.Status.PENDING, pk__gt=last
                )
                .order_by("pk")
                .values_list("pk", "user_id")[:batch]
            )
            if not waiting:
                break
            last = waiting[-1][0]
            user_ids = [user_id for _pk, user_id in waiting]
            # Read at the moment of sending: a withdrawal since the start stops the message.
            confirmed = marketing_confirmed(purpose=campaign.purpose, user_ids=user_ids)
            emails = dict(users.filter(pk__in=user_ids).values_list("pk", "email"))
            subscribers = {s.user_id: s for s in Subscriber.objects.filter(user_id__in=user_ids)}
            for pk, user_id in waiting:
                subscriber = subscribers.get(user_id)
                address = emails.get(user_id) or ""
                if (
                    user_id not in confirmed
                    or subscriber is None
                    or not address
                    or subscriber.email.lower() != address.lower()
                ):
                    _done(pk, Delivery.Status.SKIPPED)
                    continue
                email = campaign_message(
                    campaign=campaign,
                    to=subscriber.email,
                    language=subscriber.language,
                    user_id=user_id,
                    message_id=campaign_message_id(campaign_id=campaign_id, delivery_id=pk),
                )
                try:
                    connection.send_messages([email])
                except smtplib.SMTPRecipientsRefused as exc:
                    _done(pk, Delivery.Status.FAILED, str(exc))
                    continue
                _done(pk, Delivery.Status.SENT)
            Campaign.objects.filter(pk=campaign_id).update(lease_until=timezone.now() + LEASE)


def campaigns_resume() -> list[int]:
    """Run every campaign that is due, or whose sender's hold ran out; return their ids."""
    now = timezone.now()
    due = Campaign.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        status__in=[Status.SCHEDULED, Status.SENDING],
        send_at__lte=now,
    ).values_list("pk", flat=True)
    ran = []
    for campaign_id in list(due):
        if campaign_run(campaign_id=campaign_id) is not None:
            ran.append(campaign_id)
    return ran
