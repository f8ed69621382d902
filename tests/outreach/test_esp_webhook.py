"""The mail service's webhook (django-anymail): a hard bounce, a rejection or a spam
complaint stops all marketing mail to that address; other events change nothing."""

import base64
import json
import re

import pytest
from django.test import Client

from tests.outreach.conftest import make_listener
from twentytwo.outreach.models import Subscriber
from twentytwo.outreach.services.subscriptions import subscription_confirm, subscription_opt_in
from twentytwo.privacy.selectors.marketing import marketing_confirmed, marketing_in_force

pytestmark = pytest.mark.django_db(transaction=True)

WEBHOOK = "/mail/esp/postmark/tracking/"
SECRET = "esp:s3cret-for-the-webhook"


def confirmed(user, smtp, *purposes):
    for purpose in purposes:
        subscription_opt_in(user=user, purpose=purpose)
        text = smtp.messages[-1].get_body(preferencelist=("plain",)).get_content()
        subscription_confirm(token=re.search(r"/mail/confirm/(\S+)/", text).group(1))


def post(event: dict, secret: str = SECRET):
    auth = base64.b64encode(secret.encode()).decode()
    return Client().post(
        WEBHOOK,
        json.dumps(event),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )


def postmark(record_type: str, email: str, **more) -> dict:
    return {
        "RecordType": record_type,
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": email,
        "Recipient": email,
        "BouncedAt": "2027-05-04T09:30:00Z",
        "DeliveredAt": "2027-05-04T09:30:00Z",
        "Metadata": {},
        "Tag": "",
        **more,
    }


@pytest.fixture
def esp(settings):
    settings.ESP = "postmark"
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def test_only_the_service_the_site_sends_through_takes_reports_and_only_with_a_secret(
    settings, policy, smtp
):
    mira = make_listener("mira")
    confirmed(mira, smtp, "specials")
    bounce = postmark("Bounce", "mira@example.org", Type="HardBounce", TypeCode=1)
    settings.ESP, settings.ANYMAIL = "", {}
    assert post(bounce, secret="").status_code == 404  # SMTP: no webhook at all
    settings.ESP, settings.ANYMAIL = "mailgun", {"WEBHOOK_SECRET": SECRET}
    assert post(bounce).status_code == 404  # another service's address
    settings.ESP, settings.ANYMAIL = "postmark", {}
    assert post(bounce, secret="").status_code == 404  # no secret: no webhook
    assert marketing_in_force(user=mira)["specials"].method == "confirmed"


def test_a_hard_bounce_stops_every_kind_of_mail_to_that_address(esp, policy, smtp):
    mira, bram = make_listener("mira"), make_listener("bram")
    confirmed(mira, smtp, "specials", "surveys")
    confirmed(bram, smtp, "specials")
    response = post(postmark("Bounce", "Mira@Example.org", Type="HardBounce", TypeCode=1))
    assert response.status_code == 200
    states = {p: c.method if c else None for p, c in marketing_in_force(user=mira).items()}
    assert states["specials"] == states["surveys"] == "bounced"
    assert Subscriber.objects.get(user=mira).email == ""
    assert marketing_confirmed(purpose="specials", user_ids=[mira.pk, bram.pk]) == {bram.pk}


def test_a_spam_complaint_stops_it_too(esp, policy, smtp):
    mira = make_listener("mira")
    confirmed(mira, smtp, "products")
    assert post(postmark("SpamComplaint", "mira@example.org")).status_code == 200
    assert marketing_in_force(user=mira)["products"].method == "bounced"


def test_a_delivery_report_or_a_soft_bounce_changes_nothing(esp, policy, smtp):
    mira = make_listener("mira")
    confirmed(mira, smtp, "specials")
    assert post(postmark("Delivery", "mira@example.org")).status_code == 200
    soft = postmark("Bounce", "mira@example.org", Type="SoftBounce", TypeCode=4096)
    assert post(soft).status_code == 200  # a full mailbox is no reason to stop for good
    assert marketing_in_force(user=mira)["specials"].method == "confirmed"


def test_a_report_without_the_secret_is_refused_and_changes_nothing(esp, policy, smtp):
    mira = make_listener("mira")
    confirmed(mira, smtp, "specials")
    response = post(postmark("Bounce", "mira@example.org", Type="HardBounce"), secret="x:y")
    assert response.status_code in (400, 401, 403)
    assert marketing_in_force(user=mira)["specials"].method == "confirmed"
