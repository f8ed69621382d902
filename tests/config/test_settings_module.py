"""The settings module declares each setting once, in order, and the entry points are what
the app server runs."""

import ast
import importlib
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

import twentytwo.config.settings as settings_module

MUTATING_METHODS = {"append", "insert", "extend", "update", "pop", "remove", "setdefault"}


def settings_changes(source: str) -> list[str]:
    """Return every place a setting (an UPPER_CASE name) is set twice or changed after."""
    found, declared = [], set()
    nodes = sorted(
        (node for node in ast.walk(ast.parse(source)) if hasattr(node, "lineno")),
        key=lambda node: (node.lineno, node.col_offset),
    )
    for node in nodes:
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign | ast.AugAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id.isupper():
                if target.id in declared or isinstance(node, ast.AugAssign):
                    found.append(f"{target.id} set again at line {node.lineno}")
                declared.add(target.id)
            elif isinstance(target, ast.Subscript):
                root = target.value
                while isinstance(root, ast.Subscript):
                    root = root.value
                if isinstance(root, ast.Name) and root.id.isupper():
                    found.append(f"{root.id}[...] changed at line {node.lineno}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATING_METHODS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id.isupper()
        ):
            found.append(f"{node.func.value.id}.{node.func.attr}() at line {node.lineno}")
    return found


def test_each_setting_is_declared_once_and_never_changed_after():
    source = Path(settings_module.__file__).read_text()

    assert settings_changes(source) == []


def test_the_check_finds_a_setting_patched_further_down():
    patched = (
        'MIDDLEWARE = ["a"]\n'
        "TEMPLATES = [{}]\n"
        'MIDDLEWARE.append("b")\n'
        'TEMPLATES[0]["DIRS"] = []\n'
        'SECURE_CSP = {}\nSECURE_CSP = {"x": 1}\n'
    )

    assert settings_changes(patched) == [
        "MIDDLEWARE.append() at line 3",
        "TEMPLATES[...] changed at line 4",
        "SECURE_CSP set again at line 6",
    ]


def test_an_asgi_server_is_refused_with_the_reason():
    with pytest.raises(ImproperlyConfigured, match="served over WSGI"):
        importlib.import_module("twentytwo.config.asgi")
