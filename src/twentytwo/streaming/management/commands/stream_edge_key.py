"""Write the key nginx checks stream URLs with: `python -m twentytwo stream_edge_key FILE`."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from twentytwo.streaming.signing import stream_edge_key


class Command(BaseCommand):
    help = (
        "Write an nginx include that sets $twentytwo_stream_key, the key deploy/stream_edge.js "
        "checks stream URLs with (it signs stream URLs and nothing else). Run it again after "
        "changing the secret key, then reload nginx."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="e.g. /etc/nginx/22tracks-stream-key.conf")

    def handle(self, *args, path: Path, **options):
        text = f'map $host $twentytwo_stream_key {{\n    default "{stream_edge_key()}";\n}}\n'
        partial = path.with_name(path.name + ".partial")
        try:
            # Readable by its owner only (nginx's master reads its configuration as root).
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(text)
            partial.replace(path)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror}") from None
        self.stdout.write(f"Wrote {path}")
