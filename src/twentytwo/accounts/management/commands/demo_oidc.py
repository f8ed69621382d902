"""Run the demo's OpenID Connect server on loopback, in the foreground.

`make demo` starts it next to the site so that "Demo login" works with no internet. Anyone can
sign in there as anyone: the settings refuse demo login in production."""

import os

import werkzeug.serving
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from twentytwo.accounts.demo_oidc import demo_oidc_app


class Command(BaseCommand):
    help = "Run the local OpenID Connect server behind the demo's “Demo login”."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=None, help="default: DEMO_OIDC_PORT")

    def handle(self, *args, port: int | None, **options):
        if settings.PRODUCTION:
            raise CommandError("The demo sign-in server never runs with production settings.")
        port = port or settings.DEMO_OIDC_PORT
        # The mock speaks plain HTTP on loopback; authlib refuses that unless told it is fine.
        os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
        self.stdout.write(f"Demo sign-in server on http://127.0.0.1:{port}/")
        werkzeug.serving.run_simple("127.0.0.1", port, demo_oidc_app(), threaded=True)
