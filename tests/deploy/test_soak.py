"""A short soak of the production stack (deploy/soak.py, `make soak` runs 200 listeners for
10 minutes): listeners behind one address browse, stream and send beacons while an app
worker is killed, the loader is killed and Redis is down for 20 seconds; no answer is an
error, every acknowledged event is stored, every request has its access record, and the
worker and the loader are back."""

import json
import os
import subprocess
import sys

from tests.support.deploy import PG, POSTGRES_ROUND
from tests.support.processes import PYTHONPATH, ROOT

pytestmark = POSTGRES_ROUND


def test_a_short_soak_through_three_faults_keeps_every_acknowledged_event(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWENTYTWO_")}
    env |= {"PYTHONPATH": PYTHONPATH, "DATABASE_URL": f"{PG}/twentytwo_soak"}
    figures = tmp_path / "soak.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "soak.py"), "--listeners", "30",
         "--seconds", "60", "--fault", "worker-kill", "--fault", "loader-kill",
         "--fault", "redis-stop", "--var", str(tmp_path / "var"),
         "--json", str(figures)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert figures.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(figures.read_text())
    assert result["problems"] == [], result
    assert done.returncode == 0
    assert len(result["faults"]) == 3 and result["app_processes_after"] == 3
    assert result["events_accepted_by_clients"] > 0
    assert result["events_stored"] == result["events_accepted_by_clients"]
    assert result["requests"]["stream"] > 0 and result["requests"]["beacon"] > 0
    assert result["access_records_made"] >= result["requests_sent"]
