"""Byte ranges as RFC 9110 defines them (sections 13.1.5 and 14).

`range_header_parse` turns a Range header into what a response must send: the whole
representation (200), some ranges of it (206) or nothing (416). It never raises: the RFC
tells a server to ignore a Range header it cannot make sense of, so any malformed input
becomes "send the whole thing"."""

import enum
import re
from dataclasses import dataclass

from django.utils.http import parse_http_date_safe

# Media players send one short range; a header past this length is not from one, and
# ignoring it also keeps the digit strings far below Python's int conversion limit.
RANGE_HEADER_MAX_LENGTH = 1024
# More ranges than this in one request are ignored (answered with the whole file), as
# RFC 9110 section 14.2 allows: many small ranges are a known denial-of-service pattern.
RANGE_SPECS_MAX = 16

_INT_RANGE = re.compile(r"([0-9]+)-([0-9]*)")
_SUFFIX_RANGE = re.compile(r"-([0-9]+)")


@dataclass(frozen=True, slots=True)
class ByteRange:
    """Bytes `start` to `end` of a representation, both included, as Content-Range writes them."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        """Return the Content-Range header value for this range of `size` bytes."""
        return f"bytes {self.start}-{self.end}/{size}"


class RangeOutcome(enum.Enum):
    WHOLE = "whole"  # 200: no Range header, or one to ignore
    PARTIAL = "partial"  # 206: send `ranges`
    UNSATISFIABLE = "unsatisfiable"  # 416 with Content-Range: bytes */size


@dataclass(frozen=True, slots=True)
class RangeRequest:
    """What a Range header asks of a representation: one outcome and, if partial, the ranges."""

    outcome: RangeOutcome
    ranges: tuple[ByteRange, ...] = ()


WHOLE = RangeRequest(RangeOutcome.WHOLE)
UNSATISFIABLE = RangeRequest(RangeOutcome.UNSATISFIABLE)


def range_header_parse(header: str | None, *, size: int) -> RangeRequest:
    """Return what the Range `header` asks of a representation of `size` bytes.

    Ranges come back sorted, with overlapping and adjacent ones merged (RFC 9110 section
    14.2 lets a server coalesce them), so a `bytes=0-99,50-149` request is one range."""
    if not header or len(header) > RANGE_HEADER_MAX_LENGTH:
        return WHOLE
    unit, equals, range_set = header.strip().partition("=")
    # Range units are case-insensitive (section 14.1); any other unit is ignored (14.2).
    if not equals or unit.lower() != "bytes":
        return WHOLE
    # A list may hold empty elements that a recipient must skip (section 5.6.1).
    specs = [spec.strip() for spec in range_set.split(",") if spec.strip()]
    if not specs or len(specs) > RANGE_SPECS_MAX:
        return WHOLE

    ranges: list[ByteRange] = []
    suffix_asked = False
    for spec in specs:
        if match := _INT_RANGE.fullmatch(spec):
            first = int(match[1])
            last = int(match[2]) if match[2] else None
            if last is not None and last < first:
                return WHOLE  # an invalid int-range makes the whole header invalid
            if first < size:
                ranges.append(ByteRange(first, size - 1 if last is None else min(last, size - 1)))
        elif match := _SUFFIX_RANGE.fullmatch(spec):
            suffix = int(match[1])
            suffix_asked = suffix_asked or suffix > 0
            if suffix > 0 and size > 0:
                ranges.append(ByteRange(max(size - suffix, 0), size - 1))
        else:
            return WHOLE

    if not ranges:
        # For an empty representation a non-zero suffix is satisfiable (section 14.1.3) but
        # has no bytes to show in a Content-Range, so the answer is the whole (empty) body.
        return WHOLE if size == 0 and suffix_asked else UNSATISFIABLE
    return RangeRequest(RangeOutcome.PARTIAL, _coalesce(ranges))


def _coalesce(ranges: list[ByteRange]) -> tuple[ByteRange, ...]:
    merged: list[ByteRange] = []
    for byte_range in sorted(ranges, key=lambda r: r.start):
        if merged and byte_range.start <= merged[-1].end + 1:
            last = merged[-1]
            merged[-1] = ByteRange(last.start, max(last.end, byte_range.end))
        else:
            merged.append(byte_range)
    return tuple(merged)


def if_range_matches(header: str, *, etag: str, last_modified: int) -> bool:
    """Return whether an If-Range `header` still names the representation (section 13.1.5).

    An entity tag must match `etag` by strong comparison, so a weak tag never matches; a
    date must equal `last_modified` (seconds since the epoch) exactly. Anything else,
    including an unparseable value, does not match and the whole representation is sent."""
    value = header.strip()
    if value.startswith(('"', "W/")):
        return not value.startswith("W/") and value == etag
    return parse_http_date_safe(value) == last_modified
