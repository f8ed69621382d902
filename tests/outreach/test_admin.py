"""Staff write, preview, test and start a campaign in the admin; the worker's command sends it."""

import re

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.outreach.conftest import make_listener
from twentytwo.outreach.models import Campaign
from twentytwo.outreach.services.subscriptions import subscription_confirm, subscription_opt_in

pytestmark = pytest.mark.django_db(transaction=True)
ADD = "/admin/outreach/campaign/add/"
FIELDS = {
    "name": "Winter",
    "purpose": "specials",
    "subject_en": "Winter night",
    "body_en": "Two tickets.",
    "subject_nl": "Winternacht",
    "body_nl": "Twee kaartjes.",
}


def test_a_campaign_without_its_dutch_text_is_not_saved(staff):
    response = staff.post(ADD, {**FIELDS, "body_nl": " "})
    assert response.status_code == 200
    assert "The Dutch text is empty" in response.content.decode()
    assert not Campaign.objects.exists()


def test_written_previewed_tested_started_and_sent(staff, smtp):
    mira = make_listener("mira")
    subscription_opt_in(user=mira, purpose="specials")
    text = smtp.messages[-1].get_body(preferencelist=("plain",)).get_content()
    subscription_confirm(token=re.search(r"/mail/confirm/(\S+)/", text).group(1))
    smtp.messages.clear()

    assert staff.post(ADD, FIELDS).status_code == 302
    campaign = Campaign.objects.get()
    page = staff.get(f"/admin/outreach/campaign/{campaign.pk}/change/").content.decode()
    assert "Twee kaartjes." in page and "0 sent, 0 failed, 0 skipped, 0 waiting" in page

    changelist = "/admin/outreach/campaign/"
    staff.post(changelist, {"action": "send_test", "_selected_action": [campaign.pk]})
    assert {m["To"] for m in smtp.messages} == {"editor@example.org"}
    smtp.messages.clear()

    staff.post(changelist, {"action": "start_now", "_selected_action": [campaign.pk]})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED
    assert DBTaskResult.objects.filter(task_path__endswith="campaign_send_task").exists()

    call_command("outreach_send")  # what the worker's chain does

    assert [m["To"] for m in smtp.messages] == [mira.email]
    page = staff.get(f"/admin/outreach/campaign/{campaign.pk}/change/").content.decode()
    assert "1 sent, 0 failed, 0 skipped, 0 waiting" in page
    # A started campaign is read-only.
    staff.post(changelist, {"action": "start_now", "_selected_action": [campaign.pk]})
    call_command("outreach_send")
    assert len(smtp.messages) == 1
