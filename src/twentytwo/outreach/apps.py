from django.apps import AppConfig

from twentytwo.core.site_parts import SiteParts


class OutreachConfig(AppConfig):
    name = "twentytwo.outreach"
    verbose_name = "Outreach"
    # An ad's place after the home, city and genre pages' content and in the player bar,
    # filled by ads.js from the place's context only; the dashboard's invitation to choose
    # mail (core/site_parts.py).
    site_parts = SiteParts(
        stylesheets=("outreach/outreach.css",),
        scripts=("outreach/ads.js",),
        slots={
            "page_aside": ("outreach/partials/ad_place.html",),
            "player": ("outreach/partials/player_spot.html",),
            "dashboard_start": ("outreach/partials/mail_invitation.html",),
        },
    )

    def ready(self) -> None:
        # Bounces and complaints reported by the mail service's webhook stop the mail.
        from twentytwo.outreach import signals  # noqa: F401
