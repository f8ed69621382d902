"""Asking for mail, confirming the address, and stopping it.

The choices themselves are rows of privacy's ledger (privacy/services/marketing.py), each
under the policy version in force; here are the rules around them: who may ask (18 or
older, or with a guardian's confirmation), the confirmation mail and its link, and the
preferences a subscriber keeps."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse

from twentytwo.accounts.selectors import user_may_receive_mail
from twentytwo.catalog.models import City
from twentytwo.outreach import links
from twentytwo.outreach.links import Confirmation, LinkError
from twentytwo.outreach.mail import message, site_url
from twentytwo.outreach.models import LANGUAGES, Subscriber
from twentytwo.outreach.services import OutreachError
from twentytwo.privacy.models import MarketingChoice, MarketingPurpose
from twentytwo.privacy.selectors.marketing import marketing_in_force
from twentytwo.privacy.services import PrivacyError
from twentytwo.privacy.services.marketing import marketing_choice_record
from twentytwo.privacy.services.mydata import marketing_objection_record

logger = logging.getLogger(__name__)
Method = MarketingChoice.Method

NOT_FOR_YOU = (
    "Mail is only for listeners of 18 or older, or whose parent or guardian has confirmed."
)
NO_ADDRESS = "Your account has no e-mail address: add one on My data first."
UNKNOWN_PURPOSE = "There is no kind of mail called %(purpose)r."
UNKNOWN_LANGUAGE = "Mail comes in English or Dutch, not %(language)r."
LINK_SPENT = "This link was used or replaced: ask for the mail again on your subscriptions page."
ADDRESS_CHANGED = (
    "This link was sent to an address that is no longer your account's: ask again from your "
    "subscriptions page."
)
NO_ACCOUNT = "The account this link was made for no longer exists."


def _purpose(purpose: str) -> str:
    if purpose not in [p.value for p in MarketingPurpose.asked()]:
        raise OutreachError(UNKNOWN_PURPOSE % {"purpose": purpose})
    return purpose


def subscriber_preferences_set(
    *, user: AbstractBaseUser, language: str, city: City | None
) -> Subscriber:
    """Keep the language and the city (None: every city) the listener's mail comes in."""
    if language not in dict(LANGUAGES):
        raise OutreachError(UNKNOWN_LANGUAGE % {"language": language})
    subscriber, _new = Subscriber.objects.update_or_create(
        user=user, defaults={"language": language, "city": city}
    )
    return subscriber


def subscription_opt_in(*, user: AbstractBaseUser, purpose: str) -> MarketingChoice:
    """Record the wish for one kind of mail and send the address a link to confirm it.

    Nothing is sent of that kind until the link is followed. Asking again for mail already
    confirmed changes nothing."""
    _purpose(purpose)
    if not user_may_receive_mail(user):
        raise OutreachError(NOT_FOR_YOU)
    if not user.email:
        raise OutreachError(NO_ADDRESS)
    current = marketing_in_force(user=user)[purpose]
    if current is not None and current.method == Method.CONFIRMED:
        return current
    with transaction.atomic():
        try:
            choice = marketing_choice_record(user=user, purpose=purpose, method=Method.OPT_IN)
        except PrivacyError as exc:
            raise OutreachError(str(exc)) from exc
        subscriber, _new = Subscriber.objects.get_or_create(user=user)
        token = links.confirmation_token(
            Confirmation(user_id=user.pk, purpose=purpose, choice_id=choice.pk, email=user.email)
        )
        link = site_url(reverse("outreach:confirm", kwargs={"token": token}))
        mail = message(
            to=user.email,
            language=subscriber.language,
            template="confirm",
            context={"purpose": purpose, "link": link},
        )
        transaction.on_commit(lambda: _send_now(mail, link))
    return choice


def _send_now(mail, link: str) -> None:
    if settings.DEMO_LOGIN:
        # The demo prints mail to the console, where long lines are cut; print the link whole.
        logger.info("Demo: confirmation link for %s: %s", mail.to[0], link)
    mail.send()


def link_user(user_id: int) -> AbstractBaseUser:
    try:
        return get_user_model().objects.get(pk=user_id)
    except get_user_model().DoesNotExist as exc:
        raise LinkError(NO_ACCOUNT) from exc


def subscription_confirm(*, token: str) -> MarketingChoice:
    """Confirm the address from the link in the mail; only the opt-in it answers, once."""
    confirmation = links.confirmation_of(token)
    _purpose(confirmation.purpose)
    user = link_user(confirmation.user_id)
    with transaction.atomic():
        current = marketing_in_force(user=user)[confirmation.purpose]
        followed_again = current is not None and current.method == Method.CONFIRMED
        if followed_again and current.pk > confirmation.choice_id:
            return current  # already confirmed: nothing new
        if current is None or current.pk != confirmation.choice_id:
            raise OutreachError(LINK_SPENT)
        if confirmation.email.lower() != (user.email or "").lower():
            raise OutreachError(ADDRESS_CHANGED)
        choice = marketing_choice_record(
            user=user, purpose=confirmation.purpose, method=Method.CONFIRMED
        )
        Subscriber.objects.update_or_create(user=user, defaults={"email": confirmation.email})
    return choice


def subscription_withdraw(
    *, user: AbstractBaseUser, purpose: str, method: str = Method.OPT_OUT
) -> MarketingChoice | None:
    """Stop one kind of mail at once; None when there was none to stop."""
    _purpose(purpose)
    current = marketing_in_force(user=user)[purpose]
    if current is None or current.method not in MarketingChoice.SUBSCRIBED:
        return None
    return marketing_choice_record(user=user, purpose=purpose, method=method)


def subscription_unsubscribe(*, token: str) -> tuple[AbstractBaseUser, str]:
    """Stop the kind of mail the link was made for, for the account it names; no sign-in."""
    unsubscribe = links.unsubscribe_of(token)
    _purpose(unsubscribe.purpose)
    user = link_user(unsubscribe.user_id)
    subscription_withdraw(user=user, purpose=unsubscribe.purpose, method=Method.UNSUBSCRIBE_LINK)
    return user, unsubscribe.purpose


def subscriptions_withdraw_all(*, user: AbstractBaseUser) -> MarketingChoice:
    """Stop every kind of mail: the objection of My data, audited there."""
    return marketing_objection_record(user=user)


def subscriber_mail_refused(*, email: str, now=None) -> list[int]:
    """Stop all marketing mail to an address the mail service says bounced for good, or
    whose owner marked a message as spam; return the accounts it stopped.

    Each kind of mail the account had asked for gets a BOUNCED row in privacy's ledger,
    and the confirmed address is forgotten: mail starts again only after the listener
    asks again and confirms an address that works."""
    stopped = []
    for subscriber in Subscriber.objects.filter(email__iexact=email.strip()).select_related("user"):
        with transaction.atomic():
            in_force = marketing_in_force(user=subscriber.user)
            for purpose, choice in in_force.items():
                if choice is not None and choice.method in MarketingChoice.SUBSCRIBED:
                    marketing_choice_record(
                        user=subscriber.user, purpose=purpose, method=Method.BOUNCED
                    )
            Subscriber.objects.filter(pk=subscriber.pk).update(email="")
        stopped.append(subscriber.user_id)
    return stopped
