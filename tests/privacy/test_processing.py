"""The record of processing (GDPR art. 30) is generated from the declarations."""

import datetime as dt
import re

import pytest
from django.test import Client

from twentytwo.privacy.declarations import declarations
from twentytwo.privacy.models import Processor
from twentytwo.privacy.processing import processing_record

pytestmark = pytest.mark.django_db


def _page() -> str:
    response = Client().get("/privacy/processing/")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_every_declared_field_is_in_the_record_once():
    page = _page()
    for declared in declarations().fields():
        assert page.count(f'data-field="{declared.label}"') == 1, declared.label


def test_the_listener_id_is_recorded_under_audience_statistics_with_its_legal_basis():
    (activity,) = [a for a in processing_record() if a.key == "audience_statistics"]
    assert activity.subjects == ["visitors' browsers (not linked to a person)"]
    assert len(activity.legal_bases) == 1
    assert "Telecommunicatiewet art. 11.7a(3)" in activity.legal_bases[0]
    assert "audience.ListenEvent: removed 90 days after server time" in activity.retention


def test_a_purpose_nothing_is_held_for_is_left_out():
    keys = [activity.key for activity in processing_record()]
    assert "sign_in" in keys
    assert len(keys) == len(set(keys))
    assert all(activity.fields for activity in processing_record())


def test_the_processors_under_contract_are_listed_and_past_ones_are_not():
    today = dt.date.today()
    Processor.objects.create(
        name="Mailhaven",
        purpose="Delivers our e-mail.",
        data_categories="e-mail addresses",
        location="Netherlands",
        contract_reference="DPA-7",
        active_from=today - dt.timedelta(days=10),
    )
    Processor.objects.create(
        name="Oldhost",
        purpose="Hosted the site.",
        data_categories="everything",
        location="Germany",
        contract_reference="DPA-1",
        active_from=today - dt.timedelta(days=400),
        active_until=today - dt.timedelta(days=30),
    )
    for page in (_page(), re.sub(r"\s+", " ", Client().get("/privacy/").content.decode())):
        assert "Mailhaven" in page
        assert "Oldhost" not in page
