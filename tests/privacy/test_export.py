"""The export: every declared personal field of the signed-in account, nothing of anyone
else's, as JSON and as a readable page in one zip, streamed, with its audit row."""

import io
import json
import zipfile

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.html import escape

from tests.support.people import person_with_everything
from twentytwo.privacy.declarations import declarations
from twentytwo.privacy.export_contents import WITHHELD_MODELS, export_sources
from twentytwo.privacy.models import AuditEvent
from twentytwo.privacy.services import mydata as services

pytestmark = pytest.mark.django_db

EXPORT = "/privacy/my-data/export/"
# Only staff act in the admin, so a listener has no rows there (see the staff test).
NOT_A_LISTENERS = {"admin.LogEntry"}


@pytest.fixture
def me(policy):
    return person_with_everything("mira", policy=policy)


@pytest.fixture
def someone_else(policy):
    return person_with_everything("bram", policy=policy)


def download(client, path=EXPORT, **data):
    response = client.post(path, data)
    assert response.status_code == 200, response.content[:300]
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="22tracks-my-data-')
    assert "no-store" in response["Cache-Control"]
    pieces = list(response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(pieces)))
    assert archive.namelist() == ["my-data.json", "my-data.html"]
    return (
        json.loads(archive.read("my-data.json")),
        archive.read("my-data.html").decode(),
        pieces,
    )


def sections_of(data) -> dict[str, dict]:
    return {section["table"]: section for section in data["sections"]}


def test_the_export_holds_every_declared_field_of_the_account(client, me, someone_else):
    client.force_login(me.user)
    owned = {
        label: declaration
        for label, declaration in declarations().models.items()
        if declaration.owner is not None and label not in WITHHELD_MODELS
    }
    expected_rows = {
        label: declaration.model._default_manager.filter(**{declaration.owner: me.user.pk})
        .exclude(**({"kind": "legal_disclosure"} if label == "privacy.AuditEvent" else {}))
        .count()
        for label, declaration in owned.items()
    }

    data, page, _ = download(client)

    assert data["account"] == me.user.pk
    sections = sections_of(data)
    assert set(sections) == set(owned)
    for label, declaration in owned.items():
        section = sections[label]
        assert [f["name"] for f in section["fields"]] == list(declaration.fields), label
        assert len(section["rows"]) == expected_rows[label], label
        if label not in NOT_A_LISTENERS:
            assert section["rows"], f"the fixture has no row of {label}"
        shown = {f["name"] for f in section["fields"] if "withheld" not in f}
        assert all(set(row) == shown for row in section["rows"]), label
    user_row = sections["auth.User"]["rows"][0]
    assert (user_row["email"], user_row["first_name"], user_row["last_name"]) == (
        me.email,
        me.names[0],
        me.names[1],
    )
    assert sections["socialaccount.SocialAccount"]["rows"][0]["uid"] == me.provider_id
    favorites = sections["favorites.Favorite"]["rows"]
    assert {row["track"]["id"] for row in favorites if row["track"]} == {t.pk for t in me.tracks}
    assert {row["track"]["text"] for row in favorites if row["track"]} == {
        str(t) for t in me.tracks
    }
    consent = sections["privacy.ConsentChoice"]["rows"][0]
    assert consent["consent_id"] == str(me.consent_id)
    assert sections["catalog.Curator"]["rows"][0]["accounts"] == [me.user.pk]
    for value in [me.email, *me.names, me.provider_id, str(me.consent_id)]:
        assert escape(value) in page


def test_the_export_holds_nothing_of_anyone_else(client, me, someone_else):
    client.force_login(me.user)

    data, page, _ = download(client)

    text = json.dumps(data, ensure_ascii=False)
    others = {
        **someone_else.identifying,
        "guardian": someone_else.guardian_email,
        "consent id": str(someone_else.consent_id),
        "track": someone_else.tracks[0].title,
    }
    assert {what for what, value in others.items() if value in text or value in page} == set()


