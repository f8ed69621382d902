"""DESIGN.md section 5: account code keeps away from the anonymous audience data."""

import ast
from pathlib import Path

import twentytwo.accounts

ACCOUNTS_DIR = Path(twentytwo.accounts.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_accounts_import_nothing_from_audience():
    sources = list(ACCOUNTS_DIR.rglob("*.py"))
    assert len(sources) > 5

    offenders = {
        str(path.relative_to(ACCOUNTS_DIR)): sorted(
            m for m in _imported_modules(path) if m.split(".")[:2] == ["twentytwo", "audience"]
        )
        for path in sources
    }

    assert {k: v for k, v in offenders.items() if v} == {}
