"""Apply every declared retention period now, in the foreground (what the daily task does)."""

from twentytwo.core.commands import ChainCommand
from twentytwo.privacy.services.retention import retention_apply
from twentytwo.privacy.tasks import privacy_tasks_schedule


class Command(ChainCommand):
    help = "Delete or empty personal data whose declared retention period has passed."
    schedule_help = "Only enqueue the daily background retention task, unless already queued."

    def tasks_schedule(self) -> list[str]:
        return privacy_tasks_schedule()

    def run(self, **options):
        self.stdout.write(str(retention_apply()))
