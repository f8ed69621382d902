"""The monthly report: on the 1st, last month's view of each organisation that holds rights
to tracks is released (from the new month's budget) and mailed to its admins as CSV.

Each organisation's report is a MonthlyReport row that says how far it got: staff see the
pending and failed ones in the admin, and the next run tries those again."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from twentytwo.audience.dayparts import DEFAULT_DAYPART
from twentytwo.partners import disclosure
from twentytwo.partners.exports import csv_of, filename
from twentytwo.partners.figures import report_of
from twentytwo.partners.models import MonthlyReport, Organisation, Release
from twentytwo.partners.selectors import admins_of, organisation_tracks, organisations_with_rights

logger = logging.getLogger(__name__)


@dataclass
class MonthlyRun:
    month: date
    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # the month's listening is not final

    def as_dict(self) -> dict:
        return {
            "month": self.month.isoformat(),
            "sent": self.sent,
            "failed": self.failed,
            "waiting": self.waiting,
        }


def previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_query(*, organisation: Organisation, month: date) -> disclosure.ReportQuery:
    """The view a monthly report shows: every track, city and day of the month."""
    last = (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return disclosure.ReportQuery(
        tracks=organisation_tracks(organisation=organisation),
        genres=None,
        city_id=None,
        first=month,
        last=last,
        daypart=DEFAULT_DAYPART,
        step="day",
    )


def _mail(*, organisation: Organisation, release: Release, recipients: list[str]) -> None:
    report = report_of(release.view)
    path = reverse("partners:view", kwargs={"slug": organisation.slug, "key": release.view.key})
    context = {
        "organisation": organisation,
        "report": report,
        "link": settings.SITE_URL + path,
        "method_link": settings.SITE_URL + reverse("partners:method"),
    }
    message = EmailMessage(
        subject=render_to_string("partners/mail/monthly_subject.txt", context).strip(),
        body=render_to_string("partners/mail/monthly.txt", context),
        to=recipients,
    )
    message.attach(filename(report, organisation.name, "csv"), csv_of(report), "text/csv")
    message.send()


def monthly_report_send(*, organisation: Organisation, month: date, now=None) -> MonthlyReport:
    """Release and mail one organisation's report of a month, once; record how it went."""
    now = now or timezone.now()
    report, _created = MonthlyReport.objects.get_or_create(
        organisation=organisation,
        month=month,
        defaults={"status": MonthlyReport.Status.PENDING, "started_at": now},
    )
    if report.status == MonthlyReport.Status.SENT:
        return report
    try:
        if report.release is None:
            released = disclosure.release(
                organisation=organisation,
                query=month_query(organisation=organisation, month=month),
                channel=Release.Channel.REPORT,
                now=now,
            )
            report.release = released.release
            report.save(update_fields=["release"])
        admins = [user.email for user in admins_of(organisation=organisation) if user.email]
        if admins:
            _mail(organisation=organisation, release=report.release, recipients=admins)
        report.status = MonthlyReport.Status.SENT
        report.recipients = len(admins)
        report.error = ""
    except disclosure.NotFinal as exc:
        report.error = exc.message
    except disclosure.Refused as exc:
        report.status = MonthlyReport.Status.FAILED
        report.error = exc.message
    except Exception as exc:  # a mail server down, for one: the next run tries again
        logger.exception("monthly report of %s for %s failed", organisation.slug, month)
        report.status = MonthlyReport.Status.FAILED
        # The kind of failure only: a mail error's text may hold the recipients' addresses.
        report.error = type(exc).__name__
    report.finished_at = timezone.now() if report.status == MonthlyReport.Status.SENT else None
    with transaction.atomic():
        report.save(update_fields=["status", "recipients", "error", "finished_at"])
    return report


def monthly_reports_send(*, month: date | None = None, now=None) -> MonthlyRun:
    """Send last month's report (or `month`'s) to every organisation not yet sent it."""
    now = now or timezone.now()
    month = month or previous_month(disclosure.today_in_site())
    run = MonthlyRun(month=month)
    for organisation in organisations_with_rights():
        report = monthly_report_send(organisation=organisation, month=month, now=now)
        if report.status == MonthlyReport.Status.SENT:
            run.sent.append(organisation.slug)
        elif report.status == MonthlyReport.Status.FAILED:
            run.failed.append(organisation.slug)
        else:
            run.waiting.append(organisation.slug)
    return run
