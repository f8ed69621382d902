"""A campaign to 10,000 subscribers into a real SMTP server on loopback.

    python bench/outreach.py                      # 10,000 subscribers
    BENCH_OUTREACH_SUBSCRIBERS=2000 python bench/outreach.py

In a throwaway SQLite database under a temporary var dir: that many adult listeners, each
with a confirmed opt-in to specials and a subscriber row, a tenth of them in one city.
aiosmtpd listens on 127.0.0.1 in this process and counts what arrives. Measured:

- baseline: Django's SMTP backend sending as many ready-made messages of the same size over
  one connection, in this process: what the wire and the server cost;
- campaign to a tenth, and to all: `python -m twentytwo outreach_send` timed as a
  subprocess (making each message with its own unsubscribe link, checking each recipient's
  choice in force, recording each delivery), with its peak RSS from `os.wait4`: memory
  flat in the number of recipients means the two peaks are about the same.

Prints one JSON line per measurement and checks that every subscriber got exactly one
message of each campaign meant for them."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
TARGET_SECONDS = 60.0
CAMPAIGN_ALL = "campaign to every subscriber"
CAMPAIGN_TENTH = "campaign to a tenth"
BASELINE = "Django SMTP backend, ready-made messages"


class Inbox:
    def __init__(self) -> None:
        self.to: Counter = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            for address in envelope.rcpt_tos:
                self.to[address] += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup(var_dir: Path, subscribers: int) -> dict:
    os.environ["TWENTYTWO_VAR_DIR"] = str(var_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twentytwo.config.settings")
    os.environ["TWENTYTWO_LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from twentytwo.accounts.models import AgeStatement
    from twentytwo.catalog.models import City
    from twentytwo.outreach.models import Campaign, Subscriber
    from twentytwo.privacy.models import MarketingChoice
    from twentytwo.privacy.selectors.policy import policy_in_force

    now = timezone.now()
    policy = policy_in_force()
    city = City.objects.create(slug="bench", name="Bench", country="NL")
    # The others chose another city: a subscriber with no city gets every city's mail.
    elsewhere = City.objects.create(slug="elsewhere", name="Elsewhere", country="NL")
    User = get_user_model()
    User.objects.bulk_create(
        [User(username=f"s{i}", email=f"s{i}@example.org") for i in range(subscribers)],
        batch_size=2000,
    )
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))
    AgeStatement.objects.bulk_create(
        [AgeStatement(user_id=u, adult=True, stated_at=now) for u in users], batch_size=2000
    )
    MarketingChoice.objects.bulk_create(
        [
            MarketingChoice(
                user_id=u,
                purpose="specials",
                subscribed=True,
                method="confirmed",
                policy_version=policy,
                chosen_at=now,
            )
            for u in users
        ],
        batch_size=2000,
    )
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                user_id=u,
                email=f"s{i}@example.org",
                language="nl" if i % 2 else "en",
                city=city if i % 10 == 0 else elsewhere,
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    body = "This winter, two tickets for the night of the city.\n" * 6
    fields = {
        "purpose": "specials",
        "subject_en": "Winter night",
        "body_en": body,
        "subject_nl": "Winternacht",
        "body_nl": body,
    }
    tenth = Campaign.objects.create(name="tenth", **fields)
    tenth.cities.set([city])
    every = Campaign.objects.create(name="every", **fields)
    return {"tenth": tenth.pk, "every": every.pk, "recipients_tenth": len(users) // 10}


def _campaign_measure(var_dir: Path, port: int, campaign_id: int) -> tuple[float, int]:
    from django.utils import timezone

    from twentytwo.outreach.models import Campaign

    Campaign.objects.filter(pk=campaign_id).update(status="scheduled", send_at=timezone.now())
    env = {
        **os.environ,
        "TWENTYTWO_VAR_DIR": str(var_dir),
        "TWENTYTWO_EMAIL_HOST": "127.0.0.1",
        "TWENTYTWO_EMAIL_PORT": str(port),
        "TWENTYTWO_EMAIL_USE_TLS": "false",
        "TWENTYTWO_LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "twentytwo", "outreach_send"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"outreach_send failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss * 1024


def _baseline(port: int, count: int) -> float:
    from django.conf import settings
    from django.core import mail
    from django.core.mail import EmailMultiAlternatives

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False},
        }
    }
    text = "This winter, two tickets for the night of the city.\n" * 8
    messages = []
    for i in range(count):
        m = EmailMultiAlternatives("Winter night", text, to=[f"baseline{i}@example.org"])
        m.attach_alternative(f"<p>{text}</p>", "text/html")
        messages.append(m)
    started = time.perf_counter()
    with mail.mailers.default as connection:
        for m in messages:
            connection.send_messages([m])
    return time.perf_counter() - started


def line(measure: str, seconds: float, messages: int, baseline: float | None, **more) -> dict:
    figures = {
        "measure": measure,
        "messages": messages,
        "seconds": round(seconds, 2),
        "messages_per_s": round(messages / seconds),
        **({"vs_baseline": round(seconds / baseline, 2)} if baseline else {}),
        **more,
    }
    print(json.dumps(figures), flush=True)
    return figures


def outreach_run(workdir: Path) -> list[dict]:
    """Run this benchmark in a process of its own (for bench/run.py); return its lines."""
    print("measuring a campaign to 10,000 subscribers...", flush=True)
    import report

    return report.script_lines(Path(__file__).resolve(), env={"TMPDIR": str(workdir)})


def verdicts(lines: list[dict]) -> list:
    import report

    measured = {figures["measure"]: figures for figures in lines if "measure" in figures}
    every, tenth = measured.get(CAMPAIGN_ALL, {}), measured.get(CAMPAIGN_TENTH, {})
    return [
        report.Verdict(CAMPAIGN_ALL, every.get("seconds"), " s", TARGET_SECONDS,
                       higher_is_better=False),
        report.Verdict(f"{CAMPAIGN_ALL}, peak RSS", every.get("peak_rss_mb"), " MB",
                       tenth.get("peak_rss_mb") and tenth["peak_rss_mb"] * 1.2,
                       higher_is_better=False),
    ]  # fmt: skip


def main() -> None:
    from aiosmtpd.controller import Controller

    count = int(os.environ.get("BENCH_OUTREACH_SUBSCRIBERS", "10000"))
    with tempfile.TemporaryDirectory(prefix="bench-outreach-") as folder:
        var_dir = Path(folder)
        started = time.perf_counter()
        ids = _setup(var_dir, count)
        print(
            json.dumps({"subscribers": count, "setup_s": round(time.perf_counter() - started, 1)})
        )
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
        controller.start()
        try:
            baseline = _baseline(controller.port, count)
            line(BASELINE, baseline, count, None)
            seconds, rss = _campaign_measure(var_dir, controller.port, ids["tenth"])
            tenth = ids["recipients_tenth"]
            line(CAMPAIGN_TENTH, seconds, tenth, baseline * tenth / count,
                 peak_rss_mb=round(rss / 2**20))  # fmt: skip
            seconds, rss = _campaign_measure(var_dir, controller.port, ids["every"])
            line(CAMPAIGN_ALL, seconds, count, baseline, peak_rss_mb=round(rss / 2**20),
                 target_s=TARGET_SECONDS)  # fmt: skip
        finally:
            controller.stop()
        got = Counter(n for address, n in inbox.to.items() if not address.startswith("baseline"))
        tenth = len(range(0, count, 10))
        expected = {1: count - tenth, 2: tenth}  # the tenth got both campaigns
        if dict(got) != expected:
            raise SystemExit(f"messages per subscriber {dict(got)}, expected {expected}")
        print(json.dumps({"each_subscriber_got_each_message_once": True}))


if __name__ == "__main__":
    main()
