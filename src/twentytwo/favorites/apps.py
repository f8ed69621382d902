from django.apps import AppConfig

from twentytwo.core.site_parts import SiteParts


class FavoritesConfig(AppConfig):
    name = "twentytwo.favorites"
    # Hearts on every page: in each track row, in the player bar, and the dialog that says
    # what a heart needs (core/site_parts.py); hearts pressed in parts of a page drawn once for
    # everyone.
    site_parts = SiteParts(
        stylesheets=("favorites/favorites.css",),
        scripts=("favorites/hearts.js",),
        slots={
            "track_row": ("favorites/partials/track_heart.html",),
            "player": ("favorites/partials/player_heart.html",),
            "page_end": ("favorites/partials/heart_dialog.html",),
        },
        personalise="twentytwo.favorites.hearts.hearts_pressed",
    )
