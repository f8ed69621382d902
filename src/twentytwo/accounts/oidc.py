"""OpenID Connect with a nonce, for the generic provider and for Google.

allauth's generic OpenID Connect provider and its Google provider send state and PKCE but no
nonce. These providers add a fresh nonce to each authorization request and keep it in the
same server-side state as the PKCE verifier; the adapter then requires the ID token to carry
it back, so an ID token made for another sign-in cannot be replayed into this one."""

import secrets

from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.google.provider import GoogleProvider
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

STATE_NONCE_KEY = "nonce"


class NonceRedirect:
    """Send a fresh nonce with each authorization request, kept in the sign-in's state."""

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        nonce = secrets.token_urlsafe(32)
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


class NonceOpenIDConnectProvider(NonceRedirect, OpenIDConnectProvider):
    pass


class NonceGoogleProvider(NonceRedirect, GoogleProvider):
    pass


NONCE_PROVIDERS = {
    OpenIDConnectProvider: NonceOpenIDConnectProvider,
    GoogleProvider: NonceGoogleProvider,
}


def sociallogin_nonce_matches(sociallogin: SocialLogin) -> bool:
    """True when the ID token carries the nonce this browser's sign-in started with."""
    expected = (sociallogin.state or {}).get(STATE_NONCE_KEY)
    extra = sociallogin.account.extra_data or {}
    # The generic provider keeps the ID token's claims under "id_token"; Google's are the
    # account data itself (read from the ID token, which the "openid" scope brings).
    claims = extra.get("id_token", extra)
    received = claims.get("nonce") if isinstance(claims, dict) else None
    return (
        bool(expected) and isinstance(received, str) and secrets.compare_digest(expected, received)
    )
