"""The tables hold only rows that say something true: the database refuses the rest."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from twentytwo.privacy.models import (
    Affiliate,
    AffiliateShare,
    AuditEvent,
    ConsentChoice,
    DataRequest,
    LegalDisclosure,
    MarketingChoice,
    PolicyVersion,
    Processor,
    Purpose,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def refused(**kwargs):
    """Assert that creating the row is refused by the database."""

    def create(model):
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.create(**kwargs)

    return create


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(username="officer", is_staff=True)


@pytest.fixture
def version():
    return PolicyVersion.objects.create(
        number=90, effective_on=dt.date(2030, 1, 1), text_en="Text.", text_nl="Tekst."
    )


def test_a_published_version_needs_its_publication_time_and_both_texts():
    refused(number=91, effective_on=dt.date(2030, 2, 1), text_en="a", text_nl="b", published=True)(
        PolicyVersion
    )
    refused(
        number=91,
        effective_on=dt.date(2030, 2, 1),
        text_en="a",
        text_nl="",
        published=True,
        published_at=NOW,
    )(PolicyVersion)
    PolicyVersion.objects.create(
        number=91, effective_on=dt.date(2030, 2, 1), text_en="a", text_nl="", published=False
    )


def test_two_published_versions_cannot_take_effect_on_the_same_day():
    fields = {"effective_on": dt.date(2030, 3, 1), "text_en": "a", "text_nl": "b"}
    PolicyVersion.objects.create(number=92, published=True, published_at=NOW, **fields)
    refused(number=93, published=True, published_at=NOW, **fields)(PolicyVersion)
    # A draft for the same day is fine: it is not in force.
    PolicyVersion.objects.create(number=93, **fields)


def test_a_cookie_choice_says_what_its_method_means(version):
    base = {"consent_id": uuid.uuid4(), "policy_version": version, "chosen_at": NOW}
    refused(method="accept_all", audience_statistics=True, advertising=False, **base)(ConsentChoice)
    refused(method="gpc", audience_statistics=True, advertising=False, **base)(ConsentChoice)
    refused(method="refuse_all", audience_statistics=False, advertising=True, **base)(ConsentChoice)
    choice = ConsentChoice.objects.create(
        method="chosen", audience_statistics=False, advertising=True, **base
    )
    assert [choice.allows(p) for p in Purpose] == [True, False, True]


def test_without_a_choice_only_essential_and_audience_statistics_are_on():
    assert [Purpose.default(p) for p in Purpose] == [True, True, False]


def test_erasing_the_account_leaves_the_cookie_choice_to_its_browser(version):
    user = get_user_model().objects.create_user(username="mira", email="mira@example.com")
    browser = uuid.uuid4()
    ConsentChoice.objects.create(
        consent_id=browser,
        user=user,
        method="refuse_all",
        audience_statistics=False,
        advertising=False,
        policy_version=version,
        chosen_at=NOW,
    )
    user.delete()
    choice = ConsentChoice.objects.get(consent_id=browser)
    assert choice.user_id is None
    assert choice.method == "refuse_all"


def test_a_marketing_choice_says_what_its_method_means(version):
    user = get_user_model().objects.create_user(username="mira")
    base = {"user": user, "policy_version": version, "chosen_at": NOW}
    refused(method="objection", subscribed=True, **base)(MarketingChoice)
    refused(method="opt_in", subscribed=False, purpose="specials", **base)(MarketingChoice)
    refused(method="confirmed", subscribed=True, purpose="all", **base)(MarketingChoice)
    refused(method="objection", subscribed=False, purpose="surveys", **base)(MarketingChoice)
    MarketingChoice.objects.create(method="objection", subscribed=False, **base)
    MarketingChoice.objects.create(method="confirmed", subscribed=True, purpose="surveys", **base)


def test_an_audit_event_done_by_the_person_is_about_that_person():
    base = {"kind": "export", "occurred_at": NOW}
    refused(actor="subject", subject_user_id=7, actor_user_id=8, **base)(AuditEvent)
    refused(actor="staff", subject_user_id=7, **base)(AuditEvent)
    refused(actor="system", subject_user_id=7, actor_user_id=8, **base)(AuditEvent)
    AuditEvent.objects.create(actor="subject", subject_user_id=7, actor_user_id=7, **base)


def test_an_extension_has_a_reason_and_lasts_at_most_two_months(staff):
    base = {
        "requester_email": "someone@example.com",
        "kind": DataRequest.Kind.ACCESS,
        "received_on": dt.date(2026, 11, 2),
        "created_at": NOW,
        "created_by": staff,
    }
    refused(due_on=dt.date(2027, 1, 2), extension_months=1, **base)(DataRequest)
    refused(due_on=dt.date(2027, 3, 2), extension_months=3, extension_reason="Many.", **base)(
        DataRequest
    )
    refused(due_on=dt.date(2026, 11, 2), **base)(DataRequest)
    refused(due_on=dt.date(2026, 12, 2), status="completed", **base)(DataRequest)
    DataRequest.objects.create(
        due_on=dt.date(2027, 2, 2), extension_months=2, extension_reason="Many.", **base
    )


def test_a_legal_disclosure_says_who_asked_why_what_and_about_whom(staff):
    audit = AuditEvent.objects.create(
        kind="legal_disclosure", actor="staff", actor_user_id=staff.pk, occurred_at=NOW
    )
    base = {
        "request_received_on": dt.date(2026, 11, 1),
        "legal_basis": LegalDisclosure.Basis.LEGAL_OBLIGATION,
        "released_at": NOW,
        "released_by": staff,
        "audit": audit,
    }
    refused(requested_by="Court", legal_basis_detail="Order 1", released="e-mail address", **base)(
        LegalDisclosure
    )
    refused(
        requested_by="Court",
        legal_basis_detail="",
        released="e-mail address",
        subject_user_id=4,
        **base,
    )(LegalDisclosure)
    LegalDisclosure.objects.create(
        requested_by="Court",
        legal_basis_detail="Order 1",
        released="e-mail address",
        subject_user_id=4,
        **base,
    )


def test_an_affiliate_share_belongs_to_one_transaction():
    affiliate = Affiliate.objects.create(
        name="Paradiso", agreement_reference="AGR-1", active_from=dt.date(2026, 1, 1)
    )
    audit = AuditEvent.objects.create(kind="affiliate_share", actor="system", occurred_at=NOW)
    base = {"affiliate": affiliate, "subject_user_id": 4, "shared_at": NOW, "audit": audit}
    refused(transaction_reference="", **base)(AffiliateShare)
    AffiliateShare.objects.create(transaction_reference="ORDER-1", **base)


def test_a_processor_has_a_contract_and_an_ordered_period():
    base = {"name": "Mailer", "purpose": "Sends mail.", "data_categories": "e-mail address"}
    base |= {"location": "Netherlands", "active_from": dt.date(2026, 1, 1)}
    refused(contract_reference="", **base)(Processor)
    refused(contract_reference="DPA-1", active_until=dt.date(2025, 1, 1), **base)(Processor)
    Processor.objects.create(contract_reference="DPA-1", active_until=timezone.now().date(), **base)
