"""The monthly report: released from the new month's budget on the 1st, mailed to the
organisation's admins, its progress and failures kept for staff."""

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from tests.partners.conftest import NAMESPACE, played
from twentytwo.audience.models import PlayedQuarterHour
from twentytwo.partners import disclosure
from twentytwo.partners.models import MonthlyReport
from twentytwo.partners.services.reports import monthly_reports_send, previous_month
from twentytwo.partners.tasks import next_run_delay

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_month(world):
    """Listening in last month: 200 listeners of Big, 4 of Tiny."""
    month = previous_month(disclosure.today_in_site())
    rows = []
    for name, count in (("big", 200), ("tiny", 4)):
        for i in range(count):
            rows.append(
                played(
                    city=world.city,
                    genre=world.house,
                    track=world.tracks[name],
                    listener=uuid.uuid5(NAMESPACE, f"last-{name}-{i}"),
                    day=month + timedelta(days=i % 20),
                    minute=9 * 60,
                )
            )
    PlayedQuarterHour.objects.bulk_create(rows)
    return month


def test_each_organisation_gets_last_months_report_by_mail_once(
    world, last_month, orbit_admin, orbit_viewer
):
    run = monthly_reports_send()
    assert run.month == last_month and set(run.sent) == {"orbit", "zenith"}
    report = MonthlyReport.objects.get(organisation=world.orbit)
    assert (report.status, report.recipients) == ("sent", 1)
    (message,) = mail.outbox  # Zenith has no admin to mail
    assert message.to == ["olga@orbit.example"]
    assert "released with noise" in message.body
    assert "Tiny" not in message.body  # under the threshold: not among the top tracks
    ((_name, attachment, _kind),) = message.attachments
    rows = list(csv.DictReader(io.StringIO(attachment)))
    tiny = next(r for r in rows if r["name"].endswith("Tiny"))
    assert tiny["listeners"] == "< 11" and tiny["plays"] == ""
    assert report.release.epsilon_spent == disclosure.view_cost()

    # A second run sends nothing again and spends nothing.
    monthly_reports_send()
    assert len(mail.outbox) == 1
    assert disclosure.budget_of(organisation=world.orbit).spent == disclosure.view_cost()


def test_a_failed_mail_is_recorded_and_the_next_run_sends_it(
    world, last_month, orbit_admin, settings
):
    working = settings.MAILERS
    settings.MAILERS = {"default": {"BACKEND": "tests.partners.test_reports.BrokenBackend"}}
    run = monthly_reports_send()
    report = MonthlyReport.objects.get(organisation=world.orbit)
    assert "orbit" in run.failed and report.status == "failed"
    assert report.error == "ConnectionRefusedError" and "@" not in report.error
    settings.MAILERS = working
    monthly_reports_send()
    report.refresh_from_db()
    assert report.status == "sent" and len(mail.outbox) == 1
    # The view was released once, at the first try.
    assert disclosure.budget_of(organisation=world.orbit).spent == disclosure.view_cost()


def test_a_month_not_yet_final_waits(world, last_month, orbit_admin):
    from twentytwo.audience.models import RollupWatermark

    RollupWatermark.objects.update(
        processed_until=disclosure.datetime.combine(
            last_month + timedelta(days=3), disclosure.time(0), tzinfo=disclosure.ZoneInfo("UTC")
        )
    )
    run = monthly_reports_send()
    assert "orbit" in run.waiting and not mail.outbox
    assert MonthlyReport.objects.get(organisation=world.orbit).status == "pending"


def test_the_chain_retries_hourly_on_the_first_days_then_waits_for_the_next_first():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Amsterdam")
    assert next_run_delay(now=datetime(2026, 12, 1, 6, 0, tzinfo=zone), unfinished=True) == (
        timedelta(hours=1)
    )
    assert next_run_delay(now=datetime(2026, 12, 1, 6, 0, tzinfo=zone), unfinished=False) == (
        datetime(2027, 1, 1, 6, 0, tzinfo=zone) - datetime(2026, 12, 1, 6, 0, tzinfo=zone)
    )
    assert next_run_delay(now=datetime(2026, 12, 4, 6, 0, tzinfo=zone), unfinished=True) > (
        timedelta(days=20)
    )


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp.example refused mail for olga@orbit.example")
