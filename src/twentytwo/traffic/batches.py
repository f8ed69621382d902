"""A batch of hits made into day-file lines, table rows and counts, cheaply.

Most of a record follows from a few request strings that repeat from one request to the next
(the path, method, status, client address, cookie, user agent and referrer): the route, the
catalog ids, the address and its network, the listener, the browser's family. Worked out
once per such shape (records.record_shape), they are encoded once for the file and once for
the table and reused while the catalog's ids stay the same; per request only the time, the
request id, the duration and the size are formatted. The result is the same as encoding
records.access_record() field by field (a test holds the two together), at a fraction of
the cost: the site's fastest answers take a few tens of microseconds."""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from twentytwo.traffic.metrics import DURATION_BUCKETS, EVENTS_ROUTE, METHODS, OTHER_METHOD
from twentytwo.traffic.models import AccessRecord
from twentytwo.traffic.records import SHAPE_TAIL, CatalogIds, Hit, record_shape

# The table's columns in the order of every row made here.
TABLE_COLUMNS = (
    "time",
    "request_id",
    "method",
    "route",
    "path",
    "status",
    "duration_us",
    "response_bytes",
    *SHAPE_TAIL,
)
# Shapes kept at most; past this the cache starts again (a flood of distinct requests).
MAX_SHAPES = 20_000
# The latency histogram's bounds in microseconds, as records count them.
BUCKET_BOUNDS_US = tuple(round(bound * 1_000_000) for bound in DURATION_BUCKETS)


@dataclass(frozen=True, slots=True, eq=False)  # hashed by identity: one object per shape
class Shape:
    json_head: str  # '"method": …, "route": …, "path": …, "status": …, '
    json_tail: str  # '"client_ip": …, …, "referrer_host": …}\n'
    row_head: tuple
    row_tail: tuple
    route: str
    method: str  # as /metrics labels it
    status: int


@dataclass
class Batch:
    lines: dict[date, list[str]] = field(default_factory=lambda: defaultdict(list))
    # The table's rows one after the other, TABLE_COLUMNS values each: the parameters of
    # multi-row INSERT statements as they are (services.access_rows_store).
    params: list = field(default_factory=list)
    count: int = 0
    # Per shape: [requests, microseconds, bytes, per latency bucket...], for /metrics.
    tallies: dict[Shape, list[int]] = field(default_factory=dict)
    # The answers of listening beacons, which say how many events were taken and dropped.
    beacon_answers: list[bytes] = field(default_factory=list)

    def __len__(self) -> int:
        return self.count


def _json(value) -> str:
    if hasattr(value, "hex") and not isinstance(value, (str, bytes, int, float)):
        value = value.hex  # a UUID
    return json.dumps(value, ensure_ascii=False)


class BatchEncoder:
    def __init__(self, *, catalog: CatalogIds, connection) -> None:
        self.catalog = catalog
        self.connection = connection
        self._shapes: dict[tuple, Shape] = {}
        self._generation = catalog.generation
        self._seconds: dict[int, tuple[str, date, object]] = {}
        prep = {f.name: f for f in AccessRecord._meta.concrete_fields}
        self._prep = [prep[name] for name in TABLE_COLUMNS]

    def _db_value(self, name: str, value):
        return self._prep[TABLE_COLUMNS.index(name)].get_db_prep_save(value, self.connection)

    def _shape(self, hit: tuple) -> Shape:
        fields = record_shape(Hit._make(hit), catalog=self.catalog)
        head = ("method", "route", "path", "status")
        return Shape(
            json_head="".join(f'"{name}": {_json(fields[name])}, ' for name in head),
            json_tail=", ".join(f'"{name}": {_json(fields[name])}' for name in SHAPE_TAIL) + "}\n",
            row_head=tuple(fields[name] for name in head),
            row_tail=tuple(self._db_value(name, fields[name]) for name in SHAPE_TAIL),
            route=fields["route"],
            method=fields["method"] if fields["method"] in METHODS else OTHER_METHOD,
            status=fields["status"],
        )

    def _second(self, second: int) -> tuple[str, date, object]:
        known = self._seconds.get(second)
        if known is None:
            if len(self._seconds) > 4096:
                self._seconds.clear()
            moment = datetime.fromtimestamp(second, UTC)
            stored = self.connection.ops.adapt_datetimefield_value(moment)
            known = self._seconds[second] = (
                moment.strftime("%Y-%m-%dT%H:%M:%S"),
                moment.date(),
                stored,
            )
        return known

    def encode(self, hits: list[tuple]) -> Batch:
        """Encode hits given as tuples of records.Hit's fields, as the spool holds them."""
        if self._generation != self.catalog.generation or len(self._shapes) > MAX_SHAPES:
            self._shapes.clear()
            self._generation = self.catalog.generation
        batch = Batch()
        shapes, tallies = self._shapes, batch.tallies
        lines, params = batch.lines, batch.params
        empty_tally = [0] * (3 + len(BUCKET_BOUNDS_US) + 1)
        last_second, text, stored, stored_is_text = None, "", None, False
        day_lines: list[str] = []
        for hit in hits:
            key = hit[3:6] + hit[7:13]  # method, path, status, addresses, cookie, agent, …
            shape = shapes.get(key)
            if shape is None:
                shape = self._shape(hit)
                # Working out a shape may read the catalog, which may bring new ids.
                if self._generation != self.catalog.generation:
                    shapes.clear()
                    self._generation = self.catalog.generation
                shapes[key] = shape
            started, duration, request_id, size = hit[0], hit[1], hit[2], hit[6]
            second, microsecond = divmod(started, 1_000_000)
            if second != last_second:  # hits come mostly in order of time
                text, day, stored = self._second(second)
                stored_is_text = isinstance(stored, str)
                day_lines = lines[day]
                last_second = second
            fraction = f"{microsecond:06d}"
            day_lines.append(
                # Request ids are made here or checked to be plain (request_ids.py): no
                # character in them needs escaping.
                f'{{"time": "{text}.{fraction}Z", "request_id": "{request_id}", '
                f'{shape.json_head}"duration_us": {duration}, "response_bytes": {size}, '
                f"{shape.json_tail}"
            )
            # The database's value of the whole second (text on SQLite), microseconds put in.
            params += (
                f"{stored}.{fraction}"
                if stored_is_text
                else stored.replace(microsecond=microsecond),
                request_id,
                *shape.row_head,
                duration,
                size,
                *shape.row_tail,
            )
            tally = tallies.get(shape)
            if tally is None:
                tally = tallies[shape] = empty_tally.copy()
            tally[0] += 1
            tally[1] += duration
            tally[2] += size
            tally[3 + bisect_left(BUCKET_BOUNDS_US, duration)] += 1
            if hit[13] is not None and shape.route == EVENTS_ROUTE and shape.status == 200:
                batch.beacon_answers.append(hit[13])
        batch.count = len(hits)
        return batch
