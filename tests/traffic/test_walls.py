"""Wall 3 of DESIGN.md section 5: traffic logs are for operations, and nothing joins them to
accounts. No traffic model can hold or point at a person, and the code that makes records
reads neither the user, the session nor the accounts app."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

import twentytwo.traffic

TRAFFIC_SOURCE = Path(twentytwo.traffic.__file__).parent
# The modules that make and keep records. The views check is_staff for the dashboard and
# /metrics, which is access control, not data.
RECORD_MODULES = (
    "access_log.py",
    "batches.py",
    "edge.py",
    "files.py",
    "loader.py",
    "metrics.py",
    "models.py",
    "personal_data.py",
    "records.py",
    "request_ids.py",
    "selectors/catalog.py",
    "selectors/hours.py",
    "services/records.py",
    "services/retention.py",
    "services/rollups.py",
    "spool.py",
    "writer.py",
)
FORBIDDEN_FIELD_WORDS = {"user", "users", "email", "mail", "name", "username", "session"}
# Reviewed: the heartbeat's name is the task's, not a person's; the user agent's family is
# a browser's ("Firefox"), never the User-Agent itself.
REVIEWED_FIELDS = {("WorkerHeartbeat", "name"), ("AccessRecord", "user_agent_family")}
FORBIDDEN_MODULES = ("twentytwo.accounts", "twentytwo.favorites", "django.contrib.auth")
FORBIDDEN_NAMES = {"AUTH_USER_MODEL", "get_user_model", "user", "session", "auser"}


def traffic_models():
    return list(apps.get_app_config("traffic").get_models())


@pytest.mark.parametrize("model", traffic_models(), ids=lambda model: model.__name__)
def test_no_traffic_field_can_hold_or_point_at_a_person(model):
    user_model = get_user_model()
    for field in model._meta.get_fields(include_hidden=True):
        if (model.__name__, field.name) in REVIEWED_FIELDS:
            continue
        assert not set(field.name.lower().split("_")) & FORBIDDEN_FIELD_WORDS, field.name
        assert not isinstance(field, models.EmailField), field.name
        assert not field.is_relation or field.related_model is not user_model, field.name
        assert not field.is_relation, f"{model.__name__}.{field.name} joins another table"


def _breaches(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            found += [node.module] if node.module.startswith(FORBIDDEN_MODULES) else []
            found += [a.name for a in node.names if a.name in FORBIDDEN_NAMES]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith(FORBIDDEN_MODULES)]
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
            found.append(node.attr)
        elif isinstance(node, ast.Constant) and node.value in FORBIDDEN_NAMES:
            found.append(node.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [k for k in ("HTTP_AUTHORIZATION", "sessionid") if k in node.value]
    return found


@pytest.mark.parametrize("module", RECORD_MODULES)
def test_the_code_that_makes_records_never_reads_the_user_or_the_session(module):
    assert _breaches((TRAFFIC_SOURCE / module).read_text()) == []


def test_every_module_of_the_app_is_either_checked_or_a_view():
    checked = set(RECORD_MODULES)
    elsewhere = {
        "views.py", "urls.py", "apps.py", "selectors/dashboard.py", "selectors/health.py",
        "services/worker.py", "tasks.py", "app_logs.py", "process_figures.py",
        "management/commands/traffic_loader.py", "management/commands/traffic_retention.py",
        "templatetags/ops_charts.py", "templatetags/request_ids.py",
    }  # fmt: skip
    modules = {
        str(path.relative_to(TRAFFIC_SOURCE))
        for path in TRAFFIC_SOURCE.rglob("*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts
    }
    assert modules == checked | elsewhere


def test_the_scan_finds_each_kind_of_breach():
    leaky = (
        "from django.contrib.auth import get_user_model\n"
        "import twentytwo.accounts.models\n"
        "def record(request):\n"
        "    return request.user, request.session, environ['HTTP_AUTHORIZATION']\n"
    )
    assert sorted(_breaches(leaky)) == sorted(
        ["django.contrib.auth", "get_user_model", "twentytwo.accounts.models", "user",
         "session", "HTTP_AUTHORIZATION"]
    )  # fmt: skip
