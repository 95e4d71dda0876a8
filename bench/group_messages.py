"""How many messages a group lesson puts in the group chat (Telegram allows about 20 a minute).

Usage: .venv/bin/python bench/group_messages.py

Runs every shipped lesson, in order, as a group lesson through the real Telegram adapter
against the tests' fake Bot API on loopback (embedded Redis, nothing shared is touched): a
facilitator who taps on at once, three members who join and answer every question. Counts
what reached the group chat (sendMessage, sendPhoto, sendPoll, editMessageText, stopPoll),
from the facilitator's /lesson to the summary, and reports it per lesson.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

from limits import RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "handlers"))

from fake_bot_api import (  # noqa: E402
    TOKEN,
    FakeBotApi,
    message_update,
    poll_answer_update,
    tap_update,
)

from bot.content.lessons import load_curriculum  # noqa: E402
from bot.features import build_engine  # noqa: E402
from handlers.limits import PushLimits  # noqa: E402
from handlers.telegram.adapter import TelegramAdapter  # noqa: E402
from hocso.settings import load_config  # noqa: E402
from storage.redis.embedded import open_embedded  # noqa: E402
from storage.redis.groups import GroupRedisStore  # noqa: E402
from storage.redis.keys import Keys  # noqa: E402
from storage.redis.state import StateStore  # noqa: E402

GROUP, LEAD, MEMBERS = -100900, 1, (2, 3, 4)
SHOWN = ("send", "edit", "stopPoll")


async def main() -> None:
    config = load_config(ROOT / "config.yaml", env={})
    curriculum = load_curriculum(ROOT / "lessons")
    api = FakeBotApi()
    await api.start()
    api.admins[GROUP] = [LEAD]
    config.telegram = config.telegram.model_copy(update={"token": TOKEN, "base_url": api.base_url})
    redis = await open_embedded(Path(tempfile.mkdtemp()) / "none.json")
    keys = Keys("bench", 8)
    engine = build_engine(
        StateStore(redis, keys),
        curriculum,
        config,
        groups=GroupRedisStore(redis, keys),
        group_platforms=("tg",),
    )
    # Counting, not timing: no waiting for Telegram's minute here.
    limits = PushLimits(MemoryStorage(), redis, "bench", per_group=RateLimitItemPerSecond(10**6))
    adapter = TelegramAdapter(
        config.telegram, engine.handle, redis, keys, limits=limits, group_period=0.001
    )
    stop = asyncio.Event()
    serving = asyncio.create_task(adapter.serve(stop, poll_timeout=1))
    await api.wait_for(lambda _: api.polls > 0, what="the first poll")

    async def push(*updates: dict) -> None:
        await api.push(*updates)
        await api.delivered()
        await asyncio.wait_for(adapter.application.update_queue.join(), 10)
        await adapter.groups.settle()

    def button(label: str) -> tuple[dict, str] | None:
        for message in reversed(list(api.messages.values())):
            if message["chat"]["id"] != GROUP:
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for b in row:
                    if label in b["text"]:
                        return message, b["callback_data"]
        return None

    async def tap(user: int, label: str) -> bool:
        found = button(label)
        if found:
            await push(tap_update(user, found[0], found[1]))
        return found is not None

    def shown() -> int:
        return sum(
            c.method.startswith(SHOWN) and c.params.get("chat_id") == str(GROUP) for c in api.calls
        )

    counts: dict[str, int] = {}
    for lesson in curriculum.lessons:
        before = shown()
        await push(message_update(LEAD, "/lesson", chat_id=GROUP))
        await tap(LEAD, "Bài tiếp theo")
        for user in MEMBERS:
            await tap(user, "Tham gia")
        await tap(LEAD, "Bắt đầu")
        for _ in range(4 * len(lesson.steps) + 4):
            if any("🎉" in c.text for c in api.calls[-3:]):
                break
            latest = max(
                (m for m in api.messages.values() if m["chat"]["id"] == GROUP),
                key=lambda m: m["message_id"],
            )
            labels = [
                b["text"]
                for row in (latest.get("reply_markup") or {}).get("inline_keyboard", [])
                for b in row
            ]
            if latest.get("poll") and not latest["poll"]["is_closed"]:
                poll_id = latest["poll"]["id"]
                await push(*(poll_answer_update(u, poll_id, 0) for u in MEMBERS))
            elif any(x.startswith("A. ") for x in labels):
                for user in MEMBERS:
                    await tap(user, "A. ")
            elif any("Xem đáp án" in x for x in labels):
                await tap(LEAD, "Xem đáp án")  # a typed question, talked over
            else:
                await tap(LEAD, "Tiếp tục")
        counts[lesson.id] = shown() - before
    stop.set()
    await api.release_polls()
    await serving
    await api.close()

    values = sorted(counts.values())
    print(f"{len(values)} shipped lessons as group lessons (3 members, a fast facilitator)")
    print(f"messages and edits to the group per lesson: min {values[0]}, "
          f"median {statistics.median(values):g}, max {values[-1]}")  # fmt: skip
    over = {k: v for k, v in counts.items() if v > 20}
    print(f"lessons over 20 (they wait for Telegram's minute): {len(over)} {over or ''}")


if __name__ == "__main__":
    asyncio.run(main())
