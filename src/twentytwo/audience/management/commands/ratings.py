"""Print the ratings of a city's genres (or tracks) from the rollups, as JSON or CSV."""

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from twentytwo.audience.dayparts import DAYPARTS, DEFAULT_DAYPART, daypart_by_name
from twentytwo.audience.periods import DAY_OUT_OF_RANGE, reportable_days
from twentytwo.audience.selectors.ratings import (
    BY_CURATOR,
    BY_GENRE,
    BY_TRACK,
    CURATOR_ROW_KEYS,
    PERSON_NOTE,
    ROW_KEYS,
    city_ratings,
)
from twentytwo.catalog.models import City

UNKNOWN_CITY = "No city with the slug “%(slug)s”."
BAD_DATE = "--from and --to take dates as YYYY-MM-DD."
BACKWARDS = "--from must not be after --to."


class Command(BaseCommand):
    help = (
        "Ratings (AQH, share, cume, exclusive cume, TSL, TLH, AAS, session starts, plays, "
        "completion and skip rates) per genre, track or curator of a city. " + PERSON_NOTE
    )

    def add_arguments(self, parser):
        parser.add_argument("--city", required=True, help="the city's slug")
        parser.add_argument("--from", dest="first", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="last", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--daypart", default=DEFAULT_DAYPART, choices=list(DAYPARTS))
        parser.add_argument("--by", default=BY_GENRE, choices=[BY_GENRE, BY_TRACK, BY_CURATOR])
        parser.add_argument("--format", default="json", choices=["json", "csv"])

    def handle(self, *args, city, first, last, daypart, by, format, **options):
        found = City.objects.filter(slug=city).first()
        if found is None:
            raise CommandError(UNKNOWN_CITY % {"slug": city})
        try:
            first_day, last_day = date.fromisoformat(first), date.fromisoformat(last)
        except ValueError:
            raise CommandError(BAD_DATE) from None
        if first_day > last_day:
            raise CommandError(BACKWARDS)
        earliest, latest = reportable_days(today=timezone.now().date())
        if first_day < earliest or last_day > latest:
            raise CommandError(DAY_OUT_OF_RANGE.format(earliest=earliest, latest=latest))
        report = city_ratings(
            city=found, first=first_day, last=last_day, daypart=daypart_by_name(daypart), by=by
        )
        if format == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            return
        keys = list(CURATOR_ROW_KEYS if by == BY_CURATOR else ROW_KEYS)
        if by == BY_TRACK:
            keys.insert(1, "track")
        # The note travels with the numbers: a comment line before the header.
        self.stdout.write(f"# {PERSON_NOTE}")
        writer = csv.DictWriter(self.stdout, fieldnames=keys, restval="", lineterminator="\n")
        writer.writeheader()
        writer.writerows(report.rows)
        writer.writerow(report.total)
