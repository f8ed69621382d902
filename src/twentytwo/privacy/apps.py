from django.apps import AppConfig

from twentytwo.core.site_parts import SiteParts


class PrivacyConfig(AppConfig):
    name = "twentytwo.privacy"
    verbose_name = "Privacy"
    # The cookie banner on every page, and the notice of a new policy version at the top of
    # the page a signed-in listener opens (core/site_parts.py).
    site_parts = SiteParts(
        stylesheets=("privacy/privacy.css",),
        scripts=("privacy/consent.js",),
        slots={
            "page_start": ("privacy/partials/cookie_banner.html",),
            "main_start": ("privacy/partials/policy_notice.html",),
        },
    )

    def ready(self) -> None:
        # Registers the personal-data checks with `manage.py check`.
        from twentytwo.privacy import checks  # noqa: F401
