"""`python -m twentytwo seed_demo`: fill the catalog with synthesized demo music."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from twentytwo.demo.plan import Scale, ScaleTooLarge
from twentytwo.demo.services import (
    DEMO_CURATOR_SUBJECT,
    DEMO_PARTNER_SUBJECT,
    demo_catalog_seed,
    demo_curator_account_seed,
    demo_outreach_seed,
    demo_partner_seed,
)


class Command(BaseCommand):
    help = (
        "Seed the demo catalog: cities, curators, genres and synthesized tracks with a "
        "history of retired ones. Running it again adds only what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        default = Scale()
        parser.add_argument(
            "--cities", type=int, default=default.cities, help="demo cities to seed (default: all)"
        )
        parser.add_argument(
            "--genres", type=int, default=default.genres, help="genres per city (default: all)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="processes that synthesize and encode audio (default: %(default)s)",
        )

    def handle(self, *args, cities: int, genres: int, workers: int, verbosity: int, **options):
        # With -v 2, a line per genre as it is done.
        log = self.stdout.write if verbosity >= 2 else (lambda line: None)
        try:
            summary = demo_catalog_seed(
                scale=Scale(cities=cities, genres=genres), workers=workers, log=log
            )
        except ScaleTooLarge as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(str(summary)))
        curator = demo_curator_account_seed()
        if curator is not None:
            genres = ", ".join(str(genre) for genre in curator.genres.all())
            self.stdout.write(
                f'Sign in with "Demo login" as "{DEMO_CURATOR_SUBJECT}" to see the ratings '
                f"of {curator.name}'s genres ({genres}) at /partners/."
            )
        partner = demo_partner_seed()
        if partner is not None:
            self.stdout.write(
                f'Sign in with "Demo login" as "{DEMO_PARTNER_SUBJECT}" to see the reports of '
                f"{partner.name} ({partner.rights.count()} tracks) at /partners/."
            )
        for made in demo_outreach_seed():
            self.stdout.write(f"Demo outreach: {made}")
