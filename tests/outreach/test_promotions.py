"""Promotions run with an affiliate: the page says what goes to whom, entering shares exactly
that entry's asked fields through the release register in the same transaction, and the
affiliate gets its entries by a signed webhook or a CSV, nothing else."""

import csv
import hashlib
import hmac
import io
import json
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from tests.outreach.conftest import make_listener
from twentytwo.outreach.models import Promotion, PromotionEntry
from twentytwo.outreach.services import OutreachError
from twentytwo.outreach.services import promotions as services
from twentytwo.privacy.models import Affiliate, AffiliateShare, AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

ENTRY = {"name": "Mira Jansen", "email": "mira.prizes@example.org", "consent": "on"}
COMMITMENT = "Uses the entries only to send the tickets, and deletes them after the festival."


@pytest.fixture
def affiliate(policy) -> Affiliate:
    return Affiliate.objects.create(
        name="Lowlands",
        agreement_reference="AGR-LL-2027",
        privacy_commitment=COMMITMENT,
        committed_on=date(2026, 11, 2),
        active_from=date(2026, 1, 1),
    )


def make_promotion(affiliate, **changes) -> Promotion:
    now = timezone.now()
    fields = {
        "slug": "lowlands-tickets",
        "title": "Two tickets for Lowlands",
        "text": "Win two weekend tickets.",
        "affiliate": affiliate,
        "fields": ["name", "email"],
        "opens_at": now - timedelta(days=1),
        "closes_at": now + timedelta(days=7),
    } | changes
    return services.promotion_save(promotion=Promotion(**fields))


@pytest.fixture
def promotion(affiliate) -> Promotion:
    return make_promotion(affiliate)


def page(promotion) -> str:
    return reverse("outreach:promotion", kwargs={"slug": promotion.slug})


def nothing_entered_or_shared() -> bool:
    return not (
        PromotionEntry.objects.exists()
        or AffiliateShare.objects.exists()
        or AuditEvent.objects.filter(kind="affiliate_share").exists()
        or DBTaskResult.objects.exists()
    )


def test_the_page_says_which_fields_go_to_which_affiliate_before_anyone_enters(promotion):
    content = Client().get(page(promotion)).content.decode()
    assert "Lowlands receives these details of your entry" in content
    assert content.count("data-shared-field") == 2
    assert "your name" in content and "your e-mail address" in content
    assert "postal address" not in content
    assert COMMITMENT in content and "2 November 2026" in content
    assert "Sign in to enter" in content and 'name="consent"' not in content
    assert (
        Client().get(reverse("outreach:promotions")).content.decode().count("data-promotion=") == 1
    )


def test_entering_shares_exactly_that_entry_s_fields_in_the_register(promotion, signed_in):
    other = make_promotion(
        promotion.affiliate, slug="other", fields=["name", "postal_address"], title="Other"
    )
    services.promotion_enter(
        promotion=other,
        user=get_user_model().objects.get(username="mira"),
        data={"name": "Mira", "postal_address": "Singel 1, Amsterdam"},
        consent=True,
    )
    response = signed_in.post(page(promotion), ENTRY)
    assert response.status_code == 302
    entry = PromotionEntry.objects.get(promotion=promotion)
    assert (entry.name, entry.email) == ("Mira Jansen", "mira.prizes@example.org")

    share = AffiliateShare.objects.get(transaction_reference__contains=entry.reference)
    assert share.affiliate == promotion.affiliate
    assert share.shared_fields == ["outreach.PromotionEntry.name", "outreach.PromotionEntry.email"]
    assert share.subject_user_id == entry.user_id
    # One row: this entry, not the listener's entry to the other promotion.
    assert share.audit.detail["rows"] == {"outreach.PromotionEntry": 1}
    assert share.audit.detail["commitment_of"] == "2026-11-02"
    assert "Singel" not in json.dumps(share.audit.detail)
    # No webhook: the affiliate gets the CSV, and no hand-over task waits.
    assert not DBTaskResult.objects.exists()
    assert 'data-entry="made"' in signed_in.get(page(promotion)).content.decode()


def test_an_entry_without_the_consent_is_refused_and_nothing_is_shared(promotion, signed_in):
    response = signed_in.post(page(promotion), {**ENTRY, "consent": ""})
    assert response.status_code == 400
    assert services.NO_CONSENT % {"affiliate": "Lowlands"} in response.content.decode()
    assert nothing_entered_or_shared()


