"""Cookie choices: recorded with the policy in force, written into the cookies the player and
the beacons already obey, refused whole when they are not a choice."""

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.support.beacons import LISTENER, event, post_events, station
from tests.support.html_pages import page_of
from tests.support.policies import policy_changing_cookie_purposes
from twentytwo.audience.ingestion import DROP_OPTED_OUT
from twentytwo.audience.listener import COUNTING_COOKIE, LISTENER_COOKIE
from twentytwo.privacy.cookies import CONSENT_COOKIE
from twentytwo.privacy.models import ConsentChoice, PolicyVersion
from twentytwo.privacy.services import consent as services
from twentytwo.privacy.views import consent as consent_views

pytestmark = pytest.mark.django_db

CHOICES = "/privacy/cookies/"


def choose(client, data, **headers):
    return client.post(CHOICES, data, **headers)


def consent_cookie(response) -> tuple[str, str]:
    consent_id, advertising, _purposes = response.cookies[CONSENT_COOKIE].value.split(".")
    return consent_id, advertising


def test_the_choices_page_lists_the_three_purposes_and_sets_no_cookie(client, policy):
    response = client.get(CHOICES)

    assert response.status_code == 200
    assert response.cookies == {}
    page = page_of(response)
    purposes = [f.attrs["data-purpose"] for f in page.all("fieldset")]
    assert purposes == ["essential", "audience_statistics", "advertising"]
    checked = {i.attrs["name"]: i.attrs["value"] for i in page.all("input") if "checked" in i.attrs}
    assert checked == {"audience_statistics": "on", "advertising": "off"}
    assert "private" in response["Cache-Control"]
    assert "Sec-GPC" in response["Vary"]


def test_refusing_all_is_recorded_with_the_policy_in_force_and_switches_counting_off(
    client, policy
):
    client.cookies[LISTENER_COOKIE] = LISTENER.hex

    response = choose(client, {"choice": "refuse_all", "next": "/about/"})

    assert response.status_code == 303
    assert response["Location"] == "/about/"
    choice = ConsentChoice.objects.get()
    assert (choice.method, choice.audience_statistics, choice.advertising) == (
        "refuse_all",
        False,
        False,
    )
    assert choice.policy_version == policy
    assert choice.user is None
    consent_id, advertising = consent_cookie(response)
    assert (uuid.UUID(hex=consent_id), advertising) == (choice.consent_id, "0")
    assert response.cookies[COUNTING_COOKIE].value == "off"
    assert response.cookies[LISTENER_COOKIE].value == ""
    assert response.cookies[CONSENT_COOKIE]["samesite"] == "Lax"
    assert response.cookies[CONSENT_COOKIE]["httponly"] == ""


def test_accepting_all_turns_counting_back_on_and_allows_advertising(client, policy):
    client.cookies[COUNTING_COOKIE] = "off"

    response = choose(client, {"choice": "accept_all"})

    assert response["Location"] == CHOICES
    assert response.cookies[COUNTING_COOKIE].value == ""
    assert consent_cookie(response)[1] == "1"
    assert ConsentChoice.objects.get().method == "accept_all"
    page = page_of(client.get(CHOICES))
    checked = {i.attrs["name"]: i.attrs["value"] for i in page.all("input") if "checked" in i.attrs}
    assert checked == {"audience_statistics": "on", "advertising": "on"}
    assert page.one("p", data_latest_choice="accept_all")


def test_a_browser_keeps_its_consent_id_from_one_choice_to_the_next(client, policy):
    choose(client, {"choice": "accept_all"})
    choose(client, {"choice": "refuse_all"})

    first, second = ConsentChoice.objects.order_by("id")
    assert first.consent_id == second.consent_id
    assert (first.method, second.method) == ("accept_all", "refuse_all")


