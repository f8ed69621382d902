"""Apply every declared retention period now, in the foreground (what the daily task does)."""

from django.core.management.base import BaseCommand

from twentytwo.privacy.services.retention import retention_apply
from twentytwo.privacy.tasks import privacy_tasks_schedule


class Command(BaseCommand):
    help = "Delete or empty personal data whose declared retention period has passed."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="Only enqueue the daily background retention task, unless already queued.",
        )

    def handle(self, *args, schedule=False, **options):
        if schedule:
            enqueued = privacy_tasks_schedule()
            self.stdout.write(f"Enqueued: {', '.join(enqueued) or 'nothing (already queued)'}")
            return
        self.stdout.write(str(retention_apply()))
