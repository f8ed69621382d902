"""Reads of a listener's subscriptions, for the subscriptions page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from twentytwo.accounts.selectors import user_may_receive_mail
from twentytwo.outreach.models import Subscriber
from twentytwo.privacy.models import MarketingChoice, MarketingPurpose
from twentytwo.privacy.selectors.marketing import marketing_in_force


@dataclass(frozen=True)
class Kind:
    """One kind of mail on the subscriptions page, and where the listener stands."""

    purpose: str
    label: str
    choice: MarketingChoice | None

    @property
    def state(self) -> str:
        """none, opt_in (waiting for the address), confirmed, or how it was stopped."""
        return self.choice.method if self.choice else "none"

    @property
    def wanted(self) -> bool:
        return self.state in MarketingChoice.SUBSCRIBED


@dataclass(frozen=True)
class Subscriptions:
    allowed: bool
    kinds: list[Kind]
    subscriber: Subscriber | None


def subscriptions_of(user: AbstractBaseUser) -> Subscriptions:
    in_force = marketing_in_force(user=user)
    return Subscriptions(
        allowed=user_may_receive_mail(user),
        kinds=[
            Kind(purpose=p.value, label=str(p.label), choice=in_force[p])
            for p in MarketingPurpose.asked()
        ],
        subscriber=Subscriber.objects.filter(user=user).select_related("city").first(),
    )


def mail_invitation_due(user: AbstractBaseUser) -> bool:
    """True for a listener who may get mail and has never made a marketing choice: the
    dashboard invites them once; after any choice, a yes or a no, it says nothing more."""
    return user_may_receive_mail(user) and not MarketingChoice.objects.filter(user=user).exists()
