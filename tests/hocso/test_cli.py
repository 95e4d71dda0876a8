"""Bad settings stop `hocso` with one clear line and exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from hocso.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.setenv("HOCSO_CONFIG", str(ROOT / "config.yaml"))
    monkeypatch.setenv("HOCSO_DATA_DIR", str(tmp_path))
    for var in ("REDIS_URL", "DATABASE_URL", "HOCSO_TIMEZONE", "TELEGRAM_BOT_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("hocso: "), err
    assert "Traceback" not in err
    return err


def test_a_config_file_that_is_not_utf8(env, capsys, tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(b"campaign:\n  name: B\xecnh d\xe2n\n")  # saved in a legacy code page
    env.setenv("HOCSO_CONFIG", str(path))
    assert main(["lessons", "check"]) == 2
    assert "is not UTF-8 text" in one_line(capsys)


def test_hocso_config_naming_a_folder(env, capsys, tmp_path: Path) -> None:
    env.setenv("HOCSO_CONFIG", str(tmp_path))
    assert main(["chat"]) == 2
    assert "is a folder" in one_line(capsys)


@pytest.mark.parametrize(
    ("var", "value", "said"),
    [
        (
            "HOCSO_TIMEZONE",
            "Mars/Olympus",
            "timezone: unknown time zone 'Mars/Olympus'",
        ),
        ("REDIS_URL", "notaurl", "redis.url: not a Redis URL"),
        (
            "DATABASE_URL",
            "mysql://hocso:pw@db/hocso",
            "database.url: not a supported",
        ),
    ],
)
def test_a_bad_setting_is_named(env, capsys, var: str, value: str, said: str) -> None:
    env.setenv(var, value)
    assert main(["report"]) == 2
    err = one_line(capsys)
    assert said in err and "pw" not in err  # a password in a URL is never printed


OA = {
    "ZALO_OA_APP_ID": "123",
    "ZALO_OA_APP_SECRET": "s" * 12,
    "ZALO_OA_SECRET_KEY": "k" * 12,
    "ZALO_OA_ID": "456",
}


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({}, "no Zalo OA is configured"),
        ({"ZALO_OA_APP_ID": "123"}, "ZALO_OA_APP_SECRET, ZALO_OA_SECRET_KEY, ZALO_OA_ID missing"),
        ({**OA, "ZALO_OA_APP_ID": "app"}, "ZALO_OA_APP_ID: String should match pattern"),
        (OA, "zalo-oa connect needs REDIS_URL"),
    ],
)
def test_zalo_oa_connect_says_what_is_missing_in_one_line(env, capsys, given, said) -> None:
    for var in ("ZALO_OA_APP_ID", "ZALO_OA_APP_SECRET", "ZALO_OA_SECRET_KEY", "ZALO_OA_ID"):
        env.delenv(var, raising=False)
    for var, value in given.items():
        env.setenv(var, value)
    assert main(["zalo-oa", "connect"]) == 2
    assert said in one_line(capsys)
