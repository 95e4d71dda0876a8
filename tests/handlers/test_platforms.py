"""The registry of messengers (handlers/platforms.py): a messenger is one package with a
`spec.py` and one line in the registry; nothing outside handlers/ names a platform's package."""

from __future__ import annotations

import ast
from pathlib import Path

from handlers import platforms
from handlers.platforms import PLATFORMS
from hocso.settings import Settings as Config

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = sorted(p.parent.name for p in (ROOT / "handlers").glob("*/spec.py"))


def test_every_platform_package_is_registered_once_with_its_own_id() -> None:
    assert sorted(p.adapter.__module__.split(".")[1] for p in PLATFORMS) == PACKAGES
    assert len({p.id for p in PLATFORMS}) == len(PLATFORMS)
    assert all(p.id and ":" not in p.id for p in PLATFORMS)  # the prefix before ":" in ids


def test_a_platform_without_a_token_is_off_and_the_message_names_every_token() -> None:
    config = Config()
    assert platforms.enabled(config) == []
    problem = platforms.token_problem(config)
    assert problem is not None and "\n" not in problem
    assert all(p.token_hint.split()[0] in problem for p in PLATFORMS)


def test_reports_and_the_command_line_name_every_platform() -> None:
    names = platforms.platform_names()
    assert {p.id for p in PLATFORMS} <= set(names)
    assert set(platforms.options().values()) == set(names)


def test_the_wiring_the_page_and_storage_import_no_platform_package() -> None:
    """They loop over the registry, so a new messenger does not touch them."""
    wrong = []
    for folder in ("hocso", "web", "storage", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module:
                    parts = node.module.split(".")
                    if parts[0] == "handlers" and len(parts) > 1 and parts[1] in PACKAGES:
                        wrong.append(f"{path.relative_to(ROOT)}: {node.module}")
    assert not wrong
