"""The house holds to architecture.json: every app listed, each importing only what it may,
no circle among them, and no import across a wall. (DESIGN.md sections 4 and 5.)"""

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import twentytwo

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path(twentytwo.__file__).parent
HOUSE = json.loads((ROOT / "architecture.json").read_text())


@dataclass(frozen=True)
class Import:
    app: str  # the app whose file imports
    module: str  # what it imports, as a dotted name
    where: str  # file:line


def app_dirs(source: Path) -> set[str]:
    return {p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("_")}


def imports_of(source: Path) -> list[Import]:
    """Every import of every app's Python files, at any depth, migrations aside."""
    found = []
    for path in sorted(source.rglob("*.py")):
        parts = path.relative_to(source).parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        package = ["twentytwo", *parts[:-1]]
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - node.level + 1]
                    modules = [".".join([*base, *([node.module] if node.module else [])])]
                else:
                    modules = [node.module or ""]
                # `from twentytwo.x import y` may import the module twentytwo.x.y.
                modules += [f"{modules[0]}.{alias.name}" for alias in node.names]
            else:
                continue
            where = f"{path.relative_to(source.parent)}:{node.lineno}"
            found += [Import(parts[0], module, where) for module in modules]
    return found


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "twentytwo" else None


def app_graph(found: list[Import], apps: set[str]) -> dict[str, set[str]]:
    graph = {app: set() for app in apps}
    for imp in found:
        target = app_of(imp.module)
        if target in apps and target != imp.app:
            graph[imp.app].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one app (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(app):
        index[app] = low[app] = len(index)
        stack.append(app)
        on_stack.add(app)
        for other in sorted(graph[app]):
            if other not in index:
                visit(other)
                low[app] = min(low[app], low[other])
            elif other in on_stack:
                low[app] = min(low[app], index[other])
        if low[app] == index[app]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == app:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for app in sorted(graph):
        if app not in index:
            visit(app)
    return found


def not_allowed(found: list[Import], house: dict) -> list[str]:
    apps = house["apps"]
    return [
        f"{imp.where}: {imp.app} imports {imp.module}"
        for imp in found
        if (target := app_of(imp.module)) in apps
        and target != imp.app
        and target not in apps[imp.app]["may_import"]
    ]


def wall_breaches(found: list[Import], house: dict) -> list[str]:
    breaches = []
    for wall in house["walls"]:
        excepted = tuple(wall.get("except_prefixes", ()))
        for imp in found:
            if imp.app not in wall["from"] or (excepted and imp.module.startswith(excepted)):
                continue
            if imp.module.startswith(tuple(wall["must_not_import"])):
                breaches.append(f"{imp.where}: {imp.module} crosses the wall: {wall['name']}")
    return breaches


FOUND = imports_of(SOURCE)


def test_every_app_of_the_source_is_in_the_house_and_every_app_of_the_house_exists():
    assert app_dirs(SOURCE) == set(HOUSE["apps"])


def test_the_apps_import_each_other_in_no_circle():
    assert circles(app_graph(FOUND, set(HOUSE["apps"]))) == []


def test_each_app_imports_only_the_apps_it_may():
    assert not_allowed(FOUND, HOUSE) == []


def test_no_import_crosses_a_wall():
    assert wall_breaches(FOUND, HOUSE) == []


def test_the_allowed_imports_themselves_form_no_circle():
    allowed = {app: set(entry["may_import"]) for app, entry in HOUSE["apps"].items()}
    assert circles(allowed) == []


# Template names, tag libraries and URL names of the other apps, as core's templates could
# name them: core's pages and partials depend on no domain app either.
TEMPLATE_REFERENCE = re.compile(
    r"""{%\s*(?:include|extends)\s+["'](?P<template>[\w-]+)/"""
    r"""|{%\s*load\s+(?P<libraries>[\w ]+?)\s*%}"""
    r"""|{%\s*url\s+["'](?P<namespace>[\w-]+):"""
)
CORE_LIBRARIES = {"i18n", "static", "tz", "l10n", "cache", "durations", "site_parts"}
# Django's own admin is the framework's, not a domain app: core's admin form extends it.
DJANGO_ADMIN = {"template admin/", "url admin:", "library admin_urls"}


def template_references(template: str) -> set[str]:
    found = set()
    for match in TEMPLATE_REFERENCE.finditer(template):
        if match["template"]:
            found.add(f"template {match['template']}/")
        if match["libraries"]:
            found |= {f"library {name}" for name in match["libraries"].split()}
        if match["namespace"]:
            found.add(f"url {match['namespace']}:")
    return found


def test_cores_templates_name_no_other_apps_templates_tags_or_urls():
    allowed = {"template core/", *DJANGO_ADMIN} | {f"library {name}" for name in CORE_LIBRARIES}
    breaches = {
        f"{path.relative_to(SOURCE)}: {reference}"
        for path in (SOURCE / "core" / "templates").rglob("*.html")
        for reference in template_references(path.read_text()) - allowed
    }
    assert breaches == set()


# The checks above must be able to fail.


def test_the_checks_find_a_circle_a_forbidden_import_and_a_crossed_wall(tmp_path):
    source = tmp_path / "twentytwo"
    for app, text in {
        "core": "from twentytwo.catalog.models import Track\n",
        "catalog": "import twentytwo.core.charts\n",
        "audience": "def f():\n    from twentytwo.accounts import selectors\n",
        "accounts": "from ..audience import models\n",
    }.items():
        (source / app).mkdir(parents=True)
        (source / app / "module.py").write_text(text)
    house = {
        "apps": {
            "core": {"may_import": []},
            "catalog": {"may_import": ["core"]},
            "audience": {"may_import": ["core", "catalog"]},
            "accounts": {"may_import": ["core"]},
        },
        "walls": [
            {
                "name": "audience data never meets identity",
                "from": ["audience"],
                "must_not_import": ["twentytwo.accounts"],
            }
        ],
    }
    found = imports_of(source)

    assert circles(app_graph(found, set(house["apps"]))) == [
        ["accounts", "audience"],
        ["catalog", "core"],
    ]
    assert {line.split(": ", 1)[1] for line in not_allowed(found, house)} == {
        "core imports twentytwo.catalog.models",
        "core imports twentytwo.catalog.models.Track",
        "audience imports twentytwo.accounts",
        "audience imports twentytwo.accounts.selectors",
        "accounts imports twentytwo.audience",
        "accounts imports twentytwo.audience.models",
    }
    assert len(wall_breaches(found, house)) == 2
    assert template_references(
        '{% load i18n favorites %}{% include "web/x.html" %}{% url "privacy:policy" %}'
    ) == {"library i18n", "library favorites", "template web/", "url privacy:"}


@pytest.mark.parametrize("app", sorted(HOUSE["apps"]))
def test_the_architecture_page_says_what_each_app_owns(app):
    text = (ROOT / "ARCHITECTURE.md").read_text()
    assert f"`{app}`" in text
