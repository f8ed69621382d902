"""The demo's OpenID Connect server: oidc-provider-mock with two ready-made listeners.

Its sign-in form also takes any other name typed in, so a newcomer can try a fresh account."""

from oidc_provider_mock import User, app

DEMO_USERS = (
    User(
        sub="demo-listener",
        claims={
            "name": "Demo Listener",
            "email": "listener@demo.22tracks.invalid",
            "email_verified": True,
            "locale": "en",
        },
    ),
    User(
        sub="demo-luisteraar",
        claims={
            "name": "Demo Luisteraar",
            "email": "luisteraar@demo.22tracks.invalid",
            "email_verified": True,
            "locale": "nl",
        },
    ),
)


def demo_oidc_app():
    """Return the WSGI app; it requires a nonce, as the site always sends one."""
    return app(require_nonce=True, user_claims=DEMO_USERS)
