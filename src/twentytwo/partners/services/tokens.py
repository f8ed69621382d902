"""API tokens of an organisation: made with a secret shown once and stored as a digest,
scoped, expiring, revocable; and the check every call of the partner API makes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from twentytwo.partners.models import ApiToken, Organisation

PREFIX = "tt_partner_"


class TokenError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *, organisation: Organisation, name: str, actor, days: int | None = None, now=None
) -> tuple[ApiToken, str]:
    """Make a token; return it and its secret, which is never stored and never shown again."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise TokenError(_("Name the token (80 characters at most)."))
    days = settings.PARTNER_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise TokenError(_("A token lives from 1 to 366 days."))
    now = now or timezone.now()
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name,
        prefix=secret[len(PREFIX) : len(PREFIX) + 8],
        digest=_digest(secret),
        scopes=[ApiToken.Scope.REPORTS],
        created_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return token, secret


def token_revoke(*, token: ApiToken, now=None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])


def token_authenticate(*, secret: str, scope: str, now=None) -> ApiToken:
    """Return the live token of this secret for the scope, or refuse with the reason."""
    now = now or timezone.now()
    if not secret.startswith(PREFIX):
        raise TokenError(_("This is not a partner API token."))
    token = ApiToken.objects.select_related("organisation").filter(digest=_digest(secret)).first()
    if token is None:
        raise TokenError(_("This token is not known."))
    if token.revoked_at is not None:
        raise TokenError(_("This token was revoked."))
    if token.expires_at <= now:
        raise TokenError(_("This token has expired; make a new one in the partner portal."))
    if scope not in token.scopes:
        raise TokenError(_("This token may not do this."))
    # Once a minute at most, so that busy clients do not write on every call.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