def test_a_purpose_the_form_leaves_out_keeps_its_state(client, policy):
    choose(client, {"choice": "chosen", "advertising": "on", "audience_statistics": "on"})

    # The about page's switch sends only audience statistics.
    response = choose(client, {"choice": "chosen", "audience_statistics": "off"})

    latest = ConsentChoice.objects.order_by("-id").first()
    assert (latest.method, latest.audience_statistics, latest.advertising) == (
        "chosen",
        False,
        True,
    )
    assert consent_cookie(response)[1] == "1"
    assert response.cookies[COUNTING_COOKIE].value == "off"


def test_a_signed_in_choice_names_the_account(client, policy):
    user = get_user_model().objects.create_user(username="mira")
    client.force_login(user)

    choose(client, {"choice": "refuse_all"})

    assert ConsentChoice.objects.get().user == user


def test_global_privacy_control_is_recorded_as_a_refusal_whatever_was_asked(client, policy):
    response = choose(client, {"choice": "accept_all"}, HTTP_SEC_GPC="1")

    choice = ConsentChoice.objects.get()
    assert (choice.method, choice.audience_statistics, choice.advertising) == ("gpc", False, False)
    assert consent_cookie(response)[1] == "0"
    page = client.get(CHOICES, HTTP_SEC_GPC="1")
    parsed = page_of(page)
    assert parsed.one("p", data_gpc_notice="")
    # Shown as off, with nothing to switch: the browser has answered.
    assert not parsed.all("input", type="radio")
    assert page.content.decode().count("Off (Global Privacy Control)") == 2


def test_an_advertising_cookie_answer_counts_for_nothing_under_global_privacy_control(
    client, policy
):
    choose(client, {"choice": "accept_all"})

    page = page_of(client.get(CHOICES, HTTP_SEC_GPC="1"))

    assert "Allow advertising partners" not in str([e.text for e in page.all("label")])
    assert page.one("p", data_gpc_notice="")


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, consent_views.CHOICE_UNKNOWN),
        ({"choice": "everything"}, consent_views.CHOICE_UNKNOWN),
        ({"choice": "chosen", "advertising": "yes"}, consent_views.SWITCH_UNKNOWN),
    ],
)
def test_a_form_that_is_not_a_choice_is_refused_and_changes_nothing(client, policy, data, message):
    response = choose(client, data)

    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert response.cookies == {}
    assert not ConsentChoice.objects.exists()


def test_another_sites_form_is_refused(policy):
    client = Client(enforce_csrf_checks=True)

    foreign = choose(client, {"choice": "accept_all"}, HTTP_ORIGIN="https://evil.example")
    cross_site = choose(client, {"choice": "accept_all"}, HTTP_SEC_FETCH_SITE="cross-site")
    own = choose(client, {"choice": "accept_all"}, HTTP_ORIGIN="http://testserver")

    assert (foreign.status_code, cross_site.status_code, own.status_code) == (403, 403, 303)
    assert escape(consent_views.FOREIGN_ORIGIN) in foreign.content.decode()
    assert CONSENT_COOKIE not in foreign.cookies
    assert ConsentChoice.objects.count() == 1


def test_next_must_stay_on_this_site(client, policy):
    response = choose(client, {"choice": "refuse_all", "next": "https://evil.example/"})

    assert response["Location"] == CHOICES


def test_the_banner_names_its_page_in_the_forms_address(client, policy):
    page = page_of(client.get(reverse("web:contact")))
    action = page.one("form", data_cookie_banner_form="").attrs["action"]
    assert action == CHOICES + "?next=/contact/"

    response = client.post(action, {"choice": "accept_all"})

    assert response["Location"] == "/contact/"
    elsewhere = client.post(CHOICES + "?next=//evil.example/", {"choice": "accept_all"})
    assert elsewhere["Location"] == CHOICES


