"""Evidence names neither controls nor risks; controls does not name risks.

lint-imports checks imports; this also catches string references to a higher app's
models ("risks.Risk"), which an import graph cannot see."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOWER = {
    "aims/evidence": ("controls", "risks"),
    "controls": ("risks",),
}


def _sources(folder: str):
    for path in sorted((ROOT / folder).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def _model_refs(tree: ast.AST):
    """String references to another app's model ("risks.Risk") or its labels."""
    for node in ast.walk(tree):
        value = node.value if isinstance(node, ast.Constant) else None
        if isinstance(value, str) and re.fullmatch(r"[a-z_]+\.[A-Z]\w+", value):
            yield value.split(".")[0]


@pytest.mark.parametrize("folder", sorted(LOWER))
def test_a_lower_app_imports_no_higher_one(folder):
    higher = LOWER[folder]
    found = []
    for path in _sources(folder):
        tree = ast.parse(path.read_text(), filename=str(path))
        for name in _imports(tree):
            if name.split(".")[0] in higher:
                found.append(f"{path.relative_to(ROOT)} imports {name}")
        for app in _model_refs(tree):
            if app in higher:
                found.append(f"{path.relative_to(ROOT)} names a model of {app}")
    assert not found, "\n".join(found)
