"""Curators see their own genres through the same disclosure layer as partners: noised,
thresholded, never the city's total or a share of it."""

import csv
import io

import pytest
from django.test import Client

from twentytwo.audience.models import PlayedQuarterHour
from twentytwo.audience.selectors.bounded import bounded_listening
from twentytwo.partners import disclosure
from twentytwo.partners.models import Organisation

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def curator_params(world):
    return world.params()


def test_the_ratings_page_sends_a_curator_to_their_partner_account(world, curator_person):
    client = signed_in(curator_person)
    assert client.get("/ratings/")["Location"] == "/partners/"
    response = client.get("/partners/")
    assert response.status_code == 302 and response["Location"] == "/partners/curator-cora/"
    organisation = Organisation.objects.get(kind="curator")
    assert organisation.curator.slug == "cora"


def test_a_curator_sees_only_their_genres_noised(world, curator_person):
    client = signed_in(curator_person)
    client.get("/partners/")
    offer = client.get("/partners/curator-cora/", curator_params(world)).context["offer"]
    assert offer.tracks is None and offer.genres == (world.house.pk,)
    assert "genre_totals" not in offer.groups
    released = client.post("/partners/curator-cora/release/", curator_params(world))
    page = client.get(released["Location"])
    report = page.context["report"]
    assert [g.label for g in report.genres] == ["House (Rotterdam)"]
    labels = {f.label for f in report.tracks}
    assert "Zenith Act – Peak" not in labels  # a techno track
    assert all(g.share_of_genre is None for g in report.genres)


def test_nothing_a_curator_is_shown_depends_on_other_genres(world, curator_person):
    """What a curator's view is made of is the same with or without the rest of the city's
    listening, so no figure, and no combination of figures, tells them anything of it."""
    client = signed_in(curator_person)
    client.get("/partners/")
    query = client.get("/partners/curator-cora/", curator_params(world)).context["offer"]
    listening_query = disclosure.ListeningQuery(
        tracks=None,
        genres=frozenset(query.genres),
        first=query.first,
        last=query.last,
        daypart=query.daypart,
        step=query.step,
        groups=query.groups,
    )
    before = bounded_listening(query=listening_query, bounds=disclosure.bounds()).cells
    PlayedQuarterHour.objects.exclude(genre_id=world.house.pk).delete()
    after = bounded_listening(query=listening_query, bounds=disclosure.bounds()).cells
    assert before == after

    released = client.post("/partners/curator-cora/release/", curator_params(world))
    export = client.get(released["Location"].split("?")[0].rstrip("/") + ".csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert {r["share_of_genre"] for r in rows} == {""}
    assert not any("Techno" in r["name"] or "Rotterdam total" in r["name"] for r in rows)
