"""The layers import downwards only: hocso/ wires bot/ (the engine) to handlers/ (the
adapters); nothing in bot/ or storage/ imports an adapter, and no adapter imports the wiring."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> the packages it must never import
FORBIDDEN = {
    "bot": {"handlers", "hocso", "web"},
    "storage": {"handlers", "hocso", "web"},
    "handlers": {"hocso", "web"},
}


def imported(path: Path) -> set[str]:
    """Top-level names of every module `path` imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_does_not_import_the_layers_above_it(package: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in imported(path) & FORBIDDEN[package]
    }
    assert not wrong, sorted(wrong)


def test_no_command_line_or_wiring_code_is_left_in_the_engine() -> None:
    assert not [p.name for p in (ROOT / "bot").glob("*.py") if "argparse" in imported(p)]
