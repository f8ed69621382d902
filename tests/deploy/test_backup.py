"""A backup of PostgreSQL, the media and the secret key (deploy/backup.py), restored into an
empty database and an empty var folder, serves the same catalog, the same audio and the
same favorites; a restore refuses a database that is not empty and a damaged backup."""

import json
import os
import subprocess
import sys
import uuid

import psycopg
import pytest

from tests.support.deploy import PG, POSTGRES_ROUND
from tests.support.processes import PYTHONPATH, ROOT

pytestmark = POSTGRES_ROUND

BACKUP = ROOT / "deploy" / "backup.py"

MAKE_SITE = """
import django; django.setup()
from django.contrib.auth import get_user_model
from tests.support.factories import CityFactory, GenreFactory, track_create
from twentytwo.accounts import services as accounts
from twentytwo.catalog import services
from twentytwo.favorites.services import favorite_add
city = CityFactory(name="Amsterdam", slug="amsterdam")
genre = GenreFactory(city=city, name="Deep House", slug="deep-house")
tracks = [track_create(title=f"Track {n}", seconds=2.0) for n in range(3)]
for track in tracks:
    services.track_add_to_rotation(genre=genre, track=track)
listener = get_user_model().objects.create_user(username="ada", email="ada@example.org")
accounts.age_statement_record(user=listener, adult=True)
favorite_add(user=listener, track=tracks[1])
favorite_add(user=listener, genre=genre)
"""

READ_SITE = """
import django, json, hashlib; django.setup()
from tests.support.wsgi import call
from twentytwo.config.wsgi import application
from twentytwo.favorites.models import Favorite
genre = json.loads(call(application, "/api/cities/amsterdam/genres").body)[0]
tracks = json.loads(call(application, f"/api/genres/{genre['id']}/tracks").body)
audio = []
for entry in tracks:
    stream = "/" + entry["stream_url"].split("/", 3)[3]
    answer = call(application, stream)
    audio.append([answer.status, hashlib.sha256(answer.body).hexdigest()])
favorites = sorted(
    [f.user.email, f.track.title if f.track_id else "", f.genre.name if f.genre_id else ""]
    for f in Favorite.objects.select_related("user", "track", "genre")
)
print(json.dumps({"genre": genre, "tracks": tracks, "audio": audio, "favorites": favorites}))
"""


def site_env(var, database) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWENTYTWO_")}
    return {
        **env,
        "PYTHONPATH": PYTHONPATH,
        "DJANGO_SETTINGS_MODULE": "twentytwo.config.settings",
        "DATABASE_URL": f"{PG}/{database}",
        "TWENTYTWO_VAR_DIR": str(var),
        "TWENTYTWO_ALLOWED_HOSTS": "testserver",
        "TWENTYTWO_ACCESS_LOG": "false",
        "TWENTYTWO_LOG_LEVEL": "WARNING",
        "TWENTYTWO_MANIFEST_STATIC": "false",
    }


def run(argv, env, **options):
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, **options)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def databases():
    names = [f"twentytwo_backup_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    yield names
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restored_backup_serves_the_same_catalog_audio_and_favorites(tmp_path, databases):
    original, restored = databases
    var, other_var, folder = tmp_path / "var", tmp_path / "restored", tmp_path / "backup"
    env = site_env(var, original)
    run([sys.executable, "-m", "twentytwo", "migrate", "--no-input", "-v", "0"], env)
    run([sys.executable, "-c", MAKE_SITE], env)
    before = json.loads(run([sys.executable, "-c", READ_SITE], env))
    assert [status for status, _ in before["audio"]] == [200, 200, 200]
    assert before["favorites"] == [["ada@example.org", "", "Deep House"],
                                   ["ada@example.org", "Track 1", ""]]  # fmt: skip

    run([sys.executable, str(BACKUP), "backup", "--var", str(var), "--to", str(folder)], env)
    restored_env = site_env(other_var, restored)
    run([sys.executable, str(BACKUP), "restore", "--var", str(other_var), "--from", str(folder)],
        restored_env)  # fmt: skip
    after = json.loads(run([sys.executable, "-c", READ_SITE], restored_env))

    assert after == before  # stream URLs included: the secret key came back too

    # Restoring again over the restored site is refused, and nothing of it changes.
    again = subprocess.run(
        [sys.executable, str(BACKUP), "restore", "--var", str(other_var), "--from", str(folder)],
        cwd=ROOT, env=restored_env, capture_output=True, text=True,
    )  # fmt: skip
    assert again.returncode != 0
    assert "already has tables" in again.stderr
    assert json.loads(run([sys.executable, "-c", READ_SITE], restored_env)) == before


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path, databases):
    original, restored = databases
    var, folder = tmp_path / "var", tmp_path / "backup"
    env = site_env(var, original)
    run([sys.executable, "-m", "twentytwo", "migrate", "--no-input", "-v", "0"], env)
    run([sys.executable, str(BACKUP), "backup", "--var", str(var), "--to", str(folder)], env)
    with (folder / "database.dump").open("r+b") as dump:
        dump.seek(100)
        dump.write(b"\0" * 16)

    done = subprocess.run(
        [sys.executable, str(BACKUP), "restore", "--var", str(tmp_path / "new"),
         "--from", str(folder)],
        cwd=ROOT, env=site_env(tmp_path / "new", restored), capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode != 0
    assert "not the file the backup wrote" in done.stderr
    assert not (tmp_path / "new").exists()
    with psycopg.connect(f"{PG}/{restored}") as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    assert tables == 0
