"""Commands that do now what a chain of background tasks does (core/scheduling.py), or with
--schedule only start the chains; a deploy and `make demo` run each once with --schedule."""

from django.core.management.base import BaseCommand


class ChainCommand(BaseCommand):
    schedule_help = "Only enqueue the background tasks, unless they are already queued."

    def tasks_schedule(self) -> list[str]:
        """Start the chains; return the names of the tasks enqueued."""
        raise NotImplementedError

    def run(self, **options) -> None:
        """Do the work now, in the foreground."""
        raise NotImplementedError

    def add_arguments(self, parser) -> None:
        parser.add_argument("--schedule", action="store_true", help=self.schedule_help)

    def handle(self, *args, schedule: bool = False, **options) -> None:
        if schedule:
            enqueued = self.tasks_schedule()
            self.stdout.write(f"Enqueued: {', '.join(enqueued) or 'nothing (already queued)'}")
            return
        self.run(**options)
