from django.apps import AppConfig

from twentytwo.core.site_parts import SiteParts


class AudienceConfig(AppConfig):
    name = "twentytwo.audience"
    verbose_name = "Audience measurement"
    # The listening beacons follow the player on every page (core/site_parts.py).
    site_parts = SiteParts(scripts=("audience/beacons.js",))
