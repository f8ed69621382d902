"""What an app adds to every page of the site, declared on its AppConfig.

The site's base template names no app. It draws `{% site_stylesheets %}`,
`{% site_scripts %}` and `{% site_slot "<name>" %}`, and every installed app whose AppConfig
has a `site_parts` fills them, in the order of INSTALLED_APPS: its stylesheets, its scripts
(deferred) and templates for the named places of a page. An app that is not installed
leaves nothing behind, and a new app adds its parts without touching anyone else's
templates. (Wagtail's hooks and the admin's Media do the same job for their pages.)

A part of a page drawn once for everyone (`{% shared_fragment %}`, in
core/templatetags/fragments.py) is drawn as for a visitor nobody knows; an app whose slot
templates depend on who is asking names a `personalise` function, `(request, html) ->
html`, that turns such a drawing into this visitor's (favorites presses their hearts)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.apps import apps
from django.http import HttpRequest
from django.utils.module_loading import import_string

# The places of a page an app may add templates to, and what goes there. A template in a
# slot is drawn with the context of the place it is drawn in.
SLOTS = {
    "page_start": "first in <body>, before the header (a banner)",
    "main_start": "first in <main>, swapped with the page (a notice about this page)",
    "page_end": "last in <body>, outside <main>: stays while pages change (a dialog)",
    "player": "in the player bar, after what is playing (the track is set by script)",
    "track_row": "at the end of a track's row, before its duration; `track` is the row's track",
    "dashboard_start": "on a signed-in listener's dashboard, under its heading (an invitation)",
    "page_aside": (
        "after the content of the home, city and genre pages; `page_kind` names the page, "
        "`place_city` and `place_genre` are its city and genre, or None (an ad's place)"
    ),
}


@dataclass(frozen=True)
class SiteParts:
    """An app's stylesheets, scripts (static paths) and templates per slot."""

    stylesheets: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    slots: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Dotted path of a function (request, html) -> html; see the module's text.
    personalise: str = ""


@dataclass(frozen=True)
class PageParts:
    """Every installed app's parts together, in INSTALLED_APPS order."""

    stylesheets: tuple[str, ...]
    scripts: tuple[str, ...]
    slots: Mapping[str, tuple[str, ...]]
    personalisers: tuple[Callable[[HttpRequest, str], str], ...] = ()


def declared_site_parts() -> list[tuple[str, SiteParts]]:
    """Return (app label, parts) for every installed app that declares any."""
    return [
        (config.label, config.site_parts)
        for config in apps.get_app_configs()
        if isinstance(getattr(config, "site_parts", None), SiteParts)
    ]


@functools.cache
def page_parts() -> PageParts:
    """Return what the installed apps add to every page; read once per process."""
    declared = [parts for _label, parts in declared_site_parts()]
    return PageParts(
        stylesheets=tuple(path for parts in declared for path in parts.stylesheets),
        scripts=tuple(path for parts in declared for path in parts.scripts),
        slots={
            slot: tuple(name for parts in declared for name in parts.slots.get(slot, ()))
            for slot in SLOTS
        },
        personalisers=tuple(import_string(p.personalise) for p in declared if p.personalise),
    )
