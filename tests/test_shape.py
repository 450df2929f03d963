"""The code's shape, as DESIGN.md §2 draws it: the rooms of the core, and a facade that
callers use without reaching into the catalog behind it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "photosearch"
GROUND_FLOOR = {
    "__init__", "atomic", "errors", "instance", "jsontext", "memory", "ort", "settings",
    "types", "wording",
}  # fmt: skip


def test_the_core_keeps_its_modules_in_rooms() -> None:
    loose = {p.stem for p in (PACKAGE / "core").glob("*.py")}
    assert loose <= GROUND_FLOOR, f"give these a room: {sorted(loose - GROUND_FLOOR)}"
    for room in (p for p in (PACKAGE / "core").iterdir() if p.is_dir() and p.name[0] != "_"):
        init = room / "__init__.py"
        assert init.exists() and ast.get_docstring(ast.parse(init.read_text())), room.name


def test_no_caller_reaches_through_the_engine_into_its_catalog() -> None:
    reaching = []
    for path in PACKAGE.rglob("*.py"):
        if (PACKAGE / "core") in path.parents:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "catalog"
                and isinstance(node.value, ast.Name | ast.Attribute)
                and (getattr(node.value, "id", "") or getattr(node.value, "attr", "")).endswith(
                    "engine"
                )
            ):
                reaching.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not reaching, reaching


def test_the_test_command_collects_every_test_file(pytestconfig: pytest.Config) -> None:
    """testpaths lists folders in an order (heaviest first): a new folder of tests must
    be added there, or the README's command would silently leave it out."""
    root = pytestconfig.rootpath
    listed = [root / p for p in pytestconfig.getini("testpaths")]
    for path in (root / "tests").rglob("test_*.py"):
        assert any(path == p or p in path.parents for p in listed), f"not collected: {path}"
