"""Send last month's partner reports now, in the foreground (what the task does on the 1st)."""

from datetime import date

from django.core.management.base import CommandError

from twentytwo.core.commands import ChainCommand
from twentytwo.partners.services.reports import monthly_reports_send
from twentytwo.partners.tasks import partner_tasks_schedule


class Command(ChainCommand):
    help = "Release and mail each organisation's monthly report that is not yet sent."
    schedule_help = "Only enqueue the monthly background task, unless already queued."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--month", help="The month to report, as YYYY-MM (default: last).")

    def tasks_schedule(self) -> list[str]:
        return partner_tasks_schedule()

    def run(self, *, month: str | None = None, **options):
        first = None
        if month:
            try:
                first = date.fromisoformat(f"{month}-01")
            except ValueError:
                raise CommandError(f"--month must be YYYY-MM, not {month!r}") from None
        self.stdout.write(str(monthly_reports_send(month=first).as_dict()))
