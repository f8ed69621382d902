"""The erasure confirmation: a signed, expiring, single-use link for one account.

The link carries the account's number and a random nonce, signed with a timestamp, as the
guardian's link does (accounts.services). It works only for the account it was made for,
signed in; it expires after PRIVACY_ERASURE_LINK_MAX_AGE seconds; and it works once: the
erasure's audit row keeps the nonce, so the same link is refused ever after, also once
the account it named is gone."""

import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core import signing

from twentytwo.privacy.models import AuditEvent

ERASURE_LINK_SALT = "twentytwo.privacy.erasure-confirmation"
ERASURE_LINK_INVALID = "This confirmation link is not valid. Start again from My data."
ERASURE_LINK_EXPIRED = "This confirmation link has expired. Start again from My data."
ERASURE_LINK_USED = (
    "This confirmation link has already been used: the account it was for is erased."
)
ERASURE_LINK_SIGN_IN = "Sign in to the account this link was made for, then open it again."
ERASURE_LINK_OTHER_ACCOUNT = (
    "This confirmation link was made for another account. It cannot erase the account "
    "you are signed in to; start again from My data."
)


class ConfirmationError(Exception):
    """A refused confirmation link; the message is one of this module's constants."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def erasure_token_make(*, user: AbstractBaseUser) -> str:
    """Return a new confirmation token for erasing `user`'s account."""
    return signing.dumps({"u": user.pk, "n": secrets.token_hex(16)}, salt=ERASURE_LINK_SALT)


def erasure_token_used(*, nonce: str) -> bool:
    return AuditEvent.objects.filter(
        kind=AuditEvent.Kind.ERASURE, detail__confirmation=nonce
    ).exists()


def erasure_token_check(*, token: str, user: AbstractBaseUser | AnonymousUser) -> str:
    """Return the token's nonce if it may erase the signed-in `user`'s account; else refuse."""
    try:
        data = signing.loads(
            token, salt=ERASURE_LINK_SALT, max_age=settings.PRIVACY_ERASURE_LINK_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise ConfirmationError(ERASURE_LINK_EXPIRED, status=410) from exc
    except signing.BadSignature as exc:
        raise ConfirmationError(ERASURE_LINK_INVALID, status=400) from exc
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        raise ConfirmationError(ERASURE_LINK_INVALID, status=400)
    if erasure_token_used(nonce=data["n"]):
        raise ConfirmationError(ERASURE_LINK_USED, status=410)
    if not user.is_authenticated:
        raise ConfirmationError(ERASURE_LINK_SIGN_IN, status=403)
    if data.get("u") != user.pk:
        raise ConfirmationError(ERASURE_LINK_OTHER_ACCOUNT, status=403)
    return data["n"]
