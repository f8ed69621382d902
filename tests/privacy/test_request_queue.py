"""The queue of e-mailed requests: deadlines with the clock pinned, steps with their trail."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from twentytwo.privacy.deadlines import months_added, request_due_on
from twentytwo.privacy.models import DataRequest, DataRequestEvent
from twentytwo.privacy.selectors.requests import data_request_is_overdue, data_requests_overdue
from twentytwo.privacy.services import PrivacyError
from twentytwo.privacy.services.requests import (
    REQUEST_CLOSED,
    REQUEST_EMAIL_INVALID,
    REQUEST_EXTENSION_NEEDS_REASON,
    REQUEST_EXTENSION_NOT_LONGER,
    REQUEST_EXTENSION_TOO_LATE,
    REQUEST_EXTENSION_TOO_LONG,
    REQUEST_RECEIVED_IN_FUTURE,
    REQUEST_REFUSAL_NEEDS_REASON,
    REQUEST_SAME_STATUS,
    data_request_extend,
    data_request_note_add,
    data_request_receive,
    data_request_status_change,
)

D = dt.date


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        (D(2026, 11, 2), 1, D(2026, 12, 2)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2027, 8, 31), 1, D(2027, 9, 30)),
        (D(2027, 1, 31), 3, D(2027, 4, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
    ],
)
def test_a_month_ends_on_the_same_day_or_the_month_s_last_day(received, months, due):
    assert months_added(received, months) == due


def test_the_answer_is_due_a_month_after_receipt_plus_the_extension():
    assert request_due_on(received_on=D(2027, 1, 31)) == D(2027, 2, 28)
    assert request_due_on(received_on=D(2027, 1, 31), extension_months=2) == D(2027, 4, 30)


TODAY = D(2027, 2, 10)


@pytest.fixture
def pinned(monkeypatch):
    noon = dt.datetime(2027, 2, 10, 11, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: noon)
    return noon


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_superuser(username="officer", password="x")


def _receive(officer, received_on=D(2027, 1, 31), **fields):
    return data_request_receive(
        requester_email=fields.pop("email", "ada@example.com"),
        requester_name="Ada",
        kind=fields.pop("kind", DataRequest.Kind.ACCESS),
        received_on=received_on,
        by=officer,
        **fields,
    )


pytestmark = pytest.mark.django_db


def test_a_request_entered_is_due_a_month_after_receipt_with_a_trail(pinned, officer):
    request = _receive(officer)
    assert (request.due_on, request.status) == (D(2027, 2, 28), "received")
    (event,) = request.events.all()
    assert (event.action, event.to_status, event.by, event.at) == (
        "created",
        "received",
        officer,
        pinned,
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "not an address"}, REQUEST_EMAIL_INVALID),
        ({"received_on": D(2027, 2, 11)}, REQUEST_RECEIVED_IN_FUTURE),
    ],
)
def test_a_request_that_cannot_be_true_is_refused_and_nothing_is_written(
    pinned, officer, fields, message
):
    with pytest.raises(PrivacyError) as error:
        _receive(officer, **fields)
    assert str(error.value) == message
    assert not DataRequest.objects.exists()


def test_each_status_change_leaves_who_when_from_and_to(pinned, officer):
    request = _receive(officer)
    data_request_status_change(request=request, to_status="verifying", by=officer)
    data_request_status_change(
        request=request, to_status="completed", by=officer, note="Copy sent."
    )
    request.refresh_from_db()
    assert request.closed_at == pinned
    trail = [(e.action, e.from_status, e.to_status, e.note) for e in request.events.all()]
    assert trail == [
        ("created", "", "received", ""),
        ("status", "received", "verifying", ""),
        ("status", "verifying", "completed", "Copy sent."),
    ]


def test_a_closed_request_cannot_change(pinned, officer):
    request = _receive(officer)
    data_request_status_change(request=request, to_status="withdrawn", by=officer)
    with pytest.raises(PrivacyError, match=REQUEST_CLOSED):
        data_request_status_change(request=request, to_status="in_progress", by=officer)
    with pytest.raises(PrivacyError, match=REQUEST_CLOSED):
        data_request_extend(request=request, extension_months=1, reason="Many.", by=officer)
    assert request.events.count() == 2


def test_a_refusal_needs_its_reason_and_a_step_must_change_something(pinned, officer):
    request = _receive(officer)
    with pytest.raises(PrivacyError, match=REQUEST_REFUSAL_NEEDS_REASON):
        data_request_status_change(request=request, to_status="refused", by=officer, note=" ")
    with pytest.raises(PrivacyError, match=REQUEST_SAME_STATUS):
        data_request_status_change(request=request, to_status="received", by=officer)
    request.refresh_from_db()
    assert request.status == "received"
    assert request.events.count() == 1


def test_an_extension_of_two_months_moves_the_deadline_and_is_in_the_trail(pinned, officer):
    request = _receive(officer)
    request = data_request_extend(
        request=request, extension_months=2, reason="Ten years of records.", by=officer
    )
    assert (request.due_on, request.extension_months) == (D(2027, 4, 30), 2)
    event = request.events.last()
    assert (event.action, event.note) == ("extended", "Ten years of records.")


def test_an_extension_can_grow_to_two_months_and_no_further(pinned, officer):
    request = _receive(officer)
    data_request_extend(request=request, extension_months=1, reason="Complex.", by=officer)
    with pytest.raises(PrivacyError, match=REQUEST_EXTENSION_NOT_LONGER):
        data_request_extend(request=request, extension_months=1, reason="Again.", by=officer)
    with pytest.raises(PrivacyError, match=REQUEST_EXTENSION_TOO_LONG):
        data_request_extend(request=request, extension_months=3, reason="More.", by=officer)
    request = data_request_extend(
        request=request, extension_months=2, reason="Still complex.", by=officer
    )
    assert request.due_on == D(2027, 4, 30)


def test_an_extension_needs_a_reason(pinned, officer):
    request = _receive(officer)
    with pytest.raises(PrivacyError, match=REQUEST_EXTENSION_NEEDS_REASON):
        data_request_extend(request=request, extension_months=1, reason="  ", by=officer)
    request.refresh_from_db()
    assert request.due_on == D(2027, 2, 28)


def test_an_extension_is_decided_within_the_first_month_or_not_at_all(pinned, officer):
    late = _receive(officer, received_on=D(2027, 1, 9))
    with pytest.raises(PrivacyError) as error:
        data_request_extend(request=late, extension_months=1, reason="Complex.", by=officer)
    assert str(error.value) == REQUEST_EXTENSION_TOO_LATE % {"date": "2027-02-09"}
    on_the_last_day = _receive(officer, received_on=D(2027, 1, 10))
    extended = data_request_extend(
        request=on_the_last_day, extension_months=1, reason="Complex.", by=officer
    )
    assert extended.due_on == D(2027, 3, 10)


def test_only_open_requests_past_their_day_are_overdue(pinned, officer):
    past = _receive(officer, received_on=D(2027, 1, 9), email="past@example.com")
    due_today = _receive(officer, received_on=D(2027, 1, 10), email="today@example.com")
    closed = _receive(officer, received_on=D(2026, 12, 1), email="closed@example.com")
    data_request_status_change(request=closed, to_status="completed", by=officer)
    assert list(data_requests_overdue()) == [past]
    assert data_request_is_overdue(past)
    assert not data_request_is_overdue(due_today)
    closed.refresh_from_db()
    assert not data_request_is_overdue(closed)


@pytest.fixture
def staff_browser(officer):
    browser = Client()
    browser.force_login(officer)
    return browser


def test_the_queue_marks_overdue_requests(pinned, officer, staff_browser):
    _receive(officer, received_on=D(2027, 1, 9), email="past@example.com")
    _receive(officer, received_on=D(2027, 2, 1), email="fresh@example.com")
    page = staff_browser.get("/admin/privacy/datarequest/").content.decode()
    assert '<span class="privacy-overdue">2027-02-09 · overdue</span>' in page
    assert page.count("privacy-overdue") == 1
    overdue_only = staff_browser.get("/admin/privacy/datarequest/?deadline=overdue")
    assert "past@example.com" in overdue_only.content.decode()
    assert "fresh@example.com" not in overdue_only.content.decode()


def test_staff_enter_a_request_and_move_it_on_in_the_admin(pinned, officer, staff_browser):
    response = staff_browser.post(
        "/admin/privacy/datarequest/add/",
        {
            "requester_email": "noor@example.com",
            "requester_name": "Noor",
            "kind": "erasure",
            "details": "Please erase me.",
            "received_on": "2027-02-01",
        },
    )
    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.due_on == D(2027, 3, 1)
    response = staff_browser.post(
        f"/admin/privacy/datarequest/{request.pk}/status/",
        {"to_status": "in_progress", "note": "Looking."},
    )
    assert response.status_code == 302
    assert DataRequestEvent.objects.filter(request=request, to_status="in_progress").exists()


def test_a_refused_step_in_the_admin_says_why_and_changes_nothing(pinned, officer, staff_browser):
    request = _receive(officer, received_on=D(2027, 1, 5))
    response = staff_browser.post(
        f"/admin/privacy/datarequest/{request.pk}/extend/",
        {"extension_months": "2", "reason": "Complex."},
    )
    assert response.status_code == 400
    assert REQUEST_EXTENSION_TOO_LATE % {"date": "2027-02-05"} in response.content.decode()
    request.refresh_from_db()
    assert request.extension_months == 0


def test_a_future_receipt_date_is_refused_by_the_admin_form(pinned, staff_browser):
    response = staff_browser.post(
        "/admin/privacy/datarequest/add/",
        {"requester_email": "a@example.com", "kind": "access", "received_on": "2027-03-01"},
    )
    assert response.status_code == 200
    assert REQUEST_RECEIVED_IN_FUTURE in response.content.decode()
    assert not DataRequest.objects.exists()


def test_notes_join_the_trail(pinned, officer):
    request = _receive(officer)
    data_request_note_add(request=request, note="Called back.", by=officer)
    assert request.events.last().note == "Called back."
