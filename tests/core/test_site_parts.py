"""What the apps add to every page: declared on their AppConfigs, drawn by the site's base."""

import pytest
from django.apps import apps
from django.template import Context, Template, TemplateSyntaxError

from tests.support.html_pages import page_of
from twentytwo.core import checks
from twentytwo.core.site_parts import SiteParts, page_parts


@pytest.fixture
def fresh_parts():
    page_parts.cache_clear()
    yield
    page_parts.cache_clear()


def test_every_page_carries_each_apps_scripts_once_and_before_the_player(client, db):
    page = page_of(client.get("/"))

    scripts = [script.attrs["src"] for script in page.all("script") if "src" in script.attrs]
    names = [src.rsplit("/", 2)[-2] + "/" + src.rsplit("/", 1)[-1] for src in scripts]
    # The apps' scripts follow the player's events from the first one on.
    assert names.index("favorites/hearts.js") < names.index("web/player.js")
    assert names.index("audience/beacons.js") < names.index("web/player.js")
    assert names.index("privacy/consent.js") < names.index("web/player.js")
    assert len(names) == len(set(names))
    sheets = [link.attrs["href"] for link in page.all("link", rel="stylesheet")]
    assert any(href.endswith("favorites/favorites.css") for href in sheets)
    assert any(href.endswith("privacy/privacy.css") for href in sheets)


def test_the_apps_fill_the_slots_of_the_page(client, db):
    page = page_of(client.get("/"))

    assert page.one("section", id="cookie-banner")  # privacy, first in the body
    assert page.one("dialog", id="heart-dialog")  # favorites, last in the body
    assert page.one("button", id="player-heart")  # favorites, in the player bar


def test_an_app_that_declares_nothing_adds_nothing(monkeypatch, fresh_parts):
    favorites = apps.get_app_config("favorites")
    monkeypatch.setattr(favorites, "site_parts", SiteParts())

    parts = page_parts()

    assert "favorites/hearts.js" not in parts.scripts
    assert parts.slots["track_row"] == ()


def test_the_check_names_an_unknown_slot_a_missing_template_and_a_missing_file(
    monkeypatch, fresh_parts
):
    favorites = apps.get_app_config("favorites")
    broken = SiteParts(
        scripts=("favorites/nowhere.js",),
        slots={"sidebar": (), "page_end": ("favorites/partials/nowhere.html",)},
    )
    monkeypatch.setattr(favorites, "site_parts", broken)

    found = {(error.id, error.msg) for error in checks.site_parts_exist()}

    assert found == {
        ("core.E001", "favorites adds to the unknown page slot 'sidebar'."),
        ("core.E002", "favorites's site part favorites/partials/nowhere.html is no template."),
        ("core.E003", "favorites's site part favorites/nowhere.js is no static file."),
    }


def test_the_declared_parts_pass_the_check():
    assert checks.site_parts_exist() == []


def test_drawing_a_slot_that_does_not_exist_is_an_error():
    with pytest.raises(TemplateSyntaxError, match="There is no page slot 'sidebar'"):
        Template('{% load site_parts %}{% site_slot "sidebar" %}').render(Context())
