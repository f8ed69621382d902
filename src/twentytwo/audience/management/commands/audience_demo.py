"""`python -m twentytwo audience_demo`: weeks of demo listening through the ingestion pipeline."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from twentytwo.audience.demo_listening import (
    DEMO_DAYS,
    DEMO_LISTENERS,
    DEMO_SEED,
    demo_listening_ingest,
)

BAD_SIZE = "--days and --listeners take whole numbers of at least 1."


class Command(BaseCommand):
    help = (
        "Generate a few weeks of realistic demo listening for the catalog (daily rhythm, genre "
        "popularity, returning listeners, pauses, seeks and skips) and send it through the "
        "ingestion pipeline. Running it again adds nothing: the same events are duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=DEMO_DAYS, help="whole days before today (%(default)s)"
        )
        parser.add_argument(
            "--listeners", type=int, default=DEMO_LISTENERS, help="browsers (%(default)s)"
        )
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help="random seed")

    def handle(self, *args, days: int, listeners: int, seed: int, **options):
        if days < 1 or listeners < 1:
            raise CommandError(BAD_SIZE)
        try:
            demo = demo_listening_ingest(
                days=days, listeners=listeners, now=timezone.now(), seed=seed
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"generated: {demo.events}")
        self.stdout.write(f"accepted: {demo.result.accepted}")
        for reason, count in sorted(demo.result.dropped.items()):
            self.stdout.write(f"dropped {reason}: {count}")
