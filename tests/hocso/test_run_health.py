"""`hocso run`'s /health includes the reporter: stuck reporting is visible to monitoring."""

from __future__ import annotations

import json
import time
from types import SimpleNamespace

from redis.asyncio import Redis

from hocso.run import reporter_check
from storage.redis.keys import Keys


async def test_events_waiting_with_no_reporter_make_health_unhealthy(
    redis: Redis, keys: Keys
) -> None:
    check = reporter_check(SimpleNamespace(redis=redis, keys=keys))  # type: ignore[arg-type]
    assert (await check())["ok"] is True  # nothing waiting: nothing stuck
    ten_minutes_ago = int((time.time() - 600) * 1000)
    event = {"id": "e1", "type": "active", "user": "tg:1", "at": "0"}
    await redis.xadd(keys.outbox(0), {"e": json.dumps(event)}, id=f"{ten_minutes_ago}-0")
    result = await check()
    assert result["ok"] is False and result["waiting"] == 1
    assert result["problem"]
