"""The walls of DESIGN.md section 5: audience data never meets identity.

Every field of every audience model is inspected, the source of the audience app is read
for any way to reach the user or the session, and a signed-in listener's beacon is shown to
store the same row as an anonymous one."""

import ast
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.test import Client

import twentytwo.audience
from tests.support.beacons import event, post_events, station
from twentytwo.audience.models import ListenEvent

AUDIENCE_SOURCE = Path(twentytwo.audience.__file__).parent
# A field whose name holds one of these words would be personal data, whatever it holds.
FORBIDDEN_NAME_WORDS = {"ip", "user", "users", "email", "mail", "name", "username", "address"}
# Fields reviewed and found to name no person, each with the reason.
REVIEWED_FIELDS: dict[tuple[str, str], str] = {}
FORBIDDEN_FIELD_TYPES = (models.GenericIPAddressField, models.EmailField)
FORBIDDEN_MODULES = ("twentytwo.accounts", "twentytwo.favorites")
FORBIDDEN_NAMES = {"AUTH_USER_MODEL", "get_user_model"}
FORBIDDEN_REQUEST_ATTRIBUTES = {"user", "session", "auser"}


def audience_models():
    return list(apps.get_app_config("audience").get_models())


def test_the_audience_app_has_the_listen_event_model():
    assert ListenEvent in audience_models()


@pytest.mark.parametrize("model", audience_models(), ids=lambda model: model.__name__)
def test_no_audience_field_can_hold_or_point_at_a_person(model):
    user_model = get_user_model()
    for field in model._meta.get_fields(include_hidden=True):
        words = set(field.name.lower().split("_"))
        if (model.__name__, field.name) in REVIEWED_FIELDS:
            words = set()
        assert not words & FORBIDDEN_NAME_WORDS, f"{model.__name__}.{field.name}"
        assert not isinstance(field, FORBIDDEN_FIELD_TYPES), f"{model.__name__}.{field.name}"
        if field.is_relation:
            assert field.related_model is not user_model, f"{model.__name__}.{field.name}"
            assert field.related_model._meta.app_label == "audience", (
                f"{model.__name__}.{field.name} points out of the audience app"
            )


def test_no_audience_model_is_pointed_at_by_the_user_model():
    user_model = get_user_model()
    for field in user_model._meta.get_fields(include_hidden=True):
        if field.is_relation and field.related_model is not None:
            assert field.related_model._meta.app_label != "audience", field.name


def _sources():
    return sorted(AUDIENCE_SOURCE.rglob("*.py"))


def _wall_breaches(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    breaches = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            modules = []
        breaches += [m for m in modules if m.startswith(FORBIDDEN_MODULES)]
        if isinstance(node, ast.ImportFrom):
            breaches += [a.name for a in node.names if a.name in FORBIDDEN_NAMES]
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            breaches.append(node.id)
        if isinstance(node, ast.Attribute):
            if node.attr in FORBIDDEN_NAMES:
                breaches.append(node.attr)
            if (
                node.attr in FORBIDDEN_REQUEST_ATTRIBUTES
                and isinstance(node.value, ast.Name)
                and node.value.id == "request"
            ):
                breaches.append(f"request.{node.attr}")
        if isinstance(node, ast.Constant) and node.value in FORBIDDEN_NAMES:
            breaches.append(node.value)
    return breaches


def test_the_source_is_read():
    assert AUDIENCE_SOURCE / "ingestion.py" in _sources()


@pytest.mark.parametrize(
    "path", _sources(), ids=lambda path: str(path.relative_to(AUDIENCE_SOURCE))
)
def test_audience_code_never_reaches_accounts_favorites_the_user_or_the_session(path):
    assert _wall_breaches(path) == []


def test_the_scan_finds_each_kind_of_breach(tmp_path):
    # The scanner itself must be able to fail.
    leaky = tmp_path / "leaky.py"
    leaky.write_text(
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "import twentytwo.favorites.models\n"
        "from twentytwo.accounts import selectors\n"
        "def view(request):\n"
        "    return request.user, request.session, settings.AUTH_USER_MODEL\n"
    )
    assert sorted(_wall_breaches(leaky)) == sorted(
        [
            "get_user_model",
            "twentytwo.favorites.models",
            "twentytwo.accounts",
            "request.user",
            "request.session",
            "AUTH_USER_MODEL",
        ]
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("pinned_clock")
def test_a_signed_in_listener_stores_the_same_row_as_an_anonymous_one():
    genre, track = station()
    user = get_user_model().objects.create_user(
        username="mira", email="mira@example.com", first_name="Mira"
    )
    signed_in, anonymous = Client(), Client()
    signed_in.force_login(user)
    rows = []
    for browser, listener in ((signed_in, uuid.UUID(int=7)), (anonymous, uuid.UUID(int=8))):
        sent = event(genre, track, type="ping", position=21.0)
        assert post_events(browser, [sent], listener=listener).json() == {
            "accepted": 1,
            "dropped": {},
        }
        rows.append(ListenEvent.objects.filter(listener=listener).values().get())

    def without_ids(row):
        return {k: v for k, v in row.items() if k not in {"id", "event_id", "listener"}}

    assert without_ids(rows[0]) == without_ids(rows[1])
    stored = " ".join(str(value) for row in rows for value in row.values())
    for personal in ("mira", "Mira", "mira@example.com", "127.0.0.1"):
        assert personal not in stored.split()
