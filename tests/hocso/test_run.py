"""`hocso run`: refuses a missing or malformed token in one line, stops cleanly on SIGTERM."""

from __future__ import annotations

from pathlib import Path

import pytest

from hocso.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("HOCSO_CONFIG", str(ROOT / "config.yaml"))
    for var in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_URL",
        "TELEGRAM_WEBHOOK_SECRET",
        "ZALO_BOT_TOKEN",
    ):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("token", "said"),
    [("", "no Telegram bot token"), ("12345:short", "TELEGRAM_BOT_TOKEN is malformed")],
)
def test_a_missing_or_malformed_token_is_one_clear_line(env, capsys, token, said) -> None:
    env.setenv("TELEGRAM_BOT_TOKEN", token)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hocso: {said}") and err.count("\n") == 1


def test_without_any_token_both_platforms_are_named(env, capsys) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_BOT_TOKEN" in err and "ZALO_BOT_TOKEN" in err and err.count("\n") == 1


def test_a_malformed_zalo_token_is_one_clear_line(env, capsys) -> None:
    env.setenv("ZALO_BOT_TOKEN", "not-a-token")
    assert main(["run"]) == 2
    assert capsys.readouterr().err.startswith("hocso: ZALO_BOT_TOKEN is malformed")


def test_the_reporter_alone_needs_a_redis_server(env, capsys) -> None:
    env.delenv("REDIS_URL", raising=False)
    assert main(["run", "--only", "reporter"]) == 2
    assert "the reporter alone needs REDIS_URL" in capsys.readouterr().err


def test_an_unreachable_telegram_is_one_clear_line(env, capsys, tmp_path) -> None:
    env.setattr("handlers.telegram.adapter.BACKOFF", 0.01)  # retried, but quickly, for the test
    env.setenv("TELEGRAM_BOT_TOKEN", "123456:" + "A" * 35)
    env.setenv("TELEGRAM_BASE_URL", "http://127.0.0.1:9/bot")  # nothing listens there
    env.setenv("HOCSO_DATA_DIR", str(tmp_path))
    assert main(["run", "--only", "bot"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hocso: cannot reach Telegram at http://127.0.0.1:9/bot")
    assert "Traceback" not in err


def test_an_unreachable_zalo_is_one_clear_line(env, capsys, tmp_path) -> None:
    env.setattr("handlers.zalo.adapter.BACKOFF", 0.01)  # retried, but quickly, for the test
    env.setenv("ZALO_BOT_TOKEN", "1459232241454765289:" + "Zq" * 20)
    env.setenv("ZALO_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    env.setenv("HOCSO_DATA_DIR", str(tmp_path))
    assert main(["run", "--only", "bot"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hocso: cannot reach Zalo at http://127.0.0.1:9")
    assert "Traceback" not in err and err.count("\n") == 1
