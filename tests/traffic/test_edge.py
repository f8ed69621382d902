"""The stream requests nginx answers itself reach the access log: each finished 10-second
file of the edge folder becomes records like any other (address, listener cookie or its
refusal, the track), and the file is removed; a slice still being written waits."""

import json
import time
import uuid

import pytest

from tests.support.factories import track_create
from twentytwo.streaming.signing import stream_url
from twentytwo.traffic.edge import SLICE_SECONDS, edge_files_spool, edge_hit
from twentytwo.traffic.loader import AccessLogLoader
from twentytwo.traffic.metrics import Counters
from twentytwo.traffic.models import AccessRecord
from twentytwo.traffic.spool import spool_files

pytestmark = pytest.mark.django_db
LISTENER = uuid.UUID(int=0xAB)


def line(path, **fields) -> str:
    ended = fields.pop("t", time.time() - 3 * SLICE_SECONDS)
    return json.dumps(
        {"t": f"{ended:.3f}", "d": "0.004", "id": uuid.uuid4().hex, "m": "GET", "p": path,
         "s": "206", "b": "1000", "a": "198.51.100.7", "l": "", "c": "", "ua": "Mozilla/5.0 "
         "Firefox/140.0", "r": "", "g": ""} | fields
    )  # fmt: skip


@pytest.fixture
def folders(tmp_path):
    return tmp_path / "edge", tmp_path / "spool", tmp_path / "log"


def slice_file(edge, moment, lines):
    edge.mkdir(parents=True, exist_ok=True)
    path = edge / f"requests-{int(moment) // SLICE_SECONDS}.jsonl"
    path.write_text("".join(text + "\n" for text in lines))
    return path


def test_a_finished_slice_becomes_access_records_and_is_removed(folders):
    edge, spool, log = folders
    track = track_create(seconds=2.0)
    path = stream_url(track.pk, audio=track.audio)
    past = time.time() - 3 * SLICE_SECONDS
    finished = slice_file(edge, past, [
        line(path, l=LISTENER.hex),
        line(path, l=LISTENER.hex, g="1", a="2001:db8::5"),  # Global Privacy Control
        "not a request",
    ])  # fmt: skip
    current = slice_file(edge, time.time(), [line(path, t=time.time())])
    loader = AccessLogLoader(
        spool_directory=spool, directory=log, counters=Counters(), edge_directory=edge
    )

    loader.load()

    records = list(AccessRecord.objects.order_by("id"))
    assert [(r.route, r.status, r.track_id, r.response_bytes) for r in records] == [
        ("streaming:track", 206, track.pk, 1000)
    ] * 2
    assert records[0].listener == LISTENER and records[0].client_ip == "198.51.100.7"
    assert records[1].listener is None and records[1].client_ip == "2001:db8::5"
    assert records[0].user_agent_family == "Firefox"
    assert not finished.exists()
    assert current.exists()  # nginx may still be writing it
    assert spool_files(spool) == []


def test_spooling_a_slice_again_after_a_crash_replaces_its_spool_file(folders):
    edge, spool, _log = folders
    past = time.time() - 3 * SLICE_SECONDS
    lines = [line("/stream/1-2-3.x.mp3")]
    slice_file(edge, past, lines)
    assert edge_files_spool(edge, spool) == 1
    slice_file(edge, past, lines)  # the crash came before the file was removed
    assert edge_files_spool(edge, spool) == 1
    assert len(spool_files(spool)) == 1


@pytest.mark.parametrize(
    "text", [b"", b"[]", b'{"p": "/x"}', b'{"m": "GET"}', b"\xff\xfe", b'{"m": 1, "p": 2}']
)
def test_a_line_that_is_not_a_request_is_left_out(text):
    assert edge_hit(text) is None
