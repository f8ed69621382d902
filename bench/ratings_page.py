"""How long the ratings dashboard takes, and how many queries it makes, as its range grows.

    python bench/ratings_page.py                  # 3 weeks of demo listening, 1 city
    BENCH_RATINGS_LISTENERS=2000 python bench/ratings_page.py

In a throwaway SQLite database under a temporary var dir (TWENTYTWO_VAR_DIR; the demo
database and any DATABASE_URL are left alone): migrate, seed one demo city with four
genres, three weeks of demo listening through the ingestion pipeline and its rollups, then
ask for the staff dashboard over the last 1, 7 and 21 days, and for its genres table as CSV,
five times each. Prints one JSON line each: the queries, the median and fastest time, and
the time as a multiple of the one-day page measured in the same run (the baseline). The
test suite checks that the queries do not grow with the range; this says what the time does."""

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

RUNS = 5
DAYS = 21
RANGES = (1, 7, 21)


def main() -> None:
    listeners = int(os.environ.get("BENCH_RATINGS_LISTENERS", "600"))
    with tempfile.TemporaryDirectory(prefix="bench-ratings-") as var_dir:
        os.environ["TWENTYTWO_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")
        os.environ.setdefault("TWENTYTWO_ALLOWED_HOSTS", "testserver")
        os.environ.setdefault("TWENTYTWO_LOG_LEVEL", "WARNING")
        # Pages name their static files as they are; no collectstatic in a throwaway dir.
        os.environ["TWENTYTWO_MANIFEST_STATIC"] = "false"
        (Path(var_dir) / "static").mkdir()
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        call_command("migrate", verbosity=0, interactive=False)
        call_command("seed_demo", cities=1, genres=4, verbosity=0)
        call_command("audience_demo", days=DAYS, listeners=listeners, verbosity=0)
        call_command("audience_rollup", verbosity=0)
        client = Client()
        client.force_login(get_user_model().objects.create_user("bench", is_staff=True))
        client.get("/ratings/")  # the session's first request saves it
        yesterday = timezone.localdate() - timedelta(days=1)
        baseline = None
        for days in RANGES:
            first = (yesterday - timedelta(days=days - 1)).isoformat()
            for table in ("", "genres"):
                query = {"first": first, "last": yesterday.isoformat()}
                if table:
                    query |= {"format": "csv", "table": table}
                times = []
                for _ in range(RUNS):
                    with CaptureQueriesContext(connection) as queries:
                        started = time.perf_counter()
                        response = client.get("/ratings/", query)
                        times.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.status_code
                median = statistics.median(times)
                baseline = baseline or median
                print(
                    json.dumps(
                        {
                            "days": days,
                            "answer": f"{table} CSV" if table else "page",
                            "listeners": listeners,
                            "queries": len(queries),
                            "median_ms": round(median * 1000, 1),
                            "fastest_ms": round(min(times) * 1000, 1),
                            "vs_one_day_page": round(median / baseline, 2),
                        }
                    )
                )
                sys.stdout.flush()


if __name__ == "__main__":
    main()
