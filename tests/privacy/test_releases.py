"""Every release of personal data leaves its register row and audit event, in the same
transaction as the release (DESIGN.md 5.5)."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from twentytwo.accounts.models import ProfileFact
from twentytwo.privacy.models import Affiliate, AffiliateShare, AuditEvent, LegalDisclosure
from twentytwo.privacy.services import PrivacyError
from twentytwo.privacy.services.releases import (
    DISCLOSURE_NO_SUBJECT,
    DISCLOSURE_WHO_WHY_WHAT,
    RELEASE_FIELD_NOT_RELEASABLE,
    RELEASE_NO_ACCOUNT,
    RELEASE_NO_FIELDS,
    SHARE_AFFILIATE_INACTIVE,
    SHARE_NO_COMMITMENT,
    SHARE_NO_TRANSACTION,
    SHARE_ROWS_OUTSIDE,
    affiliate_share_release,
    legal_disclosure_release,
    releasable_fields,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 5, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def mira():
    user = get_user_model().objects.create_user(
        username="mira", email="mira@example.com", first_name="Mira", last_name="Jansen"
    )
    ProfileFact.objects.create(
        user=user, kind="name", value="Mira J.", source="google", received_at=NOW
    )
    return user


@pytest.fixture
def bram():
    user = get_user_model().objects.create_user(username="bram", email="bram@example.com")
    ProfileFact.objects.create(
        user=user, kind="name", value="Bram", source="google", received_at=NOW
    )
    return user


@pytest.fixture
def officer():
    return get_user_model().objects.create_superuser(username="officer", password="x")


@pytest.fixture
def paradiso():
    return Affiliate.objects.create(
        name="Paradiso",
        agreement_reference="AGR-2027-1",
        privacy_commitment="Uses entries only to send the tickets, deletes them after the show.",
        committed_on=dt.date(2026, 12, 1),
        active_from=dt.date(2027, 1, 1),
    )


SHARED = ["auth.User.email", "accounts.ProfileFact.value"]


def test_a_share_hands_over_only_the_asked_fields_of_that_account_and_records_it(
    pinned, mira, bram, paradiso, officer
):
    delivered = []
    share = affiliate_share_release(
        affiliate=paradiso,
        transaction_reference="TICKET-881",
        user_id=mira.pk,
        fields=SHARED,
        deliver=delivered.append,
        shared_by=officer,
    )
    assert delivered == [
        {
            "auth.User": [{"email": "mira@example.com"}],
            "accounts.ProfileFact": [{"value": "Mira J."}],
        }
    ]
    assert (share.transaction_reference, share.subject_user_id, share.shared_fields) == (
        "TICKET-881",
        mira.pk,
        SHARED,
    )
    audit = share.audit
    assert (audit.kind, audit.subject_user_id, audit.actor, audit.actor_user_id) == (
        "affiliate_share",
        mira.pk,
        "staff",
        officer.pk,
    )
    assert audit.detail["rows"] == {"auth.User": 1, "accounts.ProfileFact": 1}
    assert "mira@example.com" not in json.dumps(audit.detail)


def test_a_failed_hand_over_leaves_no_register_row(pinned, mira, paradiso):
    def broken(payload):
        raise ConnectionError("the affiliate did not answer")

    with pytest.raises(ConnectionError):
        affiliate_share_release(
            affiliate=paradiso,
            transaction_reference="TICKET-1",
            user_id=mira.pk,
            fields=SHARED,
            deliver=broken,
        )
    assert not AffiliateShare.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"transaction_reference": "  "}, SHARE_NO_TRANSACTION),
        ({"fields": []}, RELEASE_NO_FIELDS),
        (
            {"fields": ["auth.User.password"]},
            RELEASE_FIELD_NOT_RELEASABLE % {"field": "auth.User.password"},
        ),
        (
            {"fields": ["catalog.City.name"]},
            RELEASE_FIELD_NOT_RELEASABLE % {"field": "catalog.City.name"},
        ),
        (
            {"fields": ["audience.ListenEvent.listener"]},
            RELEASE_FIELD_NOT_RELEASABLE % {"field": "audience.ListenEvent.listener"},
        ),
        ({"user_id": 987654}, RELEASE_NO_ACCOUNT % {"number": 987654}),
    ],
)
def test_a_share_that_cannot_be_right_is_refused_and_nothing_leaves(
    pinned, mira, paradiso, change, message
):
    delivered = []
    arguments = {
        "affiliate": paradiso,
        "transaction_reference": "TICKET-2",
        "user_id": mira.pk,
        "fields": SHARED,
        "deliver": delivered.append,
    } | change
    with pytest.raises(PrivacyError) as error:
        affiliate_share_release(**arguments)
    assert str(error.value) == message
    assert delivered == []
    assert not AffiliateShare.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_affiliate_whose_agreement_ended_gets_nothing(pinned, mira, paradiso):
    paradiso.active_until = dt.date(2027, 5, 3)
    paradiso.save()
    with pytest.raises(PrivacyError) as error:
        affiliate_share_release(
            affiliate=paradiso,
            transaction_reference="TICKET-3",
            user_id=mira.pk,
            fields=SHARED,
            deliver=lambda payload: None,
        )
    assert str(error.value) == SHARE_AFFILIATE_INACTIVE % {
        "affiliate": "Paradiso",
        "date": "2027-05-04",
    }


def test_an_affiliate_without_a_privacy_commitment_gets_nothing(pinned, mira, paradiso):
    paradiso.privacy_commitment = "  "
    paradiso.save()
    with pytest.raises(PrivacyError) as error:
        affiliate_share_release(
            affiliate=paradiso,
            transaction_reference="TICKET-4",
            user_id=mira.pk,
            fields=SHARED,
            deliver=lambda payload: pytest.fail("nothing may leave"),
        )
    assert str(error.value) == SHARE_NO_COMMITMENT % {"affiliate": "Paradiso"}
    assert not AuditEvent.objects.exists()


def test_a_share_narrowed_to_rows_hands_over_only_those_rows(pinned, mira, paradiso):
    second = ProfileFact.objects.create(
        user=mira, kind="locale", value="nl", source="google", received_at=NOW
    )
    delivered = []
    share = affiliate_share_release(
        affiliate=paradiso,
        transaction_reference="TICKET-5",
        user_id=mira.pk,
        fields=["accounts.ProfileFact.value"],
        rows={"accounts.ProfileFact": [second.pk]},
        deliver=delivered.append,
    )
    assert delivered == [{"accounts.ProfileFact": [{"value": "nl"}]}]
    assert share.audit.detail["commitment_of"] == "2026-12-01"


def test_rows_of_a_model_not_shared_are_refused(pinned, mira, paradiso):
    with pytest.raises(PrivacyError) as error:
        affiliate_share_release(
            affiliate=paradiso,
            transaction_reference="TICKET-6",
            user_id=mira.pk,
            fields=["auth.User.email"],
            rows={"accounts.ProfileFact": [1]},
            deliver=lambda payload: pytest.fail("nothing may leave"),
        )
    assert str(error.value) == SHARE_ROWS_OUTSIDE % {"model": "accounts.ProfileFact"}
    assert not AffiliateShare.objects.exists()


def test_secrets_are_never_releasable():
    fields = releasable_fields()
    assert "auth.User.email" in fields
    for secret in (
        "auth.User.password",
        "socialaccount.SocialToken.token",
        "account.EmailConfirmation.key",
    ):
        assert secret not in fields


DISCLOSURE = {
    "requested_by": "Politie Amsterdam",
    "request_reference": "PL-2027-113",
    "request_received_on": dt.date(2027, 5, 1),
    "legal_basis": "legal_obligation",
    "legal_basis_detail": "Vordering art. 126nd Sv, dated 1 May 2027",
}


def test_a_disclosure_of_an_account_s_fields_is_returned_and_registered(
    pinned, mira, bram, officer
):
    disclosure, payload = legal_disclosure_release(
        released_by=officer, user_id=mira.pk, fields=["auth.User.email"], **DISCLOSURE
    )
    assert payload == {"auth.User": [{"email": "mira@example.com"}]}
    assert disclosure.released == "auth.User.email"
    assert (disclosure.released_by, disclosure.released_at, disclosure.subject_user_id) == (
        officer,
        NOW,
        mira.pk,
    )
    assert (disclosure.audit.kind, disclosure.audit.actor_user_id) == (
        "legal_disclosure",
        officer.pk,
    )


def test_a_release_made_by_other_means_is_registered_too(pinned, officer):
    disclosure, payload = legal_disclosure_release(
        released_by=officer,
        subject_description="listener id 7f3c… named in the order",
        released="Told by phone that no account matches.",
        **DISCLOSURE,
    )
    assert payload == {}
    assert disclosure.subject_user_id is None
    assert LegalDisclosure.objects.get() == disclosure


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"legal_basis_detail": " "}, DISCLOSURE_WHO_WHY_WHAT),
        ({"requested_by": ""}, DISCLOSURE_WHO_WHY_WHAT),
        ({"fields": [], "released": ""}, DISCLOSURE_WHO_WHY_WHAT),
        ({"user_id": None}, DISCLOSURE_NO_SUBJECT),
    ],
)
def test_a_disclosure_without_who_why_what_or_whom_is_refused(
    pinned, mira, officer, change, message
):
    arguments = DISCLOSURE | {"user_id": mira.pk, "fields": ["auth.User.email"]} | change
    with pytest.raises(PrivacyError) as error:
        legal_disclosure_release(released_by=officer, **arguments)
    assert str(error.value) == message
    assert not LegalDisclosure.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.fixture
def staff_browser(officer):
    browser = Client()
    browser.force_login(officer)
    return browser


def test_staff_release_to_an_authority_downloads_the_data_and_registers_it(
    pinned, mira, staff_browser
):
    response = staff_browser.post(
        "/admin/privacy/legaldisclosure/release/",
        {
            "requested_by": "Rechtbank Amsterdam",
            "request_received_on": "2027-05-02",
            "legal_basis": "legal_obligation",
            "legal_basis_detail": "Court order C/13/123",
            "user_id": str(mira.pk),
            "released_fields": ["auth.User.email", "auth.User.first_name"],
        },
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="disclosure-')
    assert json.loads(response.content) == {
        "auth.User": [{"email": "mira@example.com", "first_name": "Mira"}]
    }
    disclosure = LegalDisclosure.objects.get()
    assert disclosure.requested_by == "Rechtbank Amsterdam"
    listing = staff_browser.get("/admin/privacy/legaldisclosure/").content.decode()
    assert "Rechtbank Amsterdam" in listing
    assert "Release data to an authority" in listing


def test_staff_share_with_an_affiliate_needs_a_transaction(pinned, mira, paradiso, staff_browser):
    form = {
        "affiliate": str(paradiso.pk),
        "transaction_reference": "",
        "user_id": str(mira.pk),
        "shared_fields": ["auth.User.email"],
    }
    refused = staff_browser.post("/admin/privacy/affiliateshare/release/", form)
    assert refused.status_code == 400
    assert not AffiliateShare.objects.exists()
    form["transaction_reference"] = "ORDER-77"
    shared = staff_browser.post("/admin/privacy/affiliateshare/release/", form)
    assert json.loads(shared.content) == {"auth.User": [{"email": "mira@example.com"}]}
    assert AffiliateShare.objects.get().transaction_reference == "ORDER-77"


def test_registers_cannot_be_edited_in_the_admin(pinned, mira, officer, staff_browser):
    disclosure, _payload = legal_disclosure_release(
        released_by=officer, user_id=mira.pk, fields=["auth.User.email"], **DISCLOSURE
    )
    assert staff_browser.get("/admin/privacy/legaldisclosure/add/").status_code == 403
    response = staff_browser.post(
        f"/admin/privacy/legaldisclosure/{disclosure.pk}/change/", {"requested_by": "Nobody"}
    )
    assert response.status_code == 403
    disclosure.refresh_from_db()
    assert disclosure.requested_by == "Politie Amsterdam"


def test_a_listener_cannot_reach_the_release_forms(mira):
    browser = Client()
    browser.force_login(mira)
    response = browser.get("/admin/privacy/legaldisclosure/release/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
