"""Back up and restore a 22tracks site: its PostgreSQL database, its media and its secret key.

    .venv/bin/python deploy/backup.py backup  --var /srv/22tracks/var --to /backups/2026-12-04
    .venv/bin/python deploy/backup.py restore --var /srv/22tracks/var --from /backups/2026-12-04

`backup` writes three files into a new folder: `database.dump` (pg_dump's custom format, a
consistent snapshot taken while the site serves), `media.tar` (audio and pictures) and
`secret_key` (it signs sessions and stream URLs: without it every listener is signed out
and every stream URL in a page stops working), and `manifest.json` with each file's size
and SHA-256. The database comes from DATABASE_URL.

`restore` checks the manifest, then restores into an empty database (it refuses one that
has tables) and an empty media folder, and puts the secret key back. Run `migrate` after
it when the code is newer than the backup. A backup holds personal data (accounts,
favorites, consents): keep it as the records of processing say, encrypted at rest."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

FILES = ("database.dump", "media.tar", "secret_key")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name the site's PostgreSQL database")
    return url


def backup(var: Path, target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"{target} is not empty: a backup goes into a new folder")
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
         "--file", str(target / "database.dump"), _database_url()],
        check=True,
    )  # fmt: skip
    media = var / "media"
    with tarfile.open(target / "media.tar", "w") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    shutil.copy2(var / "secret_key", target / "secret_key")
    (target / "secret_key").chmod(0o600)
    manifest = {name: {"bytes": (target / name).stat().st_size, "sha256": _sha256(target / name)}
                for name in FILES}  # fmt: skip
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(
        f"Backed up to {target}: " + ", ".join(f"{n} {m['bytes']} B" for n, m in manifest.items())
    )


def _database_is_empty(url: str) -> bool:
    done = subprocess.run(
        ["psql", "--no-psqlrc", "-tA", "-c",
         "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", url],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout.strip() == "0"


def restore(var: Path, source: Path) -> None:
    manifest = json.loads((source / "manifest.json").read_text())
    for name in FILES:
        found = source / name
        if not found.exists() or _sha256(found) != manifest[name]["sha256"]:
            raise SystemExit(f"{found} is missing or not the file the backup wrote")
    url = _database_url()
    if not _database_is_empty(url):
        raise SystemExit("the database already has tables: restore into an empty one")
    media = var / "media"
    if media.exists() and any(media.iterdir()):
        raise SystemExit(f"{media} is not empty: restore into an empty media folder")
    subprocess.run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
         "--dbname", url, str(source / "database.dump")],
        check=True,
    )  # fmt: skip
    var.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "media.tar") as archive:
        archive.extractall(var, filter="data")
    shutil.copy2(source / "secret_key", var / "secret_key")
    (var / "secret_key").chmod(0o600)
    print(f"Restored {source} into {var} and the database")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    made = commands.add_parser("backup")
    made.add_argument("--var", type=Path, required=True)
    made.add_argument("--to", type=Path, required=True)
    back = commands.add_parser("restore")
    back.add_argument("--var", type=Path, required=True)
    back.add_argument("--from", dest="source", type=Path, required=True)
    options = parser.parse_args(argv)
    if options.command == "backup":
        backup(options.var, options.to)
    else:
        restore(options.var, options.source)
    return 0


if __name__ == "__main__":
    sys.exit(main())
