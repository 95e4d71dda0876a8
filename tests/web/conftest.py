"""Fixtures of the web tests: the seeded campaign (web_helpers.SEED) on SQLite and on
PostgreSQL, its two accounts, and the web app served on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from web_helpers import NOW, PASSWORD, SECRET, SEED

from bot.config import Choice
from bot.content.lessons import Curriculum
from hocso.settings import Settings as Config
from storage.sql.classes import save_class
from storage.sql.db import Database
from storage.sql.ingest import write_batch
from web import auth
from web.app import build_app
from web.rollup import refresh
from web.site import course_of


async def seed(db: Database, curriculum: Curriculum, config: Config) -> None:
    await write_batch(db, SEED)
    await save_class(db, "LOP1", "Lớp <i>Ninh Kiều</i>", "Cô Hường", "ninh-kieu")
    await save_class(db, "LOP2", "Lớp Cái Khế", "Thầy Nam", "cai-khe")
    await auth.save_user(db, "lan", PASSWORD, "official", [])
    await auth.save_user(db, "hoa", PASSWORD, "facilitator", ["LOP1"])
    await refresh(db, config.timezone, course_of(curriculum), now=NOW)


@pytest.fixture
async def seeded(database: Database, curriculum: Curriculum, config: Config) -> Database:
    await seed(database, curriculum, config)
    return database


WARDS = [
    Choice(id="ninh-kieu", vi="Phường Ninh Kiều"),
    Choice(id="cai-khe", vi="Phường Cái Khế"),
    Choice(id="o-mon", vi="Phường Ô Môn"),
    Choice(id="khac", vi="Nơi khác", en="Somewhere else"),
]


@pytest.fixture
def web_config(config: Config) -> Config:
    """The shipped settings with a short ward list of known names, and a bot's username."""
    config.telegram.username = "hocso_test_bot"
    config.areas.wards = list(WARDS)
    return config


@pytest.fixture
async def client(
    seeded: Database, curriculum: Curriculum, web_config: Config
) -> AsyncIterator[TestClient]:
    app = build_app(web_config, seeded, curriculum, SECRET, recount=False, login_delay=0)
    async with TestClient(TestServer(app)) as c:
        yield c
