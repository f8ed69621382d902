"""The My data page: correcting the profile, objecting to marketing in one click, and the
wall between an account and what its browser played."""

import io
import json
import uuid
import zipfile

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.support.beacons import event, post_events, station
from tests.support.html_pages import page_of
from twentytwo.accounts import services as accounts
from twentytwo.accounts.models import PROFILE_SOURCE_SELF, ProfileFact
from twentytwo.audience.models import ListenEvent
from twentytwo.privacy.models import AuditEvent, MarketingChoice
from twentytwo.privacy.views import mydata as views

pytestmark = pytest.mark.django_db

MY_DATA = "/privacy/my-data/"
CORRECT = "/privacy/my-data/correct/"
OBJECT = "/privacy/my-data/marketing/object/"
AT = timezone.now()


@pytest.fixture
def listener(db):
    user = get_user_model().objects.create_user(username="mira", email="mira@example.org")
    accounts.age_statement_record(user=user, adult=True)
    accounts.profile_facts_record(
        user=user, source="google", claims={"name": "Mira Voss", "email": "mira@example.org"}
    )
    accounts.profile_facts_record(user=user, source="facebook", claims={"name": "M. Vos"})
    EmailAddress.objects.create(user=user, email="mira@example.org", primary=True, verified=True)
    return user


@pytest.fixture
def signed_in(client, listener):
    client.force_login(listener)
    return client


def facts(user, kind) -> list[tuple[str, str]]:
    return sorted(ProfileFact.objects.filter(user=user, kind=kind).values_list("source", "value"))


def test_the_page_asks_to_sign_in_first(client):
    response = client.get(MY_DATA)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_offers_every_profile_field_with_the_value_in_use(signed_in):
    response = signed_in.get(MY_DATA)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = page_of(response)
    kinds = [form.attrs["data-kind"] for form in page.all("form", class_="correction")]
    assert kinds == ["name", "avatar", "locale", "email"]
    values = {i.attrs["value"] for i in page.all("input", name="value")}
    assert {"M. Vos", "mira@example.org", ""} <= values
    # The download leaves the page; htmx must not try to swap a zip into it.
    assert page.one("form", action=reverse("privacy:my_data_export")).attrs["hx-boost"] == "false"


def test_a_correction_replaces_every_providers_value_and_is_audited(signed_in, listener):
    response = signed_in.post(CORRECT, {"kind": "name", "value": "  Mira   Vos "})

    assert response["Location"] == MY_DATA + "#profile"
    assert facts(listener, "name") == [(PROFILE_SOURCE_SELF, "Mira Vos")]
    audit = AuditEvent.objects.get(kind="correction")
    assert (audit.subject_user_id, audit.actor_user_id, audit.detail) == (
        listener.pk,
        listener.pk,
        {"field": "name"},
    )
    profile = signed_in.get(reverse("accounts:profile"))
    assert page_of(profile).one("tr", data_fact="name", data_source="self").text.count("you") == 1


def test_a_corrected_email_address_becomes_the_accounts_address(signed_in, listener):
    signed_in.post(CORRECT, {"kind": "email", "value": "mira.vos@example.net"})

    listener.refresh_from_db()
    assert listener.email == "mira.vos@example.net"
    assert list(EmailAddress.objects.filter(user=listener).values_list("email", flat=True)) == [
        "mira.vos@example.net"
    ]
    assert facts(listener, "email") == [(PROFILE_SOURCE_SELF, "mira.vos@example.net")]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "email", "value": "not an address"}, accounts.PROFILE_VALUE_INVALID["email"]),
        (
            {"kind": "avatar", "value": "javascript:alert(1)"},
            accounts.PROFILE_VALUE_INVALID["avatar"],
        ),
        ({"kind": "locale", "value": "english please"}, accounts.PROFILE_VALUE_INVALID["locale"]),
        ({"kind": "name", "value": "   "}, accounts.PROFILE_VALUE_INVALID["name"]),
        ({"kind": "password", "value": "x"}, accounts.PROFILE_KIND_UNKNOWN),
    ],
)
def test_a_correction_that_cannot_be_true_is_refused_and_changes_nothing(
    signed_in, listener, data, message
):
    before = list(ProfileFact.objects.values_list("source", "kind", "value"))

    response = signed_in.post(CORRECT, data, follow=True)

    assert escape(message) in response.content.decode()
    assert list(ProfileFact.objects.values_list("source", "kind", "value")) == before
    assert not AuditEvent.objects.exists()


def test_an_address_of_another_account_is_refused(signed_in, listener):
    get_user_model().objects.create_user(username="bram", email="bram@example.org")

    response = signed_in.post(CORRECT, {"kind": "email", "value": "Bram@example.org"}, follow=True)

    assert escape(accounts.PROFILE_EMAIL_IN_USE) in response.content.decode()
    listener.refresh_from_db()
    assert listener.email == "mira@example.org"
    assert not AuditEvent.objects.exists()


def test_objecting_to_marketing_takes_one_click_and_is_audited(signed_in, listener, policy):
    MarketingChoice.objects.create(
        user=listener,
        purpose="specials",
        subscribed=True,
        method="confirmed",
        policy_version=policy,
        chosen_at=AT,
    )
    page = page_of(signed_in.get(MY_DATA))
    assert page.one("li", data_purpose="specials", data_marketing="confirmed")
    assert page.one("li", data_purpose="surveys", data_marketing="none")

    response = signed_in.post(OBJECT, follow=True)

    assert escape(views.MARKETING_OBJECTED) in response.content.decode()
    latest = MarketingChoice.objects.filter(user=listener).order_by("-chosen_at", "-id").first()
    assert (latest.method, latest.subscribed, latest.policy_version) == (
        "objection",
        False,
        policy,
    )
    for purpose in ("specials", "surveys", "products"):
        assert page_of(response).one("li", data_purpose=purpose, data_marketing="objection")
    audit = AuditEvent.objects.get(kind="marketing_objection")
    assert audit.subject_user_id == listener.pk


def test_objecting_is_refused_on_get(signed_in, policy):
    assert signed_in.get(OBJECT).status_code == 405
    assert not MarketingChoice.objects.exists()


def test_what_the_browser_played_never_reaches_the_accounts_export(signed_in, listener, policy):
    genre, track = station()
    # Signed in, the browser reports listening under its random listener id, as anyone's.
    first = post_events(signed_in, [event(genre, track, client_time=AT.isoformat())], listener=None)
    listener_id = first.cookies["tt_listener"].value
    post_events(
        signed_in,
        [event(genre, track, client_time=timezone.now().isoformat())],
        listener=uuid.UUID(hex=listener_id),
    )
    assert ListenEvent.objects.filter(listener=listener_id).exists()

    response = signed_in.post(reverse("privacy:my_data_export"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    text = archive.read("my-data.json").decode() + archive.read("my-data.html").decode()
    assert listener_id not in text.replace("-", "")
    data = json.loads(archive.read("my-data.json"))
    assert not [s for s in data["sections"] if s["table"].startswith("audience.")]
    assert "Listening statistics" in [item["what"] for item in data["not_included"]]
    assert "nothing joins the two" in signed_in.get(MY_DATA).content.decode()
