"""Every field that holds personal data is declared (DESIGN.md 5.4), and the declarations
say only what can be true of the models."""

import ast
import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from twentytwo.privacy import checks as privacy_checks
from twentytwo.privacy.declarations import DeclarationError, declarations, declarations_load
from twentytwo.privacy.detection import personal_looking_fields, undeclared_personal_fields


def test_every_field_that_looks_personal_is_declared_or_excused_with_a_reason():
    assert undeclared_personal_fields(declarations()) == []


def test_the_declarations_cover_every_app_that_holds_personal_data():
    declared_apps = {label.split(".")[0] for label in declarations().models}
    assert declared_apps >= {
        "auth",
        "sessions",
        "account",
        "socialaccount",
        "accounts",
        "favorites",
        "catalog",
        "audience",
        "privacy",
        "admin",
    }


@isolate_apps("tests.privacy")
def test_a_traffic_log_nobody_declared_is_caught():
    class AccessLog(models.Model):  # noqa: DJ008
        client_ip = models.GenericIPAddressField()
        listener = models.UUIDField(null=True)
        user_agent = models.CharField(max_length=300)
        referrer_host = models.CharField(max_length=200)
        path = models.CharField(max_length=200)
        status = models.PositiveSmallIntegerField()

        class Meta:
            app_label = "traffic"

    assert undeclared_personal_fields(declarations(), [AccessLog]) == [
        "traffic.AccessLog.client_ip",
        "traffic.AccessLog.listener",
        "traffic.AccessLog.user_agent",
        "traffic.AccessLog.referrer_host",
    ]


@isolate_apps("tests.privacy")
def test_links_to_accounts_free_text_and_addresses_are_caught_whatever_their_names():
    class Review(models.Model):  # noqa: DJ008
        owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
        fans = models.ManyToManyField("auth.User", related_name="+")
        words = models.TextField()
        extra = models.JSONField()
        reach = models.EmailField()
        position = models.IntegerField()

        class Meta:
            app_label = "reviews"

    assert [name for _label, name in personal_looking_fields([Review])] == [
        "owner",
        "words",
        "extra",
        "reach",
        "fans",
    ]


def _personal_data_paths():
    paths = []
    for app_config in apps.get_app_configs():
        spec = importlib.util.find_spec(f"{app_config.name}.personal_data")
        if spec is not None:
            paths.append(Path(spec.origin))
    return paths


def test_each_app_declares_in_its_own_module():
    names = {path.parent.name for path in _personal_data_paths()}
    assert names == {
        "accounts",
        "favorites",
        "catalog",
        "audience",
        "privacy",
        "traffic",
        "partners",
        "outreach",
    }


@pytest.mark.parametrize("path", _personal_data_paths(), ids=lambda path: path.parent.name)
def test_a_declaration_module_imports_nothing(path):
    # Declaring data must not tie an app to privacy: audience may not import it at all.
    tree = ast.parse(path.read_text())
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert imports == []


def test_the_listener_id_is_declared_as_an_online_identifier_under_the_analytics_cookie_rule():
    listener = declarations().models["audience.ListenEvent"].fields["listener"]
    assert listener.category == "online_identifier"
    assert listener.legal_basis == "analytics_cookie"
    assert declarations().models["audience.ListenEvent"].owner is None


@pytest.mark.django_db
def test_every_owner_lookup_finds_rows_of_an_account():
    for declaration in declarations().models.values():
        if declaration.owner is not None:
            queryset = declaration.model._default_manager.filter(**{declaration.owner: 1})
            assert not queryset.exists(), declaration.label


GOOD = {
    "owner": "user",
    "subjects": ["listeners"],
    "purpose": "favorites",
    "legal_basis": "contract",
    "retention": {"while": "account"},
    "fields": {"user": "online_identifier"},
}


def _load(personal_data=None, not_personal=None, *more):
    modules = [
        SimpleNamespace(
            __name__="probe.personal_data",
            PERSONAL_DATA=personal_data or {},
            NOT_PERSONAL=not_personal or {},
        ),
        *more,
    ]
    return declarations_load(modules)


def test_a_good_declaration_loads_with_the_model_defaults_on_each_field():
    declared = _load({"favorites.Favorite": GOOD})
    (field,) = declared.fields()
    assert (field.label, field.category, field.purpose, field.legal_basis) == (
        "favorites.Favorite.user",
        "online_identifier",
        "favorites",
        "contract",
    )
    assert [rule.describe() for rule in field.retention] == [
        "kept while the account exists; erased with it"
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"fields": {"user": "favourite colour"}}, "unknown category 'favourite colour'"),
        ({"fields": {"nickname": "identity"}}, "favorites.Favorite.nickname: no such field"),
        ({"purpose": "fun"}, "unknown purpose 'fun'"),
        ({"legal_basis": "because"}, "unknown legal basis 'because'"),
        ({"subjects": ["cats"]}, "unknown subject 'cats'"),
        ({"retention": {"days": 30}}, 'a period needs "after"'),
        ({"retention": {"days": 30, "after": "added_on"}}, "no field path 'added_on'"),
        ({"retention": {"days": -1, "after": "created_at"}}, '"days" is a whole number'),
        ({"retention": {"kept": " "}}, '"kept" needs the reason'),
        ({"retention": {"while": "account", "kept": "x"}}, "say exactly one of"),
        ({"retention": {"days_setting": "NO_SUCH", "after": "created_at"}}, "no setting"),
        ({"owner": "listener"}, "no field path 'listener'"),
        ({"fields": {}}, "declares no fields"),
        ({"colour": "red"}, "unknown keys ['colour']"),
    ],
)
def test_a_declaration_that_cannot_be_true_is_refused_with_the_reason(change, message):
    with pytest.raises(DeclarationError) as error:
        _load({"favorites.Favorite": GOOD | change})
    assert message in str(error.value)


def test_a_field_without_any_retention_is_refused():
    without = {k: v for k, v in GOOD.items() if k != "retention"}
    with pytest.raises(DeclarationError, match="no retention"):
        _load({"favorites.Favorite": without})


def test_a_model_declared_by_two_apps_is_refused():
    other = SimpleNamespace(
        __name__="other.personal_data", PERSONAL_DATA={"favorites.Favorite": GOOD}
    )
    with pytest.raises(DeclarationError, match=r"is declared in probe\.personal_data"):
        _load({"favorites.Favorite": GOOD}, None, other)


def test_a_field_both_declared_and_excused_is_refused():
    with pytest.raises(DeclarationError, match="both declared personal and listed"):
        _load({"favorites.Favorite": GOOD}, {"favorites.Favorite.user": "not really"})


@pytest.mark.parametrize(
    ("excused", "message"),
    [({"catalog.City.mayor": "x"}, "no such field"), ({"catalog.City.name": ""}, "reason")],
)
def test_an_exception_names_a_real_field_and_a_reason(excused, message):
    with pytest.raises(DeclarationError, match=message):
        _load({}, excused)


def test_manage_py_check_reports_a_broken_declaration(monkeypatch):
    assert privacy_checks.personal_data_declared() == []
    broken = SimpleNamespace(
        __name__="broken.personal_data",
        PERSONAL_DATA={"favorites.Favorite": GOOD | {"purpose": "fun"}},
    )
    monkeypatch.setattr(privacy_checks, "declarations_load", lambda: declarations_load([broken]))
    (error,) = privacy_checks.personal_data_declared()
    assert isinstance(error, checks.Error)
    assert error.id == "privacy.E001"