def test_secrets_and_other_peoples_fields_are_named_but_left_out(client, me, someone_else):
    client.force_login(me.user)

    data, page, _ = download(client)

    text = json.dumps(data, ensure_ascii=False) + page
    left_out = {
        "token": me.tokens[0],
        "token secret": me.tokens[1],
        "e-mail confirmation key": "mira-confirmation-key",
        "guardian's address": me.guardian_email,
        "authority's officer": "Officer Jansen",
    }
    assert {what for what, value in left_out.items() if value in text} == set()
    sections = sections_of(data)
    token_fields = {
        f["name"]: f.get("withheld") for f in sections["socialaccount.SocialToken"]["fields"]
    }
    assert token_fields["token"] and token_fields["token_secret"]
    guardian = {
        f["name"]: f.get("withheld") for f in sections["accounts.GuardianConfirmation"]["fields"]
    }
    assert guardian["guardian_email"]
    # The member of staff who shared the data is another account: the field stays, empty.
    share = sections["privacy.AffiliateShare"]["rows"][0]
    assert share["shared_by"] is None
    assert share["transaction_reference"] == "TICKET-mira"
    kinds = {row["kind"]: row["actor_user_id"] for row in sections["privacy.AuditEvent"]["rows"]}
    assert kinds == {"correction": me.user.pk, "affiliate_share": None}
    assert "privacy.LegalDisclosure" not in sections
    assert data["not_included"][0]["what"] == "Listening statistics"


def test_each_export_writes_one_audit_row_with_counts_and_no_data(client, me):
    client.force_login(me.user)

    data, _, _ = download(client)

    audit = AuditEvent.objects.get(kind="export")
    assert (audit.subject_user_id, audit.actor, audit.actor_user_id) == (
        me.user.pk,
        "subject",
        me.user.pk,
    )
    assert audit.detail["rows"]["favorites.Favorite"] == 3
    assert "socialaccount.SocialToken.token" in audit.detail["withheld"]
    assert me.email not in json.dumps(audit.detail)
    assert audit.occurred_at.isoformat() == data["produced_at"]


def test_a_staff_members_export_shows_their_admin_actions_without_whom_they_touched(
    client, policy, me
):
    staff = get_user_model().objects.create_user(
        username="editor", email="editor@example.org", is_staff=True, password="a long passphrase"
    )
    LogEntry.objects.log_actions(
        user_id=staff.pk,
        queryset=[me.user],
        action_flag=CHANGE,
        change_message="Changed e-mail address.",
    )
    client.force_login(staff)

    data, page, _ = download(client)

    log = sections_of(data)["admin.LogEntry"]
    assert len(log["rows"]) == 1
    assert log["rows"][0]["object_id"] == str(me.user.pk)
    assert "object_repr" not in log["rows"][0]
    assert me.user.username not in json.dumps(data) + page
    assert staff.password not in json.dumps(data) + page
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(get_user_model())
    ).exists()


@pytest.mark.slow
def test_an_account_with_ten_thousand_favorites_is_streamed_in_a_bounded_number_of_queries(
    client, policy, django_assert_max_num_queries
):
    heavy = person_with_everything("noor", policy=policy, favorites=10_000)
    client.force_login(heavy.user)
    # Whatever the number of rows: a few queries per declared table, then none at all
    # while the zip is written.
    bound = 3 * len(export_sources()) + 12

    with django_assert_max_num_queries(bound):
        data, page, pieces = download(client)

    favorites = sections_of(data)["favorites.Favorite"]["rows"]
    assert len(favorites) == 10_001
    assert page.count("noor cut") == 10_000
    assert len(pieces) > 1, "the zip should leave in pieces as it is written, not at once"


def test_there_is_no_way_to_ask_for_another_accounts_data(client, me, someone_else):
    client.force_login(me.user)

    data, _, _ = download(
        client, f"{EXPORT}?user={someone_else.user.pk}", user=someone_else.user.pk
    )

    assert data["account"] == me.user.pk
    assert sections_of(data)["auth.User"]["rows"][0]["email"] == me.email
    assert client.get(EXPORT).status_code == 405


def test_signed_out_nothing_is_exported_or_recorded(client, me):
    response = client.post(EXPORT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not AuditEvent.objects.filter(kind="export").exists()


def test_past_the_hourly_limit_an_export_is_refused_and_not_recorded(client, me, settings):
    settings.PRIVACY_EXPORTS_PER_HOUR = 1
    client.force_login(me.user)
    download(client)

    refused = client.post(EXPORT, follow=True)

    assert refused.redirect_chain[-1][0] == reverse("privacy:my_data") + "#export"
    assert escape(services.EXPORT_TOO_OFTEN % {"count": 1}) in refused.content.decode()
    assert AuditEvent.objects.filter(kind="export").count() == 1