def test_without_a_policy_in_force_nothing_is_recorded_or_set(client, db):
    PolicyVersion.objects.filter(published=True).delete()

    response = choose(client, {"choice": "accept_all"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 503
    assert response.json()["error"]["message"] == services.NO_POLICY_IN_FORCE
    assert response.cookies == {}
    assert not ConsentChoice.objects.exists()


def test_the_banner_gets_an_answer_it_can_read(client, policy):
    response = choose(client, {"choice": "refuse_all"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {
        "audience_statistics": False,
        "advertising": False,
        "method": "refuse_all",
        "policy_version": policy.number,
    }
    assert response.cookies[COUNTING_COOKIE].value == "off"


def test_a_refusal_made_here_is_what_the_beacons_obey(client, policy):
    genre, track = station()
    choose(client, {"choice": "refuse_all"})

    refused = post_events(client, [event(genre, track)], listener=None)

    assert refused.json() == {"accepted": 0, "dropped": {DROP_OPTED_OUT: 1}}
    choose(client, {"choice": "accept_all"})
    accepted = post_events(client, [event(genre, track, client_time=timezone.now().isoformat())])
    assert accepted.json() == {"accepted": 1, "dropped": {}}


def test_the_about_page_switch_is_recorded_as_a_choice(client, policy):
    about = page_of(client.get(reverse("web:about")))
    switch = about.one("input", name="audience_statistics", type="hidden")
    assert switch.attrs["value"] == "off"

    response = choose(client, {"choice": "chosen", "audience_statistics": "off", "next": "/about/"})

    assert response.cookies[COUNTING_COOKIE].value == "off"
    assert ConsentChoice.objects.get().audience_statistics is False
    assert b"Your listening is not counted" in client.get(reverse("web:about")).content


def test_every_page_carries_the_same_hidden_banner_and_a_link_to_the_choices(client, policy):
    response = client.get(reverse("web:about"))

    assert response.cookies == {}
    page = page_of(response)
    banner = page.one("section", data_cookie_banner="")
    assert "hidden" in banner.attrs
    buttons = [b for b in page.all("button") if b.attrs.get("name") == "choice"]
    # Refusing sits beside accepting, as one button of the same kind.
    assert [(b.attrs["value"], b.attrs["class"]) for b in buttons] == [
        ("accept_all", "button button--small"),
        ("refuse_all", "button button--small"),
    ]
    footer_links = [a.attrs["href"] for a in page.all("a") if a.attrs.get("href") == CHOICES]
    assert len(footer_links) >= 2


def test_a_new_cookie_purpose_asks_once_more_and_keeps_the_old_answer_until_then(client, policy):
    choose(client, {"choice": "accept_all"})
    before = client.cookies[CONSENT_COOKIE].value
    assert before.endswith(".1.0")  # answered under purposes no version had changed yet
    newer = policy_changing_cookie_purposes(policy)

    page = page_of(client.get(CHOICES))
    assert page.one("p", data_asked_again="")
    # Until the new answer, the old one stands: advertising stays allowed.
    checked = {i.attrs["name"]: i.attrs["value"] for i in page.all("input") if "checked" in i.attrs}
    assert checked == {"audience_statistics": "on", "advertising": "on"}
    banner = page_of(client.get("/about/")).one("section", data_cookie_banner="")
    assert banner.attrs["data-purposes-version"] == str(newer.number)

    response = choose(client, {"choice": "refuse_all"})
    assert response.cookies[CONSENT_COOKIE].value.endswith(f".0.{newer.number}")
    first, second = ConsentChoice.objects.order_by("id")
    # The first answer is kept as it was given, under its own version.
    assert (first.policy_version, first.advertising) == (policy, True)
    assert (second.policy_version, second.advertising) == (newer, False)
    assert not page_of(client.get(CHOICES)).all("p", data_asked_again="")


def test_a_cookie_from_before_versions_were_kept_still_counts(client, policy):
    consent_id = uuid.uuid4().hex
    client.cookies[CONSENT_COOKIE] = f"{consent_id}.1"
    page = page_of(client.get(CHOICES))
    checked = {i.attrs["name"]: i.attrs["value"] for i in page.all("input") if "checked" in i.attrs}
    assert checked["advertising"] == "on"
    assert not page.all("p", data_asked_again="")
    policy_changing_cookie_purposes(policy)
    assert page_of(client.get(CHOICES)).one("p", data_asked_again="")
