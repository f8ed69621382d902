from django.apps import AppConfig

from twentytwo.core.site_parts import SiteParts


class OutreachConfig(AppConfig):
    name = "twentytwo.outreach"
    verbose_name = "Outreach"
    # An ad's place after the home, city and genre pages' content and in the player bar,
    # filled by ads.js from the place's context only (core/site_parts.py).
    site_parts = SiteParts(
        stylesheets=("outreach/outreach.css",),
        scripts=("outreach/ads.js",),
        slots={
            "page_aside": ("outreach/partials/ad_place.html",),
            "player": ("outreach/partials/player_spot.html",),
        },
    )
