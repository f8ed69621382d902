"""How long My data's download takes for a heavy account.

    python bench/privacy_export.py            # 10,000 favorites
    BENCH_EXPORT_FAVORITES=50000 python bench/privacy_export.py

In a throwaway SQLite database under a temporary var dir (TWENTYTWO_VAR_DIR; the demo
database and any DATABASE_URL are left alone): migrate, make one listener with a profile,
a linked sign-in service and that many favorite tracks, then download the zip through
Django's test client, as a browser's POST would, five times. Prints one JSON line: the
time to the first byte and to the last, the zip's size and the peak memory of the process.

The figure behind "an account with 10,000 favorites exports in seconds"; the test suite
only checks that the number of queries does not grow with the rows."""

import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

RUNS = 5


def main() -> None:
    favorites = int(os.environ.get("BENCH_EXPORT_FAVORITES", "10000"))
    with tempfile.TemporaryDirectory(prefix="bench-export-") as var_dir:
        os.environ["TWENTYTWO_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")
        os.environ.setdefault("TWENTYTWO_ALLOWED_HOSTS", "testserver")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client

        settings.PRIVACY_EXPORTS_PER_HOUR = RUNS + 1
        call_command("migrate", verbosity=0, interactive=False)
        user = _listener(favorites)
        client = Client()
        client.force_login(user)
        first, total, size = [], [], 0
        for _ in range(RUNS):
            started = time.perf_counter()
            response = client.post("/privacy/my-data/export/")
            assert response.status_code == 200, response.status_code
            pieces = iter(response.streaming_content)
            size = len(next(pieces))
            first.append(time.perf_counter() - started)
            size += sum(len(piece) for piece in pieces)
            total.append(time.perf_counter() - started)
        print(
            json.dumps(
                {
                    "favorites": favorites,
                    "runs": RUNS,
                    "first_byte_s_median": round(statistics.median(first), 3),
                    "whole_zip_s_median": round(statistics.median(total), 3),
                    "whole_zip_s_max": round(max(total), 3),
                    "zip_bytes": size,
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                }
            )
        )


def _listener(favorites: int):
    from allauth.socialaccount.models import SocialAccount
    from django.contrib.auth import get_user_model

    from twentytwo.accounts import services as accounts
    from twentytwo.catalog.models import Track
    from twentytwo.favorites.models import Favorite

    user = get_user_model().objects.create_user(username="heavy", email="heavy@example.org")
    accounts.age_statement_record(user=user, adult=True)
    SocialAccount.objects.create(user=user, provider="demo", uid="heavy-1", extra_data={})
    accounts.profile_facts_record(user=user, source="demo", claims={"name": "Heavy Listener"})
    tracks = Track.objects.bulk_create(
        (
            Track(
                title=f"Bench cut {n}",
                artist=f"Bench artist {n % 500}",
                audio=f"bench/{n}.mp3",
                audio_size=4_000_000,
                duration=240.0,
                codec="mp3",
                mime_type="audio/mpeg",
                bitrate=128_000,
                checksum=f"{n:064d}",
            )
            for n in range(favorites)
        ),
        batch_size=2000,
    )
    Favorite.objects.bulk_create(
        (Favorite(user=user, track=track) for track in tracks), batch_size=2000
    )
    return user


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
