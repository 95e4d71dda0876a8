"""`hocso web user ...`, `hocso web` start-up checks, `hocso web refresh` and
`hocso demo-data`, run as an administrator types them."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from hocso.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hocso(monkeypatch, capsys, tmp_path, db_url):
    monkeypatch.setenv("HOCSO_CONFIG", str(ROOT / "config.yaml"))
    monkeypatch.setenv("HOCSO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", db_url)
    for name in ("HOCSO_WEB_PASSWORD", "HOCSO_WEB_SECRET", "HOCSO_WEB_LISTEN"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str, password: str | None = None) -> tuple[int, str, str]:
        if password is None:
            monkeypatch.delenv("HOCSO_WEB_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("HOCSO_WEB_PASSWORD", password)
        status = main(list(argv))
        out, err = capsys.readouterr()
        return status, out, err

    assert run("db", "upgrade")[0] == 0
    return run


def test_accounts_are_added_changed_listed_and_removed(hocso):
    status, out, _ = hocso("web", "user", "add", "lan", "--role", "official", password="x" * 12)
    assert status == 0 and "Account lan added: official" in out
    status, out, _ = hocso(
        "web", "user", "add", "hoa", "--role", "facilitator", "--class", "lop-1a",
        "--class", "LOP2", password="y" * 12,
    )  # fmt: skip
    assert status == 0 and "classes LOP-1A, LOP2" in out
    status, out, _ = hocso("web", "user", "add", "lan", "--role", "official", password="z" * 12)
    assert "changed" in out
    status, out, _ = hocso("web", "user", "list")
    assert out.splitlines() == ["hoa\tfacilitator\tLOP-1A, LOP2", "lan\tofficial\t(all)"]
    assert hocso("web", "user", "remove", "hoa")[0] == 0
    status, _, err = hocso("web", "user", "remove", "hoa")
    assert status == 1 and "no account 'hoa'" in err


@pytest.mark.parametrize(
    ("argv", "password", "words"),
    [
        (["hoa", "--role", "facilitator"], "p" * 12, "needs at least one --class"),
        # Blank codes are no classes: listed as "(all)" they would look like an official.
        (["hoa", "--role", "facilitator", "--class", " "], "p" * 12, "at least one --class"),
        (["hoa", "--role", "facilitator", "--class", ""], "p" * 12, "at least one --class"),
        (["lan", "--role", "official"], "short", "at least 10 characters"),
        (["lan nguyen", "--role", "official"], "p" * 12, "no spaces"),
        (["lan", "--role", "official"], None, "HOCSO_WEB_PASSWORD"),  # no terminal here
    ],
)
def test_a_bad_account_is_explained(hocso, argv, password, words):
    status, _, err = hocso("web", "user", "add", *argv, password=password)
    assert status == 2 and words in err and "Traceback" not in err


def test_the_page_will_not_listen_beyond_loopback_without_a_secret(hocso, monkeypatch):
    monkeypatch.setenv("HOCSO_WEB_LISTEN", "0.0.0.0")
    status, out, _ = hocso("web")
    assert status == 2 and "HOCSO_WEB_SECRET" in out


def test_a_short_secret_is_refused(hocso, monkeypatch):
    monkeypatch.setenv("HOCSO_WEB_SECRET", "short")
    status, _, err = hocso("web")
    assert status == 2 and "web.secret" in err and "16 characters" in err


def test_demo_data_fills_an_empty_database_once(hocso):
    status, out, _ = hocso("demo-data", "--learners", "300", "--weeks", "3")
    assert status == 0 and "300 learners" in out
    status, out, _ = hocso("web", "refresh")
    assert status == 0 and "recounted" in out
    status, _, err = hocso("demo-data", "--learners", "300")
    assert status == 1 and "already has learners" in err


async def test_the_page_on_a_database_never_migrated_says_what_to_run(
    postgres, monkeypatch, capsys
):
    url = await postgres.create(f"hocso_test_web_{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("HOCSO_CONFIG", str(ROOT / "config.yaml"))
    monkeypatch.setenv("DATABASE_URL", url)
    status = await asyncio.to_thread(main, ["web"])
    out = capsys.readouterr().out
    assert status == 2 and "run `hocso db upgrade`" in out and "Traceback" not in out