def test_under_18_without_a_guardian_sees_no_entry_and_cannot_enter(promotion):
    young = make_listener("sam", adult=False)
    client = Client()
    client.force_login(young)
    content = client.get(page(promotion)).content.decode()
    assert 'data-entry="not-allowed"' in content and 'name="consent"' not in content
    response = client.post(page(promotion), {**ENTRY, "email": "sam@example.org"})
    assert response.status_code == 400
    assert services.PROMOTION_NOT_FOR_YOU in response.content.decode()
    assert nothing_entered_or_shared()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": " "}, services.FIELD_REQUIRED % {"field": "your name"}),
        (
            {"name": "Mira\r\nBcc: all@example.org"},
            services.FIELD_ONE_LINE % {"field": "Your name"},
        ),
        (
            {"email": "mira@\nexample.org"},
            services.FIELD_ONE_LINE % {"field": "Your e-mail address"},
        ),
        ({"email": "not-an-address"}, services.BAD_EMAIL),
        ({"name": "x" * 151}, services.FIELD_TOO_LONG % {"field": "Your name", "limit": 150}),
    ],
)
def test_bad_fields_are_refused_clearly_and_nothing_is_shared(promotion, signed_in, data, message):
    response = signed_in.post(page(promotion), {**ENTRY, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert nothing_entered_or_shared()


def test_one_entry_per_listener_and_none_once_closed(promotion, signed_in, listener):
    assert signed_in.post(page(promotion), ENTRY).status_code == 302
    with pytest.raises(OutreachError, match="already entered"):
        services.promotion_enter(promotion=promotion, user=listener, data=ENTRY, consent=True)
    closed = make_promotion(
        promotion.affiliate,
        slug="closed",
        opens_at=timezone.now() - timedelta(days=9),
        closes_at=timezone.now() - timedelta(days=1),
    )
    response = signed_in.post(page(closed), ENTRY)
    assert response.status_code == 400
    assert "not open for entries" in response.content.decode()
    assert PromotionEntry.objects.count() == AffiliateShare.objects.count() == 1


def test_a_share_the_register_refuses_leaves_no_entry(promotion, signed_in):
    Affiliate.objects.filter(pk=promotion.affiliate_id).update(
        active_until=timezone.localdate() - timedelta(days=1)
    )
    response = signed_in.post(page(promotion), ENTRY)
    assert response.status_code == 400
    assert "has no agreement in force" in response.content.decode()
    assert nothing_entered_or_shared()


def test_the_affiliate_gets_a_signed_webhook_with_the_entry_and_nothing_else(
    affiliate, signed_in, webhook
):
    promotion = make_promotion(affiliate, webhook_url=webhook.url)
    assert len(promotion.webhook_secret) == 64
    assert signed_in.post(page(promotion), ENTRY).status_code == 302
    (task,) = DBTaskResult.objects.all()
    entry = PromotionEntry.objects.get()
    assert task.args_kwargs["args"] == [entry.pk]

    # The entry's own task makes the first try: the chain leaves a fresh entry alone.
    assert services.promotion_handovers_resume() == []
    webhook.status = 302  # a redirect is a failure, never followed with the signature
    assert services.promotion_handover(entry_id=entry.pk).error == "the webhook answered 302"
    assert len(webhook.received) == 1
    PromotionEntry.objects.filter(pk=entry.pk).update(handover_attempts=0)
    webhook.status = 503  # the affiliate is down: nothing is lost, it is tried again
    assert services.promotion_handover(entry_id=entry.pk).error == "the webhook answered 503"
    entry.refresh_from_db()
    assert (entry.handover_attempts, entry.handed_over_at) == (1, None)
    assert services.promotion_handovers_resume() == []  # backing off
    webhook.status = 204
    later = timezone.now() + timedelta(minutes=2)
    assert services.promotion_handovers_resume(now=later) == [entry.pk]
    entry.refresh_from_db()
    assert entry.handed_over_at is not None and entry.handover_error == ""

    headers, body = webhook.received[-1]
    assert json.loads(body) == {
        "promotion": "lowlands-tickets",
        "entry": entry.reference,
        "entered_at": entry.entered_at.isoformat(),
        "fields": {"name": "Mira Jansen", "email": "mira.prizes@example.org"},
    }
    timestamp, signature = (
        part.split("=", 1)[1] for part in headers[services.SIGNATURE_HEADER.lower()].split(",")
    )
    expected = hmac.new(
        promotion.webhook_secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert hmac.compare_digest(signature, expected)
    assert str(entry.user_id) not in json.loads(body)["fields"].values()
    # Handed over once: a second run sends nothing more.
    services.promotion_handover(entry_id=entry.pk)
    assert len(webhook.received) == 3


def test_a_webhook_on_a_private_network_gets_nothing(affiliate, listener):
    promotion = make_promotion(affiliate, webhook_url="https://10.0.0.7/entries")
    entry = services.promotion_enter(promotion=promotion, user=listener, data=ENTRY, consent=True)
    handover = services.promotion_handover(entry_id=entry.pk)
    assert (handover.delivered, handover.error) == (False, services.WEBHOOK_PRIVATE)


def test_staff_download_the_affiliate_s_csv_of_that_promotion_only(promotion, staff):
    mira, bram = make_listener("mira"), make_listener("bram")
    for user in (mira, bram):
        services.promotion_enter(
            promotion=promotion,
            user=user,
            data={"name": user.username.title(), "email": user.email},
            consent=True,
        )
    eve = make_listener("eve")
    services.promotion_enter(
        promotion=promotion,
        user=eve,
        data={"name": '=HYPERLINK("x")', "email": eve.email},
        consent=True,
    )
    other = make_promotion(promotion.affiliate, slug="other", title="Other")
    services.promotion_enter(
        promotion=other,
        user=mira,
        data={"name": "Elsewhere", "email": "x@example.org"},
        consent=True,
    )
    response = staff.post(
        "/admin/outreach/promotion/",
        {"action": "entries_csv", "_selected_action": [promotion.pk]},
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["entry", "entered_at", "name", "email"]
    assert sorted(r[2:] for r in rows[1:]) == [
        ['\'=HYPERLINK("x")', "eve@example.org"],  # text in a spreadsheet, not a formula
        ["Bram", "bram@example.org"],
        ["Mira", "mira@example.org"],
    ]
    text = "\n".join(",".join(r) for r in rows)
    assert "Elsewhere" not in text and str(mira.pk) not in [r[0] for r in rows]


def test_staff_cannot_run_a_promotion_the_register_could_not_honour(affiliate, staff):
    today = timezone.localdate()
    form = {
        "slug": "giveaway",
        "title": "Giveaway",
        "text": "A record.",
        "affiliate": affiliate.pk,
        "fields": ["name", "answer"],
        "question": "",
        "opens_at_0": (today - timedelta(days=1)).isoformat(),  # open whatever the hour
        "opens_at_1": "10:00",
        "closes_at_0": (today + timedelta(days=3)).isoformat(),
        "closes_at_1": "10:00",
        "webhook_url": "",
    }
    add = "/admin/outreach/promotion/add/"
    assert services.QUESTION_MISSING in staff.post(add, form).content.decode()
    answer = staff.post(
        add, {**form, "question": "Which record?", "webhook_url": "http://example.org/in"}
    )
    assert escape(services.WEBHOOK_NOT_HTTPS) in answer.content.decode()
    Affiliate.objects.filter(pk=affiliate.pk).update(privacy_commitment="")
    answer = staff.post(add, {**form, "question": "Which record?"})
    assert services.NO_COMMITMENT % {"affiliate": "Lowlands"} in answer.content.decode()
    assert not Promotion.objects.exists()

    Affiliate.objects.filter(pk=affiliate.pk).update(privacy_commitment=COMMITMENT)
    assert staff.post(add, {**form, "question": "Which record?"}).status_code == 302
    made = Promotion.objects.get()
    assert made.created_by.username == "editor"
    services.promotion_enter(
        promotion=made,
        user=make_listener("mira"),
        data={"name": "Mira", "answer": "Blue Lines"},
        consent=True,
    )
    change = f"/admin/outreach/promotion/{made.pk}/change/"
    for changed in (
        {"fields": ["name", "email"]},
        {"question": "Which band?"},
        {"webhook_url": "https://evil.example/hook"},
        {"affiliate": Affiliate.objects.create(
            name="Other", agreement_reference="X", privacy_commitment="Y",
            committed_on=date(2026, 1, 1), active_from=date(2026, 1, 1),
        ).pk},
    ):  # fmt: skip
        answer = staff.post(change, {**form, "question": "Which record?", **changed})
        assert escape(services.FIELDS_FIXED) in answer.content.decode(), changed
    kept = Promotion.objects.get()
    assert (kept.fields, kept.question, kept.webhook_url, kept.affiliate) == (
        ["name", "answer"],
        "Which record?",
        "",
        affiliate,
    )
    # What entrants did not agree to may still change: the text, the closing time.
    assert (
        staff.post(
            change, {**form, "question": "Which record?", "text": "Two records."}
        ).status_code
        == 302
    )
