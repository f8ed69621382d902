"""Promotions run with an affiliate: checking one, entering it, and handing entries over.

Entering writes the entry and shares exactly its asked fields with the promotion's
affiliate through privacy's release register, in one transaction: an entry that is not in
the register does not exist, and a register row without its entry cannot either. The
affiliate then gets the entry by a signed webhook (`promotion_handover`), or, for a
promotion without one, in the CSV staff pass on (selectors.promotion_entries_csv)."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from twentytwo.accounts.selectors import user_may_receive_mail
from twentytwo.outreach.models import Promotion, PromotionEntry
from twentytwo.outreach.services import OutreachError
from twentytwo.privacy.services import PrivacyError
from twentytwo.privacy.services.releases import affiliate_share_release

Field = Promotion.Field
logger = logging.getLogger(__name__)

PROMOTION_NOT_FOR_YOU = (
    "Promotions are only for listeners of 18 or older, or whose parent or guardian has confirmed."
)
PROMOTION_NOT_OPEN = "This promotion is not open for entries: it runs from %(opens)s to %(closes)s."
ALREADY_ENTERED = "You have already entered this promotion."
NO_CONSENT = (
    "Tick the box to agree that %(affiliate)s receives these details of your entry. Without "
    "it nothing is entered and nothing is shared."
)
FIELD_REQUIRED = "Fill in %(field)s: it is part of the entry."
FIELD_TOO_LONG = "%(field)s is longer than %(limit)d characters."
FIELD_ONE_LINE = "%(field)s must be on one line."
BAD_EMAIL = "Enter a valid e-mail address."
NO_FIELDS = "A promotion asks at least one field, or there is nothing to enter."
UNKNOWN_FIELD = "There is no entry field called %(field)r."
QUESTION_MISSING = "Write the question the answer field answers."
NO_COMMITMENT = (
    "%(affiliate)s has no privacy commitment on record: add what it undertook, and when, to "
    "the affiliate first."
)
FIELDS_FIXED = (
    "The promotion has entries: what it asks, its affiliate and its webhook can no longer "
    "change, since those who entered agreed to exactly that."
)
# What an entrant agreed to: fixed once anyone has entered.
FIXED = ("fields", "question", "affiliate_id", "webhook_url")
WEBHOOK_NOT_HTTPS = "The affiliate's webhook must be an https:// address."
WEBHOOK_PRIVATE = "the webhook's host is a private or reserved address"

LIMITS = {Field.NAME: 150, Field.EMAIL: 254, Field.POSTAL_ADDRESS: 500, Field.ANSWER: 2000}
ONE_LINE = {Field.NAME, Field.EMAIL}
SIGNATURE_HEADER = "X-22tracks-Signature"
HANDOVER_TIMEOUT = 10
HANDOVER_ATTEMPTS = 8
# The task started by the entry tries first; the chain takes up an entry it never tried.
FIRST_TRY_GRACE = timedelta(minutes=5)
RELEASE_MODEL = "outreach.PromotionEntry"


def promotion_fixed(promotion_id: int | None) -> dict | None:
    """What entrants of the stored promotion agreed to, if it has entries; else None."""
    if (
        promotion_id is None
        or not PromotionEntry.objects.filter(promotion_id=promotion_id).exists()
    ):
        return None
    return Promotion.objects.filter(pk=promotion_id).values(*FIXED).first()


def promotion_check(*, promotion: Promotion, fixed: dict | None = None) -> None:
    """Refuse a promotion that cannot be run: raise OutreachError naming what is wrong."""
    if not promotion.fields:
        raise OutreachError(NO_FIELDS)
    for name in promotion.fields:
        if name not in Field.values:
            raise OutreachError(UNKNOWN_FIELD % {"field": name})
    if Field.ANSWER in promotion.fields and not promotion.question.strip():
        raise OutreachError(QUESTION_MISSING)
    affiliate = promotion.affiliate
    if not affiliate.privacy_commitment.strip() or affiliate.committed_on is None:
        raise OutreachError(NO_COMMITMENT % {"affiliate": affiliate.name})
    if promotion.webhook_url and not _webhook_allowed(promotion.webhook_url):
        raise OutreachError(WEBHOOK_NOT_HTTPS)
    if fixed is not None and any(getattr(promotion, name) != fixed[name] for name in FIXED):
        raise OutreachError(FIELDS_FIXED)


def _webhook_allowed(url: str) -> bool:
    """https anywhere; plain http only to this machine's own loopback (tests, a local relay)."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def promotion_save(*, promotion: Promotion, actor: AbstractBaseUser | None = None) -> Promotion:
    """Check and store a promotion, giving it a webhook signing key when it has a webhook."""
    promotion_check(promotion=promotion, fixed=promotion_fixed(promotion.pk))
    if promotion.webhook_url and not promotion.webhook_secret:
        promotion.webhook_secret = secrets.token_hex(32)
    if promotion.created_by_id is None and actor is not None:
        promotion.created_by = actor
    promotion.save()
    return promotion


