"""Bring the audience rollups up to date in the foreground (what the background task does)."""

from datetime import UTC, date, datetime

from django.core.management.base import CommandError

from twentytwo.audience.selectors.rollups import rollup_watermark
from twentytwo.audience.services.retention import events_delete_expired
from twentytwo.audience.services.rollups import rollup_run
from twentytwo.audience.tasks import audience_tasks_schedule
from twentytwo.core.commands import ChainCommand

BAD_DATE = "--since takes a date as YYYY-MM-DD."


class Command(ChainCommand):
    help = "Roll listening events up into the ratings tables, catching up from the watermark."
    schedule_help = "Only enqueue the background rollup and retention tasks, unless queued."

    def tasks_schedule(self) -> list[str]:
        return audience_tasks_schedule()

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--since",
            help="Recompute from this date (UTC midnight), e.g. after importing older events.",
        )
        parser.add_argument(
            "--delete-expired",
            action="store_true",
            help="Also delete raw events past the retention (rollups are kept).",
        )

    def run(self, *, since=None, delete_expired=False, **options):
        since_time = None
        if since:
            try:
                day = date.fromisoformat(since)
            except ValueError:
                raise CommandError(BAD_DATE) from None
            since_time = datetime(day.year, day.month, day.day, tzinfo=UTC)
        try:
            result = rollup_run(since=since_time)
        except ValueError as error:
            raise CommandError(str(error)) from None
        events = sum(w.events for w in result.windows)
        self.stdout.write(
            f"Rolled up {len(result.windows)} window(s), {events} event(s); "
            f"processed until {rollup_watermark() or 'nothing yet'}."
        )
        if delete_expired:
            self.stdout.write(f"Deleted {events_delete_expired()} expired event(s).")
