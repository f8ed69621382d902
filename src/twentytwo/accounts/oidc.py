"""OpenID Connect with a nonce.

allauth's generic OpenID Connect provider sends state and PKCE but no nonce. This provider
adds a fresh nonce to each authorization request and keeps it in the same server-side state
as the PKCE verifier; the adapter then requires the ID token to carry it back."""

import secrets

from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

STATE_NONCE_KEY = "nonce"


class NonceOpenIDConnectProvider(OpenIDConnectProvider):
    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        nonce = secrets.token_urlsafe(32)
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )


def sociallogin_nonce_matches(sociallogin: SocialLogin) -> bool:
    """True when the ID token carries the nonce this browser's sign-in started with."""
    expected = (sociallogin.state or {}).get(STATE_NONCE_KEY)
    id_token = sociallogin.account.extra_data.get("id_token") or {}
    received = id_token.get("nonce") if isinstance(id_token, dict) else None
    return (
        bool(expected) and isinstance(received, str) and secrets.compare_digest(expected, received)
    )