def _clean(promotion: Promotion, data: dict[str, str]) -> dict[str, str]:
    labels = dict(Field.choices)
    values = {}
    for name in promotion.fields:
        label = str(labels[name])
        value = (data.get(name) or "").strip()
        if not value:
            raise OutreachError(FIELD_REQUIRED % {"field": label})
        if len(value) > LIMITS[name]:
            raise OutreachError(
                FIELD_TOO_LONG % {"field": label.capitalize(), "limit": LIMITS[name]}
            )
        if name in ONE_LINE and ("\n" in value or "\r" in value):
            raise OutreachError(FIELD_ONE_LINE % {"field": label.capitalize()})
        if name == Field.EMAIL:
            try:
                validate_email(value)
            except ValidationError as exc:
                raise OutreachError(BAD_EMAIL) from exc
        values[name] = value
    return values


def promotion_enter(
    *,
    promotion: Promotion,
    user: AbstractBaseUser,
    data: dict[str, str],
    consent: bool,
    now: datetime | None = None,
) -> PromotionEntry:
    """Enter the listener and share the entry's asked fields with the affiliate, at once.

    Refused, with nothing stored or shared: a listener under 18 without a guardian's
    confirmation, a closed promotion, a second entry, a missing field, or no consent."""
    now = now or timezone.now()
    if not user_may_receive_mail(user):
        raise OutreachError(PROMOTION_NOT_FOR_YOU)
    if not promotion.is_open(now):
        raise OutreachError(
            PROMOTION_NOT_OPEN
            % {
                "opens": timezone.localtime(promotion.opens_at).strftime("%Y-%m-%d %H:%M"),
                "closes": timezone.localtime(promotion.closes_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if PromotionEntry.objects.filter(promotion=promotion, user=user).exists():
        raise OutreachError(ALREADY_ENTERED)
    values = _clean(promotion, data)
    if consent is not True:
        raise OutreachError(NO_CONSENT % {"affiliate": promotion.affiliate.name})
    try:
        with transaction.atomic():
            entry = PromotionEntry.objects.create(
                promotion=promotion,
                user=user,
                reference=secrets.token_hex(16),
                entered_at=now,
                **values,
            )
            affiliate_share_release(
                affiliate=promotion.affiliate,
                transaction_reference=f"promotion {promotion.slug}, entry {entry.reference}",
                user_id=user.pk,
                fields=[f"{RELEASE_MODEL}.{name}" for name in promotion.fields],
                rows={RELEASE_MODEL: [entry.pk]},
                deliver=lambda payload: _handed_to_register(entry, payload),
                description=f"Entry to {promotion.title}",
                now=now,
            )
    except IntegrityError as exc:
        raise OutreachError(ALREADY_ENTERED) from exc
    except PrivacyError as exc:
        raise OutreachError(str(exc)) from exc
    return entry


def _handed_to_register(entry: PromotionEntry, payload: dict) -> None:
    # What privacy collected is what the entry holds: the release and the hand-over agree.
    rows = payload[RELEASE_MODEL]
    if len(rows) != 1 or any(getattr(entry, k) != v for k, v in rows[0].items()):
        raise PrivacyError("The entry released is not the entry made.")


def handover_body(entry: PromotionEntry) -> dict:
    """What the affiliate receives of one entry: its reference, when, and the asked fields."""
    promotion = entry.promotion
    return {
        "promotion": promotion.slug,
        "entry": entry.reference,
        "entered_at": entry.entered_at.isoformat(),
        "fields": {name: getattr(entry, name) for name in promotion.fields},
    }


def handover_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>`: what an affiliate checks."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


@dataclass(frozen=True)
class Handover:
    delivered: bool
    error: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook answers for itself: a redirect is a failure, never followed."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _host_public(url: str) -> bool:
    """True when every address the host resolves to is public, or this machine's loopback
    (an affiliate's relay on the same host, and the tests): never a private network's."""
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return True  # unreachable anyway: the request fails and is tried again later
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback:
            continue
        if (
            address.is_private
            or address.is_link_local
            or address.is_reserved
            or address.is_multicast
            or address.is_unspecified
        ):
            return False
    return True


def promotion_handover(*, entry_id: int) -> Handover:
    """POST one entry to its affiliate's webhook, signed; record the outcome on the entry."""
    entry = PromotionEntry.objects.select_related("promotion").get(pk=entry_id)
    promotion = entry.promotion
    if entry.handed_over_at is not None or not promotion.webhook_url:
        return Handover(delivered=entry.handed_over_at is not None)
    if not _webhook_allowed(promotion.webhook_url):
        raise OutreachError(WEBHOOK_NOT_HTTPS)
    body = json.dumps(handover_body(entry), ensure_ascii=False, sort_keys=True).encode()
    # The scheme is https, or http to loopback: checked just above, and when saved.
    request = urllib.request.Request(  # noqa: S310
        promotion.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "22tracks-promotions",
            SIGNATURE_HEADER: handover_signature(
                secret=promotion.webhook_secret, timestamp=int(time.time()), body=body
            ),
        },
    )
    error = ""
    try:
        if not _host_public(promotion.webhook_url):
            raise PermissionError(WEBHOOK_PRIVATE)
        with _OPENER.open(request, timeout=HANDOVER_TIMEOUT) as answer:
            status = answer.status
            error = f"the webhook answered {status}"
    except urllib.error.HTTPError as exc:
        status, error = exc.code, f"the webhook answered {exc.code}"
    except PermissionError as exc:
        status, error = 0, str(exc)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        status, error = 0, f"the webhook could not be reached: {type(exc).__name__}"
    if 200 <= status < 300:
        PromotionEntry.objects.filter(pk=entry.pk).update(
            handed_over_at=timezone.now(), handover_error=""
        )
        return Handover(delivered=True)
    PromotionEntry.objects.filter(pk=entry.pk).update(
        handover_attempts=F("handover_attempts") + 1, handover_error=error[:200]
    )
    return Handover(delivered=False, error=error)


def promotion_handovers_resume(now: datetime | None = None) -> list[int]:
    """Try again every entry whose webhook failed, backing off; return the ids tried."""
    now = now or timezone.now()
    waiting = PromotionEntry.objects.filter(
        ~Q(promotion__webhook_url=""),
        handed_over_at__isnull=True,
        handover_attempts__lt=HANDOVER_ATTEMPTS,
    ).values_list("pk", "handover_attempts", "entered_at")
    tried = []
    for entry_id, attempts, entered_at in list(waiting):
        # The entry's own task makes the first try; after it, 1, 3, 7 … minutes after the
        # entry, so an affiliate that is down is not hammered.
        due = entered_at + (timedelta(minutes=2**attempts - 1) if attempts else FIRST_TRY_GRACE)
        if due > now:
            continue
        try:
            promotion_handover(entry_id=entry_id)
        except Exception:  # one entry's trouble must not keep the others waiting
            logger.exception("Handing over promotion entry %s failed.", entry_id)
        tried.append(entry_id)
    return tried
