"""Reads about accounts: the age step, what an account may do, and its profile facts."""

from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.http import Http404

from twentytwo.accounts.models import AgeStatement, GuardianConfirmation, ProfileFact

PROFILE_FACT_NOT_FOUND = "There is no such item on your profile."


def age_statement_for_user(user: AbstractBaseUser | AnonymousUser) -> AgeStatement | None:
    """Return the listener's age answer, or None when they have not given one yet."""
    if not user.is_authenticated:
        return None
    return AgeStatement.objects.filter(user=user).first()


def user_needs_age_step(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True for a signed-in listener who has not yet said whether they are 18 or older.

    Staff sign in to the admin with a password and never pass the listener's age step."""
    if not user.is_authenticated or user.is_staff:
        return False
    return not AgeStatement.objects.filter(user=user).exists()


def user_guardian_confirmed(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True when a parent or guardian has confirmed this listener's account."""
    if not user.is_authenticated:
        return False
    return GuardianConfirmation.objects.filter(user=user, confirmed_at__isnull=False).exists()


def user_is_limited(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True for a signed-in listener who said they are under 18 and has no guardian yet."""
    statement = age_statement_for_user(user)
    return statement is not None and not statement.adult and not user_guardian_confirmed(user)


def user_may_keep_favorites(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True only for a signed-in listener who is 18 or older, or whose guardian confirmed."""
    statement = age_statement_for_user(user)
    if statement is None:
        return False
    return statement.adult or user_guardian_confirmed(user)


# Mail to the listener (not the guardian request itself) follows the same rule as favorites.
user_may_receive_mail = user_may_keep_favorites


def guardian_confirmation_pending(user: AbstractBaseUser) -> GuardianConfirmation | None:
    """Return the newest unconfirmed guardian request of this listener, if any."""
    return GuardianConfirmation.objects.filter(user=user, confirmed_at__isnull=True).first()


def profile_facts_for_user(user: AbstractBaseUser) -> QuerySet[ProfileFact]:
    """Return everything the sign-in providers told us about this listener."""
    return ProfileFact.objects.filter(user=user).order_by("kind", "source")


def access_profile_fact_by_id(user: AbstractBaseUser, fact_id: int) -> ProfileFact:
    """Return one of the user's own profile facts; another's is as absent as a missing one."""
    fact = ProfileFact.objects.filter(user=user, pk=fact_id).first()
    if fact is None:
        raise Http404(PROFILE_FACT_NOT_FOUND)
    return fact


def linked_providers_for_user(user: AbstractBaseUser) -> dict[str, str]:
    """Return {provider id: display name} of the sign-in services linked to this account."""
    names = {}
    for account in SocialAccount.objects.filter(user=user).order_by("provider"):
        try:
            names[account.provider] = account.get_provider().name
        except (SocialApp.DoesNotExist, ImproperlyConfigured):
            # A provider taken out of the configuration still has its accounts linked.
            names[account.provider] = account.provider
    return names
