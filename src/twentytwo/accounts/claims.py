"""Turn what a sign-in provider says about a listener into the profile's four facts.

Providers differ in shape (Google and OpenID Connect send standard claims, Facebook nests its
picture, X calls it profile_image_url); allauth's provider accounts smooth most of that out.
Anything missing, malformed or absurdly long is dropped or shortened here, before storage."""

import re
import unicodedata

from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from twentytwo.accounts.models import ProfileFact

# Names longer than this are shortened, ending with an ellipsis.
NAME_MAX_LENGTH = 150
# A longer picture address is dropped: a cut URL would point nowhere.
AVATAR_URL_MAX_LENGTH = 500
EMAIL_MAX_LENGTH = 254
# BCP 47 tags such as en, nl-NL, zh-Hant-TW; Facebook writes nl_NL.
LOCALE_PATTERN = re.compile(r"^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,4}$")


def _clean_name(value: object) -> str:
    if not isinstance(value, str):
        return ""
    # Control and format characters (newlines, bidi overrides) have no place in a name.
    kept = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C")
    name = " ".join(kept.split())
    if len(name) > NAME_MAX_LENGTH:
        name = name[: NAME_MAX_LENGTH - 1].rstrip() + "…"
    return name


def _clean_avatar(value: object) -> str:
    if not isinstance(value, str) or len(value) > AVATAR_URL_MAX_LENGTH:
        return ""
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError:
        return ""
    return value


def _clean_locale(value: object) -> str:
    if not isinstance(value, str) or not LOCALE_PATTERN.match(value):
        return ""
    return value.replace("_", "-")


def clean_email(value: object) -> str:
    if not isinstance(value, str) or len(value) > EMAIL_MAX_LENGTH:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


_CLEANERS = {
    ProfileFact.Kind.NAME: _clean_name,
    ProfileFact.Kind.AVATAR: _clean_avatar,
    ProfileFact.Kind.LOCALE: _clean_locale,
    ProfileFact.Kind.EMAIL: clean_email,
}


def claim_clean(kind: str, value: object) -> str:
    """Return `value` cleaned as a fact of `kind` is, "" when it cannot be one."""
    cleaner = _CLEANERS.get(kind)
    return cleaner(value.strip() if isinstance(value, str) else value) if cleaner else ""


def profile_claims_from_social_account(account: SocialAccount) -> dict[str, str]:
    """Return the facts this social account offers, keyed by ProfileFact.Kind, cleaned."""
    provider_account = account.get_provider_account()
    data = provider_account.get_user_data() or {}
    name = data.get("name")
    if not name:
        parts = [data.get("given_name") or data.get("first_name"), data.get("family_name")]
        name = " ".join(p for p in parts if isinstance(p, str) and p)
    try:
        avatar = provider_account.get_avatar_url()
    except (KeyError, TypeError, AttributeError):
        avatar = None
    avatar = avatar or data.get("picture") or data.get("profile_image_url")
    facts = {
        ProfileFact.Kind.NAME: _clean_name(name),
        ProfileFact.Kind.AVATAR: _clean_avatar(avatar),
        ProfileFact.Kind.LOCALE: _clean_locale(data.get("locale")),
        ProfileFact.Kind.EMAIL: clean_email(data.get("email")),
    }
    return {str(kind): value for kind, value in facts.items() if value}
