from datetime import date

import pytest

from twentytwo.audience.periods import DAY, MONTH, WEEK, periods


def spans(first, last, step):
    return [(p.name, p.first.isoformat(), p.last.isoformat()) for p in periods(first, last, step)]


def test_days_are_one_each():
    assert spans(date(2026, 2, 27), date(2026, 3, 1), DAY) == [
        ("2026-02-27", "2026-02-27", "2026-02-27"),
        ("2026-02-28", "2026-02-28", "2026-02-28"),
        ("2026-03-01", "2026-03-01", "2026-03-01"),
    ]


def test_weeks_run_monday_to_sunday_and_are_cut_at_both_ends():
    # 2026-03-04 is a Wednesday; 2026-03-17 a Tuesday.
    assert spans(date(2026, 3, 4), date(2026, 3, 17), WEEK) == [
        ("2026-W10", "2026-03-04", "2026-03-08"),
        ("2026-W11", "2026-03-09", "2026-03-15"),
        ("2026-W12", "2026-03-16", "2026-03-17"),
    ]


def test_an_iso_week_keeps_its_own_year_across_new_year():
    assert spans(date(2026, 12, 30), date(2027, 1, 4), WEEK) == [
        ("2026-W53", "2026-12-30", "2027-01-03"),
        ("2027-W01", "2027-01-04", "2027-01-04"),
    ]


def test_months_are_calendar_months_across_a_year_end():
    assert spans(date(2025, 11, 15), date(2026, 2, 10), MONTH) == [
        ("2025-11", "2025-11-15", "2025-11-30"),
        ("2025-12", "2025-12-01", "2025-12-31"),
        ("2026-01", "2026-01-01", "2026-01-31"),
        ("2026-02", "2026-02-01", "2026-02-10"),
    ]


def test_an_unknown_step_is_refused():
    with pytest.raises(ValueError, match="fortnight"):
        periods(date(2026, 1, 1), date(2026, 1, 2), "fortnight")
