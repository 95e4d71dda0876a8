"""Settings: the file, environment overrides, and clear errors for a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest

from hocso.cli import main
from hocso.settings import ConfigError, load_config


def test_environment_overrides_the_file(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("redis:\n  url: redis://file:6379/0\n")
    config = load_config(
        path, env={"REDIS_URL": "redis://env:6379/1", "DATABASE_URL": "postgresql://y/z"}
    )
    assert config.redis.url == "redis://env:6379/1"
    assert config.database.url == "postgresql://y/z"
    assert config.lessons_dir == tmp_path / "lessons"  # relative to the file
    env = {"TELEGRAM_BOT_USERNAME": "@hocso_cantho_bot"}
    assert load_config(path, env=env).telegram.username == "hocso_cantho_bot"  # "@" dropped


def test_shipped_config_has_areas_and_age_bands():
    config = load_config(Path(__file__).parents[2] / "config.yaml", env={})
    assert config.areas.wards and config.age_bands
    assert config.timezone == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("redis: [\n", "not valid YAML"),
        ("- a\n", "should be a mapping"),
        ("redis:\n  shards: lots\n", "redis.shards"),
        ("colour: red\n", "colour: Extra inputs are not permitted"),
        ("areas:\n  wards:\n    - {id: a, vi: A}\n    - {id: a, vi: B}\n", "share an id"),
        ("telegram:\n  username: hocso bot\n", "telegram.username"),
        ("zalo:\n  base_url: bot-api.zaloplatforms.com\n", "zalo.base_url: not a web address"),
        ("zalo:\n  webhook_url: https://h.vn/zalo\n", "needs webhook_secret (ZALO_WEBHOOK"),
        ("areas:\n  province: Atlantis\n", "areas: no province 'Atlantis'"),
        (
            "reminders:\n  platforms: [tg, zalo]\n",
            "zalo: only Telegram learners (tg), Zalo OA learners (zoa) can be",
        ),
    ],
)
def test_bad_file_is_explained(tmp_path, text, words):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    assert words in str(caught.value) and str(path) in str(caught.value)


def test_bad_config_stops_the_cli_with_a_message(tmp_path, monkeypatch, capsys):
    path = tmp_path / "c.yaml"
    path.write_text("redis:\n  shards: 0\n")
    monkeypatch.setenv("HOCSO_CONFIG", str(path))
    assert main(["lessons", "check"]) == 2
    err = capsys.readouterr().err
    assert "bad configuration" in err and "redis.shards" in err and "Traceback" not in err


def test_missing_named_config_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOCSO_CONFIG", str(tmp_path / "nope.yaml"))
    assert main(["lessons", "check"]) == 2
    assert "not found" in capsys.readouterr().err


def test_every_environment_variable_is_documented():
    from pathlib import Path

    from hocso.settings import ENV

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    config = (Path(__file__).parents[2] / "config.yaml").read_text(encoding="utf-8")
    missing = [var for var in ENV if f"`{var}`" not in readme]
    assert not missing, f"README.md does not explain {missing}"
    assert not [var for var in ENV if var not in config], "config.yaml names each variable"


def test_the_shared_server_has_names_of_no_platform_and_the_older_ones_still_work(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("telegram:\n  listen: 0.0.0.0\n  port: 8443\n")  # a file from before
    older = load_config(path, env={})
    assert (older.server.listen, older.server.port) == ("0.0.0.0", 8443)
    env = {"TELEGRAM_PORT": "8081"}
    assert load_config(path, env=env).server.port == 8081
    env |= {"HOCSO_LISTEN": "10.0.0.5", "HOCSO_PORT": "9000"}  # the new names win
    both = load_config(path, env=env)
    assert (both.server.listen, both.server.port) == ("10.0.0.5", 9000)


def test_each_platform_reads_its_own_section_and_the_engine_none():
    from bot.config import Config
    from handlers.platforms import PLATFORMS
    from hocso.settings import Settings

    for platform in PLATFORMS:
        if platform.section:
            assert Settings.model_fields[platform.section].annotation is platform.settings_model
            assert platform.section not in Config.model_fields
            assert all(v.startswith(f"{platform.section}.") for v in platform.env.values())
    for part in ("redis", "database", "web", "server", "telegram", "zalo"):
        assert part not in Config.model_fields  # the engine's settings are its own only
