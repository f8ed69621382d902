"""The retention task removes what is past its declared period, and nothing else."""

import datetime as dt
import uuid
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from twentytwo.accounts.models import AgeStatement, GuardianConfirmation
from twentytwo.audience.models import ListenEvent, RollupWatermark
from twentytwo.audience.selectors.rollups import WATERMARK
from twentytwo.privacy.declarations import declarations_load
from twentytwo.privacy.models import (
    AuditEvent,
    ConsentChoice,
    DataRequest,
    DataRequestEvent,
    LegalDisclosure,
    PolicyVersion,
)
from twentytwo.privacy.services.retention import retention_apply
from twentytwo.privacy.tasks import RETENTION_EVERY, privacy_retention_task

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


@pytest.fixture
def pinned_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


@pytest.fixture
def listener():
    user = get_user_model().objects.create_user(username="noor", email="noor@example.com")
    AgeStatement.objects.create(user=user, adult=False, stated_at=NOW - 100 * DAY)
    return user


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(username="officer", is_staff=True)


@pytest.fixture
def version():
    return PolicyVersion.objects.create(
        number=80, effective_on=dt.date(2024, 1, 1), text_en="a", text_nl="b"
    )


def _guardian_request(user, *, age, confirmed=False):
    sent = NOW - age
    return GuardianConfirmation.objects.create(
        user=user,
        guardian_email="parent@example.com",
        requested_at=sent,
        confirmed_at=sent + DAY if confirmed else None,
    )


def _session(key, *, expires):
    return Session.objects.create(session_key=key, session_data="e30", expire_date=expires)


def _choice(version, *, age):
    return ConsentChoice.objects.create(
        consent_id=uuid.uuid4(),
        method="accept_all",
        audience_statistics=True,
        advertising=True,
        policy_version=version,
        chosen_at=NOW - age,
    )


def _closed_request(staff, *, closed_ago):
    request = DataRequest.objects.create(
        requester_email="asker@example.com",
        kind="access",
        received_on=dt.date(2020, 1, 1),
        due_on=dt.date(2020, 2, 1),
        status="completed",
        closed_at=NOW - closed_ago,
        created_at=NOW - closed_ago - DAY,
        created_by=staff,
    )
    DataRequestEvent.objects.create(
        request=request, action="created", to_status="received", at=NOW, by=staff
    )
    return request


def test_each_declared_period_removes_what_is_past_it_and_keeps_the_rest(
    pinned_now, listener, staff, version
):
    stale_guardian = _guardian_request(listener, age=31 * DAY)
    fresh_guardian = _guardian_request(listener, age=29 * DAY)
    confirmed_guardian = _guardian_request(listener, age=400 * DAY, confirmed=True)
    _session("expired", expires=NOW - dt.timedelta(minutes=1))
    _session("live", expires=NOW + DAY)
    old_choice = _choice(version, age=731 * DAY)
    recent_choice = _choice(version, age=700 * DAY)
    old_request = _closed_request(staff, closed_ago=731 * DAY)
    recent_request = _closed_request(staff, closed_ago=10 * DAY)

    outcome = retention_apply()

    assert dict(outcome.removed) == {
        "accounts.GuardianConfirmation": 1,
        "sessions.Session": 1,
        "privacy.ConsentChoice": 1,
        "privacy.DataRequest": 1,
        "privacy.DataRequestEvent": 1,
    }
    assert set(GuardianConfirmation.objects.values_list("pk", flat=True)) == {
        fresh_guardian.pk,
        confirmed_guardian.pk,
    }
    assert not GuardianConfirmation.objects.filter(pk=stale_guardian.pk).exists()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    assert list(ConsentChoice.objects.values_list("pk", flat=True)) == [recent_choice.pk]
    assert not ConsentChoice.objects.filter(pk=old_choice.pk).exists()
    assert list(DataRequest.objects.values_list("pk", flat=True)) == [recent_request.pk]
    assert not DataRequestEvent.objects.filter(request_id=old_request.pk).exists()
    # Kept while the account exists: the account and its age answer are untouched.
    assert AgeStatement.objects.filter(user=listener).exists()
    assert retention_apply().removed == {}


