"""DESIGN.md 5.2: partners see rollups, never rows. Within partners only the disclosure
layer reads audience listening, and what leaves partners holds no listener id."""

import ast
import io
import json
import re
import uuid
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

import twentytwo.partners
from twentytwo.partners.models import ReleasedView
from twentytwo.partners.services.reports import monthly_reports_send

PARTNERS = Path(twentytwo.partners.__file__).parent
# The calendar helpers hold no listening: days, weeks, months and dayparts.
CALENDAR = ("twentytwo.audience.periods", "twentytwo.audience.dayparts")
# A UUID, dashed or not, standing alone (a view's key is 64 hex digits: not one).
UUID = re.compile(
    r"(?<![0-9a-f])[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}(?![0-9a-f])",
    re.I,
)


def audience_imports(app: str = "twentytwo.audience") -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in PARTNERS.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(app):
                found.setdefault(str(path.relative_to(PARTNERS)), set()).add(node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(app):
                        found.setdefault(str(path.relative_to(PARTNERS)), set()).add(alias.name)
    return found


def test_only_the_disclosure_layer_reads_audience_listening():
    readers = {
        path
        for path, modules in audience_imports().items()
        if any(
            not m.startswith(("twentytwo.audience.periods", "twentytwo.audience.dayparts"))
            for m in modules
        )
    }
    assert readers == {"disclosure.py"}
    assert audience_imports()["disclosure.py"] >= {"twentytwo.audience.selectors.bounded"}


def test_only_the_disclosure_layer_reads_the_ads_sums_and_nothing_else_of_outreach():
    found = audience_imports("twentytwo.outreach")
    assert found == {"disclosure.py": {"twentytwo.outreach.selectors.ads"}}


def test_no_partner_table_points_at_an_audience_table():
    from django.apps import apps

    for model in apps.get_app_config("partners").get_models():
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            assert related is None or related._meta.app_label != "audience", field


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_no_listener_id_is_in_any_partner_output(world, orbit_admin, curator_person):
    """Every page, export (CSV, JSON, PDF), API answer and mail a partner or curator gets."""
    admin = signed_in(orbit_admin)
    location = admin.post("/partners/orbit/release/", world.params())["Location"].split("?")[0]
    base = location.rstrip("/")
    outputs = {
        path: admin.get(path).content
        for path in (
            "/partners/orbit/",
            location,
            base + ".csv",
            base + ".json",
            "/partners/orbit/releases/",
            "/partners/orbit/people/",
        )
    }
    outputs["pdf text"] = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(admin.get(base + ".pdf").content)).pages
    ).encode()
    assert "Tiny" in outputs["pdf text"].decode() and "< 11" in outputs["pdf text"].decode()
    secret = admin.post(
        "/partners/orbit/tokens/", {"action": "create", "name": "scan", "days": 5}
    ).context["secret"]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    view = api.post(
        "/api/partners/views",
        {"first": str(world.first), "last": str(world.last), "daypart": "all-day"},
        content_type="application/json",
    )
    outputs["api view"] = view.content
    outputs["api views"] = api.get("/api/partners/views").content
    outputs["stored figures"] = json.dumps([v.figures for v in ReleasedView.objects.all()]).encode()
    curator = signed_in(curator_person)
    curator.get("/partners/")
    released = curator.post("/partners/curator-cora/release/", world.params())["Location"]
    outputs["curator view"] = curator.get(released).content
    monthly_reports_send()
    for message in mail.outbox:
        outputs[f"mail {message.subject}"] = (
            message.body + "".join(str(a[1]) for a in message.attachments)
        ).encode()

    listener_ids = {i for ids in world.listeners.values() for i in ids}
    assert listener_ids
    for name, content in outputs.items():
        text = content.decode()
        for listener in listener_ids:
            assert str(listener) not in text and listener.hex not in text, name
        found = [m for m in UUID.findall(text) if _is_uuid(m)]
        assert found == [], (name, found)


def _is_uuid(text: str) -> bool:
    try:
        return uuid.UUID(text).version is not None
    except ValueError:
        return False
