"""The wiring's Redis client gives up in time: a Redis that accepts connections but never
answers gets the learner the kind "busy" reply within the timeout, not an endless wait."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.events import Event
from bot.features import build_engine
from bot.texts import t
from hocso.app import ServiceError, open_app, redis_client
from hocso.settings import Settings as Config
from storage.redis.keys import Keys
from storage.redis.state import StateStore


@pytest.fixture
async def silent_redis() -> AsyncIterator[str]:
    """A TCP server that accepts every connection and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    yield f"redis://127.0.0.1:{port}/0"
    for writer in held:
        writer.close()
    server.close()


async def test_a_redis_that_never_answers_gets_busy_within_the_timeout(
    silent_redis: str, config: Config, curriculum, keys: Keys
) -> None:
    settings = config.redis.model_copy(update={"url": silent_redis, "timeout": 0.5})
    client = redis_client(settings)
    engine = build_engine(StateStore(client, keys), curriculum, config)
    start = time.monotonic()
    async with asyncio.timeout(5):
        replies = await engine.handle(Event("tg:1", "command", command="start"))
    waited = time.monotonic() - start
    await client.aclose()
    assert [r.text for r in replies] == [t("vi", "busy")]
    assert 0.4 < waited < 1.5  # the configured 0.5 s, once: timeouts are not retried


async def test_hocso_does_not_start_on_a_redis_that_never_answers(
    silent_redis: str, config: Config, curriculum, tmp_path
) -> None:
    config.redis = config.redis.model_copy(update={"url": silent_redis, "timeout": 0.5})
    config.data_dir = tmp_path
    with pytest.raises(ServiceError, match="cannot reach Redis at redis://127.0.0.1"):
        async with asyncio.timeout(5), open_app(config, curriculum):
            pass
