"""The signed links in outreach's mail: confirming an address, unsubscribing, and answering
a survey.

A link names one account and one kind of mail, signed with the site's secret under a salt
of its own, so it cannot be made for another address or another purpose, nor used as the
other kind of link. A confirmation link also names the opt-in it answers and the address
it was sent to: once that opt-in is no longer the choice in force, the link is spent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

CONFIRM_SALT = "twentytwo.outreach.confirm"
UNSUBSCRIBE_SALT = "twentytwo.outreach.unsubscribe"
SURVEY_SALT = "twentytwo.outreach.survey"
SURVEY_VALID = timedelta(days=60)
CONFIRM_VALID = timedelta(days=7)
# An unsubscribe link must work long after the message came (RFC 8058 asks for it).
UNSUBSCRIBE_VALID = timedelta(days=400)

LINK_BROKEN = (
    "This link is not one of ours, or it was cut short. Copy the whole link from the mail."
)
LINK_EXPIRED = "This link has expired."


class LinkError(Exception):
    """A link that is forged, broken or too old; the message says which."""


@dataclass(frozen=True)
class Confirmation:
    user_id: int
    purpose: str
    choice_id: int  # the opt-in row it confirms
    email: str


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    purpose: str


@dataclass(frozen=True)
class SurveyInvite:
    user_id: int
    survey_id: int


def confirmation_token(c: Confirmation) -> str:
    return signing.dumps([c.user_id, c.purpose, c.choice_id, c.email], salt=CONFIRM_SALT)


def unsubscribe_token(u: Unsubscribe) -> str:
    return signing.dumps([u.user_id, u.purpose], salt=UNSUBSCRIBE_SALT)


def _loads(token: str, *, salt: str, max_age: timedelta, size: int) -> list:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkError(LINK_EXPIRED) from exc
    except signing.BadSignature as exc:
        raise LinkError(LINK_BROKEN) from exc
    if not isinstance(value, list) or len(value) != size:
        raise LinkError(LINK_BROKEN)
    return value


def confirmation_of(token: str) -> Confirmation:
    user_id, purpose, choice_id, email = _loads(
        token, salt=CONFIRM_SALT, max_age=CONFIRM_VALID, size=4
    )
    return Confirmation(user_id, purpose, choice_id, email)


def unsubscribe_of(token: str) -> Unsubscribe:
    user_id, purpose = _loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_VALID, size=2)
    return Unsubscribe(user_id, purpose)


def survey_token(s: SurveyInvite) -> str:
    return signing.dumps([s.user_id, s.survey_id], salt=SURVEY_SALT)


def survey_invite_of(token: str) -> SurveyInvite:
    user_id, survey_id = _loads(token, salt=SURVEY_SALT, max_age=SURVEY_VALID, size=2)
    return SurveyInvite(user_id, survey_id)
