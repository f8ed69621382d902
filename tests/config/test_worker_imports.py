"""What an app server worker loads at start: the site, not the libraries of work it rarely
or never does there. OpenDP and NumPy (partner releases, the demo's synthesis) are loaded
by the first process that needs them; the app server's memory is measured by make bench."""

import json
import os
import subprocess
import sys

from tests.support.processes import PYTHONPATH, ROOT

LOADED = """
import json, sys
from django.core.management import call_command
import twentytwo.config.wsgi as wsgi
from tests.support.wsgi import call
call_command("migrate", verbosity=0)
# Serving loads the URLconf, so every view module and what it imports.
statuses = [call(wsgi.application, path).status for path in ("/", "/api/cities", "/nowhere/")]
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & {heavy})
print(json.dumps([statuses, loaded]))
"""
# OpenDP (partners' noise), fpdf with fontTools (partners' PDF), NumPy and soundfile (the
# demo's synthesis, OpenDP, fpdf), FFmpeg's wheel: about 80 MB of a worker together.
HEAVY = ["numpy", "opendp", "soundfile", "fpdf", "fontTools", "imageio_ffmpeg", "pypdf"]


def loaded_while_serving(tmp_path) -> list:
    env = {
        **os.environ,
        "PYTHONPATH": PYTHONPATH,
        "DJANGO_SETTINGS_MODULE": "twentytwo.config.settings",
        "TWENTYTWO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TWENTYTWO_ALLOWED_HOSTS": "testserver",
        "TWENTYTWO_MANIFEST_STATIC": "false",
        "TWENTYTWO_ACCESS_LOG": "false",
    }
    done = subprocess.run(
        [sys.executable, "-c", LOADED.format(heavy=set(HEAVY))],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_serving_worker_loads_no_noise_library_pdf_writer_or_synthesis_stack(tmp_path):
    statuses, loaded = loaded_while_serving(tmp_path)
    assert statuses == [200, 200, 404]
    assert loaded == []


def test_the_noise_library_is_loaded_by_the_first_figure_noised():
    from twentytwo.partners.noise import noised

    assert noised([10, 20], sensitivity=1, epsilon=1.0) != []
    assert "opendp" in sys.modules
