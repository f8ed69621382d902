"""The versioned policy: publishing rules, the pages, the diff and the notice."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from twentytwo.accounts.models import AgeStatement
from twentytwo.privacy.models import PolicyNoticeSeen, PolicyVersion
from twentytwo.privacy.policy_text import policy_blocks, policy_diff
from twentytwo.privacy.selectors.policy import cookie_purposes_version, policy_in_force
from twentytwo.privacy.services.policy import (
    POLICY_DATE_PAST,
    POLICY_NOT_AFTER_LATEST,
    POLICY_NUMBER_NOT_LATEST,
    POLICY_PUBLISHED_IS_FINAL,
    POLICY_TEXT_MISSING,
    PrivacyError,
    policy_version_draft_create,
    policy_version_draft_update,
    policy_version_publish,
)
from twentytwo.privacy.views import policy as views

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 3, 10)
NOON = dt.datetime(2027, 3, 10, 11, 0, tzinfo=dt.UTC)


@pytest.fixture
def pinned_today(monkeypatch):
    """Pin the clock to noon (Amsterdam) on TODAY; version 1 of the migration stays in force."""
    monkeypatch.setattr(timezone, "now", lambda: NOON)
    PolicyVersion.objects.filter(number=1).update(effective_on=dt.date(2026, 1, 1))
    return TODAY


@pytest.fixture
def officer():
    return get_user_model().objects.create_user(username="officer", is_staff=True)


def _draft(on, text="## Cookies\n\nWe set one cookie.", text_nl="## Cookies\n\nEén cookie."):
    return policy_version_draft_create(
        effective_on=on, text_en=text, text_nl=text_nl, summary_en="Fewer cookies."
    )


def test_the_migrations_publish_version_1_in_english_and_dutch():
    version = PolicyVersion.objects.get(number=1)
    assert version.published
    assert "tt_listener" in version.text_en and "tt_listener" in version.text_nl
    assert "## Kinderen" in version.text_nl


def test_a_version_dated_in_the_past_is_refused_and_stays_a_draft(pinned_today, officer):
    draft = _draft(TODAY - dt.timedelta(days=1))
    with pytest.raises(PrivacyError) as error:
        policy_version_publish(version=draft, by=officer)
    assert str(error.value) == POLICY_DATE_PAST
    draft.refresh_from_db()
    assert (draft.published, draft.published_at, draft.published_by) == (False, None, None)
    assert policy_in_force().number == 1


def test_a_version_dated_today_takes_effect_at_once(pinned_today, officer):
    version = policy_version_publish(version=_draft(TODAY), by=officer)
    assert (version.number, version.published_by) == (2, officer)
    assert policy_in_force() == version


def test_a_version_taking_effect_later_leaves_the_current_one_in_force_until_then(
    pinned_today, officer
):
    later = policy_version_publish(version=_draft(TODAY + dt.timedelta(days=30)), by=officer)
    assert policy_in_force().number == 1
    assert policy_in_force(on=TODAY + dt.timedelta(days=30)) == later


def test_a_new_version_must_take_effect_after_the_latest_published_one(pinned_today, officer):
    policy_version_publish(version=_draft(TODAY + dt.timedelta(days=30)), by=officer)
    earlier = _draft(TODAY + dt.timedelta(days=10))
    with pytest.raises(PrivacyError) as error:
        policy_version_publish(version=earlier, by=officer)
    assert str(error.value) == POLICY_NOT_AFTER_LATEST % {
        "number": 2,
        "date": (TODAY + dt.timedelta(days=30)).isoformat(),
    }


def test_a_draft_overtaken_by_a_later_number_cannot_be_published(pinned_today, officer):
    old_draft = _draft(TODAY + dt.timedelta(days=40))
    policy_version_publish(version=_draft(TODAY + dt.timedelta(days=5)), by=officer)
    with pytest.raises(PrivacyError) as error:
        policy_version_publish(version=old_draft, by=officer)
    assert str(error.value) == POLICY_NUMBER_NOT_LATEST % {"number": 2, "latest": 3}


def test_a_published_version_is_final(pinned_today, officer):
    version = policy_version_publish(version=_draft(TODAY), by=officer)
    with pytest.raises(PrivacyError) as error:
        policy_version_draft_update(
            version=version, effective_on=TODAY, text_en="Changed.", text_nl="Gewijzigd."
        )
    assert str(error.value) == POLICY_PUBLISHED_IS_FINAL % {"number": 2}
    with pytest.raises(PrivacyError):
        policy_version_publish(version=version, by=officer)
    version.refresh_from_db()
    assert "Changed." not in version.text_en


def test_both_languages_are_needed():
    with pytest.raises(PrivacyError) as error:
        _draft(TODAY, text_nl="  ")
    assert str(error.value) == POLICY_TEXT_MISSING
    assert not PolicyVersion.objects.filter(number=2).exists()


def test_the_text_is_read_into_headings_paragraphs_and_lists():
    blocks = policy_blocks("## Who we are\n\nWe are\n22tracks.\n\n- one\n- two\n\n## Law\nDutch.")
    assert [(b.kind, b.text, b.items, b.anchor) for b in blocks] == [
        ("heading", "Who we are", [], "who-we-are"),
        ("paragraph", "We are 22tracks.", [], ""),
        ("list", "", ["one", "two"], ""),
        ("heading", "Law", [], "law"),
        ("paragraph", "Dutch.", [], ""),
    ]


def test_the_diff_shows_changed_words_and_whole_added_and_removed_lines():
    old = "## Cookies\n\nWe keep events for 90 days.\n\nGone paragraph."
    new = "## Cookies\n\nWe keep events for 30 days.\n\n- A new item."
    assert [(line.kind, line.parts) for line in policy_diff(old, new)] == [
        ("same", [("same", "## Cookies")]),
        (
            "changed",
            [
                ("same", "We keep events for"),
                ("removed", "90"),
                ("added", "30"),
                ("same", "days."),
            ],
        ),
        ("changed", [("removed", "Gone paragraph."), ("added", "- A new item.")]),
    ]


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_policy_page_shows_the_version_in_force_in_the_asked_language(pinned_today):
    page = _text(Client().get("/privacy/"))
    assert "Version 1, in effect since 1 January 2026." in page
    assert '<h2 id="listening">Listening</h2>' in page
    assert '<a href="mailto:privacy@22tracks.example">privacy@22tracks.example</a>' in page
    dutch = _text(Client().get("/privacy/?lang=nl"))
    assert '<h2 id="kinderen">Kinderen</h2>' in dutch
    assert '<article class="prose privacy-policy" lang="nl">' in dutch


def test_the_policy_page_sets_no_cookie_and_lists_earlier_and_coming_versions(
    pinned_today, officer
):
    policy_version_publish(version=_draft(TODAY), by=officer)
    policy_version_publish(version=_draft(TODAY + dt.timedelta(days=20)), by=officer)
    response = Client().get("/privacy/")
    assert response.cookies == {}
    page = _text(response)
    assert "Version 2, in effect since 10 March 2027." in page
    assert "Version 3 takes effect on 30 March 2027." in page
    assert 'href="/privacy/versions/1/?lang=en">Version 1, from 1 January 2026</a>' in page


def test_a_draft_is_not_found_by_its_number(pinned_today):
    draft = _draft(TODAY + dt.timedelta(days=3))
    response = Client().get(f"/privacy/versions/{draft.number}/")
    assert response.status_code == 404


def test_the_comparison_escapes_what_the_text_holds(pinned_today, officer):
    policy_version_publish(version=_draft(TODAY), by=officer)
    policy_version_publish(
        version=_draft(
            TODAY + dt.timedelta(days=1), text="## Cookies\n\nWe set <script>alert(1)</script>."
        ),
        by=officer,
    )
    page = _text(Client().get("/privacy/compare/?from=2&to=3"))
    assert "<script>alert(1)" not in page
    assert "We set <del>one cookie.</del> <ins>&lt;script&gt;alert(1)&lt;/script&gt;.</ins>" in page


def test_the_comparison_defaults_to_the_version_in_force_and_the_one_before(pinned_today, officer):
    policy_version_publish(version=_draft(TODAY), by=officer)
    page = _text(Client().get("/privacy/compare/"))
    assert "What changed from version 1 (1 January 2026) to version 2 (10 March 2027)." in page
    assert "<ins>We set one cookie.</ins>" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=1&to=1", views.COMPARE_SAME_VERSION),
        ("?from=1&to=99", views.COMPARE_NOT_A_VERSION),
        ("?from=one&to=2", views.COMPARE_NOT_A_VERSION),
        ("?to=1", views.COMPARE_NOT_A_VERSION),
    ],
)
def test_a_comparison_of_versions_that_do_not_exist_is_refused_clearly(
    pinned_today, query, message
):
    response = Client().get(f"/privacy/compare/{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_with_one_version_there_is_nothing_to_compare(pinned_today):
    response = Client().get("/privacy/compare/")
    assert response.status_code == 200
    assert views.COMPARE_ONLY_ONE in response.content.decode()


@pytest.fixture
def listener(pinned_today):
    user = get_user_model().objects.create_user(username="mira")
    user.date_joined = NOON - dt.timedelta(days=60)
    user.save()
    AgeStatement.objects.create(user=user, adult=True, stated_at=user.date_joined)
    browser = Client()
    browser.force_login(user)
    return user, browser


NOTICE = "Our privacy policy changed: version 2 is in effect since 10 March 2027."


def test_a_listener_sees_the_notice_of_a_new_version_once(listener, officer):
    user, browser = listener
    policy_version_publish(version=_draft(TODAY), by=officer)
    first = _text(browser.get("/about/"))
    assert NOTICE in first
    assert "Fewer cookies." in first
    assert PolicyNoticeSeen.objects.filter(user=user, version__number=2).exists()
    assert NOTICE not in _text(browser.get("/about/"))
    # Seen is remembered for the account, not only the session.
    other_browser = Client()
    other_browser.force_login(user)
    assert NOTICE not in _text(other_browser.get("/about/"))


def test_no_notice_for_the_version_a_listener_joined_under(listener, officer):
    _user, browser = listener
    assert "Our privacy policy changed" not in _text(browser.get("/about/"))
    assert not PolicyNoticeSeen.objects.exists()


def test_an_answer_that_does_not_show_the_notice_does_not_count_as_seen(listener, officer):
    _user, browser = listener
    policy_version_publish(version=_draft(TODAY), by=officer)
    assert browser.get("/no-such-city/").status_code == 404
    assert not PolicyNoticeSeen.objects.exists()
    assert NOTICE in _text(browser.get("/about/"))


def test_anonymous_pages_cost_no_query_for_the_notice(pinned_today, django_assert_num_queries):
    browser = Client()
    cookie_purposes_version()  # a site-wide fact every page's banner reads, cached a minute
    with django_assert_num_queries(0):
        assert browser.get("/about/").status_code == 200


def test_the_contact_page_states_the_children_s_rule():
    page = _text(Client().get("/privacy/contact/"))
    assert "An account that keeps favorites is for listeners of 18 or older." in page
    assert "The link works for 7 days." in page
    assert "under 16" in page


@pytest.fixture
def staff_browser(officer):
    officer.is_superuser = True
    officer.save()
    browser = Client()
    browser.force_login(officer)
    return browser


def test_staff_write_a_draft_and_publish_it_in_the_admin(pinned_today, staff_browser, officer):
    response = staff_browser.post(
        "/admin/privacy/policyversion/add/",
        {
            "effective_on": "2027-03-20",
            "summary_en": "Shorter.",
            "summary_nl": "Korter.",
            "text_en": "## Cookies\n\nOne.",
            "text_nl": "## Cookies\n\nEén.",
        },
    )
    assert response.status_code == 302
    draft = PolicyVersion.objects.get(number=2)
    assert not draft.published
    staff_browser.post(
        "/admin/privacy/policyversion/",
        {"action": "publish", "_selected_action": [str(draft.pk)]},
    )
    draft.refresh_from_db()
    assert (draft.published, draft.published_by) == (True, officer)


def test_publishing_a_past_date_in_the_admin_is_refused_with_the_reason(
    pinned_today, staff_browser
):
    draft = _draft(TODAY - dt.timedelta(days=2))
    response = staff_browser.post(
        "/admin/privacy/policyversion/",
        {"action": "publish", "_selected_action": [str(draft.pk)]},
        follow=True,
    )
    assert f"Version 2: {POLICY_DATE_PAST}" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.published


def test_a_published_version_cannot_be_edited_in_the_admin(pinned_today, staff_browser):
    staff_browser.post(
        "/admin/privacy/policyversion/1/change/",
        {"effective_on": "2030-01-01", "text_en": "Changed.", "text_nl": "Gewijzigd."},
    )
    version = PolicyVersion.objects.get(number=1)
    assert version.effective_on == dt.date(2026, 1, 1)
    assert "Changed." not in version.text_en
