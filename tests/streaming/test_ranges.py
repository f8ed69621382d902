import pytest
from django.utils.http import http_date

from twentytwo.streaming.ranges import (
    RANGE_HEADER_MAX_LENGTH,
    RANGE_SPECS_MAX,
    ByteRange,
    RangeOutcome,
    if_range_matches,
    range_header_parse,
)

SIZE = 1000
WHOLE = (RangeOutcome.WHOLE, ())
UNSATISFIABLE = (RangeOutcome.UNSATISFIABLE, ())


def partial(*ranges: tuple[int, int]) -> tuple[RangeOutcome, tuple[ByteRange, ...]]:
    return RangeOutcome.PARTIAL, tuple(ByteRange(start, end) for start, end in ranges)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # no header, or one the RFC says to ignore
        (None, WHOLE),
        ("", WHOLE),
        ("bytes=", WHOLE),
        ("bytes=,", WHOLE),
        ("bytes", WHOLE),
        ("bytes=abc", WHOLE),
        ("bytes=5-2", WHOLE),
        ("bytes=0-1,5-2", WHOLE),
        ("bytes=1.5-2", WHOLE),
        ("bytes=--5", WHOLE),
        ("bytes=-", WHOLE),
        ("bytes=0--1", WHOLE),
        ("bytes=+1-2", WHOLE),
        ("bytes = 0-1", WHOLE),
        ("bytes=0 - 1", WHOLE),
        ("bytes=٠-١", WHOLE),  # Arabic-Indic digits are not DIGIT
        ("items=0-1", WHOLE),
        ("none", WHOLE),
        ("0-1", WHOLE),
        # first-pos only: Chromium's seek
        ("bytes=0-", partial((0, 999))),
        ("bytes=100-", partial((100, 999))),
        ("bytes=999-", partial((999, 999))),
        # closed ranges
        ("bytes=0-0", partial((0, 0))),
        ("bytes=0-499", partial((0, 499))),
        ("bytes=500-999", partial((500, 999))),
        ("bytes=10-10", partial((10, 10))),
        # last-pos past the end is clamped
        ("bytes=500-5000", partial((500, 999))),
        ("bytes=0-99999999999999999999999999", partial((0, 999))),
        # suffix ranges
        ("bytes=-500", partial((500, 999))),
        ("bytes=-1", partial((999, 999))),
        ("bytes=-1000", partial((0, 999))),
        ("bytes=-5000", partial((0, 999))),
        ("bytes=-99999999999999999999999999", partial((0, 999))),
        # nothing satisfiable
        ("bytes=1000-", UNSATISFIABLE),
        ("bytes=1000-1000", UNSATISFIABLE),
        ("bytes=5000-6000", UNSATISFIABLE),
        ("bytes=99999999999999999999999999-", UNSATISFIABLE),
        ("bytes=-0", UNSATISFIABLE),
        ("bytes=1000-,-0", UNSATISFIABLE),
        # unit and list syntax
        ("BYTES=0-1", partial((0, 1))),
        ("Bytes=0-1", partial((0, 1))),
        ("bytes=0-1, ,", partial((0, 1))),
        ("bytes= 0-1 ", partial((0, 1))),
        ("bytes=0000-0001", partial((0, 1))),
        # several ranges: sorted, overlapping and adjacent ones merged, unsatisfiable dropped
        ("bytes=0-1,5-9", partial((0, 1), (5, 9))),
        ("bytes=5-9,0-1", partial((0, 1), (5, 9))),
        ("bytes=0-1, 5-9", partial((0, 1), (5, 9))),
        ("bytes=0-499,250-749", partial((0, 749))),
        ("bytes=0-9,10-19", partial((0, 19))),
        ("bytes=0-0,0-0,0-0", partial((0, 0))),
        ("bytes=0-,-500", partial((0, 999))),
        ("bytes=0-1,-2", partial((0, 1), (998, 999))),
        ("bytes=0-1,2000-3000", partial((0, 1))),
        ("bytes=-0,0-1", partial((0, 1))),
    ],
)
def test_range_header_gives_the_outcome_rfc_9110_asks_for(header, expected):
    result = range_header_parse(header, size=SIZE)

    assert (result.outcome, result.ranges) == expected


def test_range_header_past_the_length_limit_is_ignored():
    header = "bytes=0-1," + "2-3," * RANGE_HEADER_MAX_LENGTH

    assert range_header_parse(header, size=SIZE).outcome is RangeOutcome.WHOLE


def test_too_many_ranges_are_ignored():
    many = ",".join(f"{n * 10}-{n * 10 + 1}" for n in range(RANGE_SPECS_MAX + 1))
    allowed = ",".join(f"{n * 10}-{n * 10 + 1}" for n in range(RANGE_SPECS_MAX))

    assert range_header_parse(f"bytes={many}", size=SIZE).outcome is RangeOutcome.WHOLE
    assert len(range_header_parse(f"bytes={allowed}", size=SIZE).ranges) == RANGE_SPECS_MAX


def test_number_longer_than_python_converts_by_default_is_handled():
    header = "bytes=0-" + "9" * (RANGE_HEADER_MAX_LENGTH - len("bytes=0-"))

    assert range_header_parse(header, size=SIZE).ranges == (ByteRange(0, 999),)


@pytest.mark.parametrize(
    ("header", "outcome"),
    [
        ("bytes=0-", RangeOutcome.UNSATISFIABLE),
        ("bytes=-0", RangeOutcome.UNSATISFIABLE),
        ("bytes=-10", RangeOutcome.WHOLE),
    ],
)
def test_empty_file_has_no_byte_to_send(header, outcome):
    assert range_header_parse(header, size=0).outcome is outcome


def test_byte_range_writes_its_content_range():
    assert ByteRange(100, 199).content_range(1000) == "bytes 100-199/1000"
    assert ByteRange(100, 199).length == 100


ETAG = '"0123abcd"'
MODIFIED = 1_700_000_000


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        ('"0123abcd"', True),
        (' "0123abcd" ', True),
        ('W/"0123abcd"', False),  # If-Range needs strong comparison
        ('"other"', False),
        ('"0123abcd", "other"', False),
        ("*", False),
        (http_date(MODIFIED), True),
        (http_date(MODIFIED + 1), False),
        (http_date(MODIFIED - 1), False),
        ("Tuesday, 14-Nov-23 22:13:20 GMT", True),  # RFC 850 form of the same moment
        ("yesterday", False),
        ("", False),
    ],
)
def test_if_range_matches_only_the_current_representation(header, matches):
    assert if_range_matches(header, etag=ETAG, last_modified=MODIFIED) is matches