def test_listening_events_leave_through_the_audience_app_s_own_safeguard(pinned_now, settings):
    settings.AUDIENCE_RETENTION_DAYS = 90

    def event(age):
        return ListenEvent.objects.create(
            event_id=uuid.uuid4(),
            listener=uuid.uuid4(),
            kind="ping",
            city_id=1,
            genre_id=1,
            track_id=1,
            position=0,
            server_time=NOW - age,
        )

    old, recent = event(91 * DAY), event(89 * DAY)
    # Not rolled up yet: audience keeps every event, however old.
    assert retention_apply().removed == {}
    RollupWatermark.objects.create(job=WATERMARK, processed_until=NOW - DAY)
    assert retention_apply().removed == {"audience.ListenEvent": 1}
    assert list(ListenEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not ListenEvent.objects.filter(pk=old.pk).exists()


def _module(personal_data):
    return SimpleNamespace(__name__="probe.personal_data", PERSONAL_DATA=personal_data)


def test_a_field_with_a_period_of_its_own_is_emptied_and_its_row_kept(pinned_now, staff):
    old = _closed_request(staff, closed_ago=40 * DAY)
    old.requester_name = "Ada Visser"
    old.save()
    recent = _closed_request(staff, closed_ago=5 * DAY)
    recent.requester_name = "Bram Visser"
    recent.save()
    declared = declarations_load(
        [
            _module(
                {
                    "privacy.DataRequest": {
                        "owner": None,
                        "subjects": ["requesters"],
                        "purpose": "privacy_requests",
                        "legal_basis": "legal_obligation",
                        "retention": {"kept": "for this test"},
                        "fields": {
                            "requester_name": {
                                "category": "identity",
                                "retention": {"days": 30, "after": "closed_at"},
                            }
                        },
                    }
                }
            )
        ]
    )
    outcome = retention_apply(declared=declared)
    assert outcome.cleared == {"privacy.DataRequest.requester_name": 1}
    assert outcome.removed == {}
    names = dict(DataRequest.objects.values_list("pk", "requester_name"))
    assert names == {old.pk: "", recent.pk: "Bram Visser"}


def _disclosure(staff, *, age):
    audit = AuditEvent.objects.create(
        kind="legal_disclosure", actor="staff", actor_user_id=staff.pk, occurred_at=NOW - age
    )
    return LegalDisclosure.objects.create(
        requested_by="Rechtbank Amsterdam",
        request_received_on=dt.date(2020, 1, 1),
        legal_basis="legal_obligation",
        legal_basis_detail="Order 12",
        subject_user_id=5,
        released="e-mail address",
        released_at=NOW - age,
        released_by=staff,
        audit=audit,
    )


TIMED = {
    "owner": None,
    "subjects": ["staff"],
    "purpose": "staff_accountability",
    "legal_basis": "legal_obligation",
    "retention": {"days": 1, "after": "occurred_at"},
    "fields": {"detail": "release"},
}


def test_rows_protected_by_a_register_row_going_in_the_same_run_go_after_it(pinned_now, staff):
    _disclosure(staff, age=10 * DAY)
    register = TIMED | {
        "retention": {"days": 1, "after": "released_at"},
        "fields": {"released": "release"},
    }
    declared = declarations_load(
        [_module({"privacy.AuditEvent": TIMED, "privacy.LegalDisclosure": register})]
    )
    outcome = retention_apply(declared=declared)
    assert outcome.removed == {"privacy.AuditEvent": 1, "privacy.LegalDisclosure": 1}
    assert outcome.blocked == {}


def test_rows_still_protected_are_reported_and_the_run_goes_on(pinned_now, staff):
    disclosure = _disclosure(staff, age=10 * DAY)
    _session("expired", expires=NOW - DAY)
    declared = declarations_load([_module({"privacy.AuditEvent": TIMED})])
    outcome = retention_apply(declared=declared)
    assert list(outcome.blocked) == ["privacy.AuditEvent"]
    assert LegalDisclosure.objects.filter(pk=disclosure.pk).exists()
    assert AuditEvent.objects.filter(pk=disclosure.audit_id).exists()


def test_the_command_says_what_it_removed(pinned_now, capsys):
    _session("expired", expires=NOW - DAY)
    call_command("privacy_retention")
    assert capsys.readouterr().out == "removed 1 from sessions.Session\n"
    call_command("privacy_retention")
    assert capsys.readouterr().out == "nothing was due\n"


def test_the_task_applies_retention_reports_it_and_comes_back_tomorrow(pinned_now, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _session("expired", expires=NOW - DAY)
    assert privacy_retention_task.call() == {
        "removed": {"sessions.Session": 1},
        "cleared": {},
        "blocked": {},
    }
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    assert waiting.task_path == privacy_retention_task.module_path
    assert waiting.run_after == NOW + RETENTION_EVERY


def test_scheduling_enqueues_the_chain_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("privacy_retention", "--schedule")
    call_command("privacy_retention", "--schedule")
    assert DBTaskResult.objects.filter(status="READY").count() == 1
