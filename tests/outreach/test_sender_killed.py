"""A sender killed outright (SIGKILL) in the middle of a campaign, then the next run once its
hold has run out: every subscriber gets the campaign, each under one Message-ID, and no
more than the one message in flight at the kill goes out a second time."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict

import pytest
from aiosmtpd.controller import Controller

from tests.support.processes import PYTHONPATH, ROOT, free_port, manage

# Starts processes of its own and waits for them: seconds, not milliseconds.
pytestmark = pytest.mark.slow

SUBSCRIBERS = 300
KILL_AFTER = 120

SEED = f"""
from django.utils import timezone
from django.contrib.auth import get_user_model
from twentytwo.accounts.services import age_statement_record
from twentytwo.outreach.models import Campaign, Subscriber
from twentytwo.privacy.models import MarketingChoice
from twentytwo.privacy.services.marketing import marketing_choice_record

for n in range({SUBSCRIBERS}):
    user = get_user_model().objects.create_user(username=f"l{{n}}", email=f"l{{n}}@example.org")
    age_statement_record(user=user, adult=True)
    for method in (MarketingChoice.Method.OPT_IN, MarketingChoice.Method.CONFIRMED):
        marketing_choice_record(user=user, purpose="specials", method=method)
    Subscriber.objects.create(user=user, email=user.email, language="en")
Campaign.objects.create(
    name="Winter", purpose="specials", subject_en="Winter", body_en="Two tickets.",
    subject_nl="Winter", body_nl="Twee kaartjes.", status="scheduled", send_at=timezone.now(),
)
"""


class SlowInbox:
    """A mail server that takes each message a little while, as a real one does."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: dict[str, list[str]] = defaultdict(list)
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        text = envelope.content.decode(errors="replace")
        message_id = next(
            line.split(":", 1)[1].strip()
            for line in text.splitlines()
            if line.lower().startswith("message-id:")
        )
        with self.lock:
            for to in envelope.rcpt_tos:
                self.ids[to].append(message_id)
            self.count += 1
        time.sleep(0.01)
        return "250 OK"


def test_a_killed_sender_leaves_nobody_without_the_message_and_nobody_with_two(tmp_path):
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    database = tmp_path / "twentytwo.sqlite3"
    env = {
        "TWENTYTWO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{database}",
        "TWENTYTWO_EMAIL_HOST": "127.0.0.1",
        "TWENTYTWO_EMAIL_PORT": str(controller.port),
        "TWENTYTWO_EMAIL_USE_TLS": "false",
        "PYTHONPATH": PYTHONPATH,
    }
    try:
        assert manage("migrate", "--no-input", **env).returncode == 0
        seeded = manage("shell", "-c", SEED, **env)
        assert seeded.returncode == 0, seeded.stderr

        environment = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        sender = subprocess.Popen(
            [sys.executable, "-m", "twentytwo", "outreach_send"],
            cwd=ROOT,
            env=environment | env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while inbox.count < KILL_AFTER and time.monotonic() < deadline:
            assert sender.poll() is None, "the sender ended before it could be killed"
            time.sleep(0.005)
        sender.send_signal(signal.SIGKILL)
        sender.wait(timeout=10)
        at_kill = inbox.count
        assert KILL_AFTER <= at_kill < SUBSCRIBERS

        # The dead sender's hold runs out (two minutes in life; here, at once).
        with sqlite3.connect(database) as db:
            held = db.execute("SELECT lease_until FROM outreach_campaign").fetchone()[0]
            assert held is not None, "the killed sender held the campaign"
            db.execute("UPDATE outreach_campaign SET lease_until = '2000-01-01 00:00:00'")
        again = manage("outreach_send", **env)
        assert again.returncode == 0, again.stderr
    finally:
        controller.stop()

    assert set(inbox.ids) == {f"l{n}@example.org" for n in range(SUBSCRIBERS)}
    assert all(len(set(ids)) == 1 for ids in inbox.ids.values())
    twice = [to for to, ids in inbox.ids.items() if len(ids) > 1]
    assert len(twice) <= 1, twice
    with sqlite3.connect(database) as db:
        statuses = dict(db.execute("SELECT status, COUNT(*) FROM outreach_delivery GROUP BY 1"))
        finished = db.execute("SELECT status FROM outreach_campaign").fetchone()[0]
    assert statuses == {"sent": SUBSCRIBERS} and finished == "sent"
