"""allauth hooks: who may sign up, what a provider's answer is checked for, and where to go."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.urls import reverse

from twentytwo.accounts.claims import clean_email
from twentytwo.accounts.oidc import NONCE_PROVIDERS, sociallogin_nonce_matches
from twentytwo.accounts.services import profile_facts_record_from_social_account

EMAIL_IN_USE = (
    "Another account already uses the e-mail address this provider gave. Sign in the way "
    "you did before; once signed in you can link this provider from your profile."
)
NONCE_MISMATCH = "nonce_mismatch"


class AccountAdapter(DefaultAccountAdapter):
    """Listeners never get a local password; allauth's own forms are switched off."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Only reached through a social sign-in: SOCIALACCOUNT_ONLY removes the local form.
        return True


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request: HttpRequest, provider, client_id=None):
        found = super().get_provider(request, provider, client_id=client_id)
        with_nonce = NONCE_PROVIDERS.get(type(found))
        return with_nonce(request, app=found.app) if with_nonce else found

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Refuse a replayed ID token and an e-mail address that belongs to another account."""
        provider = sociallogin.account.get_provider()
        if isinstance(provider, tuple(NONCE_PROVIDERS)) and not sociallogin_nonce_matches(
            sociallogin
        ):
            raise ImmediateHttpResponse(
                render_authentication_error(request, provider, exception=NONCE_MISMATCH)
            )
        connecting = sociallogin.state.get("process") == AuthProcess.CONNECT
        if not sociallogin.is_existing and not connecting:
            email = clean_email(sociallogin.user.email) if sociallogin.user else ""
            addresses = {a.email for a in sociallogin.email_addresses} | ({email} - {""})
            if any(_email_in_use(address) for address in addresses):
                raise ImmediateHttpResponse(
                    render(
                        request,
                        "accounts/email_in_use.html",
                        {"message": EMAIL_IN_USE},
                        status=409,
                    )
                )

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        """Keep only the e-mail address on the user; names go to the profile with their source.

        The profile facts are what the listener sees and can remove; a second copy of the
        name on the user row would be neither."""
        user = sociallogin.user
        user.email = clean_email(data.get("email"))
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None):
        # The account and what its provider told us arrive together or not at all.
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form=form)
            profile_facts_record_from_social_account(account=sociallogin.account)
        return user

    def get_connect_redirect_url(self, request: HttpRequest, socialaccount) -> str:
        return reverse("accounts:profile")


def _email_in_use(address: str) -> bool:
    return (
        EmailAddress.objects.filter(email__iexact=address).exists()
        or get_user_model().objects.filter(email__iexact=address).exists()
    )
