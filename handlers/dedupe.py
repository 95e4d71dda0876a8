"""Each update processed once, on every platform.

Platforms deliver an update again when a delivery failed or was not acknowledged in time.
An update is held as "busy" while a worker processes it, for `busy_for` seconds (so if that
worker dies, a later re-delivery runs), then as "done" for `seen_for` seconds (longer than
the platform re-delivers). Without Redis an update is processed anyway: the engine then
answers the learner "busy, try again", which is kinder than silence.

An update from a learner is keyed on that learner's shard, and its "done" mark travels with
its event (`ride` makes it, bot/events.py `DoneMark`) into the script that saves their state:
one Redis round trip fewer per action, and the update is done exactly when its effect is
stored, so a re-delivery can never apply it twice. An update that changed nothing gets its
mark on its own (`finish`).

The save also keeps what the turn answered, beside the mark for an hour (bot/kept.py):
if the process dies after the save and before the replies went out, the platform delivers the
update again, and `seen` gives those replies back to show again (one more round trip, only for
an update that comes back). The effect is stored once; the replies go
out at least once. A process remembers the updates it finished itself (no round trip), so an
update delivered twice to a live worker is still answered once. An adapter plugs in with one
call: `seen` in place of `take`, then it shows `seen.replies` when there are any (and calls
`showed`).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.events import DoneMark, Reply
from bot.kept import DONE, KEPT, kept, replies_key

log = logging.getLogger(__name__)

BUSY = "busy"
BUSY_FOR = 60  # seconds an update in progress is held
SHOWN = 10_000  # updates a process remembers finishing (so it shows them once)
SEEN_FOR = 86400  # seconds a finished update is remembered (Telegram re-delivers for a day)


@dataclass(frozen=True)
class Seen:
    """An update held before: BUSY or DONE, and for one done by a learner's save, what the
    turn answered (to show again: that process may have died before showing it)."""

    state: str
    replies: list[Reply] = field(default_factory=list)


class Dedupe:
    """`key(update_id, user)` names the Redis key of one update of one bot on one platform
    (`user`: the learner it came from, "" if none; storage/redis/keys.py `update`).

    `single_consumer`: only this process receives the bot's updates (long polling), so an
    update held busy was left by our own dead predecessor and runs again at once. With a
    webhook, several workers receive them: one held busy may be in progress elsewhere.
    """

    def __init__(
        self,
        redis: Redis,
        key: Callable[[int | str, str], str],
        single_consumer: bool,
        busy_for: int = BUSY_FOR,
        seen_for: int = SEEN_FOR,
    ) -> None:
        self.redis = redis
        self.key = key
        self.single_consumer = single_consumer
        self.busy_for = busy_for
        self.seen_for = seen_for
        self.shown: OrderedDict[str, None] = OrderedDict()  # keys of updates finished here

    async def claim(self, update_id: int | str, user: str = "") -> bool:
        """Mark the update busy; False when it must be skipped (done, or busy elsewhere)."""
        return await self.take(update_id, user) is None

    async def take(self, update_id: int | str, user: str = "") -> str | None:
        """Mark the update busy, in one round trip: None when it is ours to process, else why
        not: DONE, or BUSY (another worker holds it; the platform should retry later)."""
        seen = await self.seen(update_id, user)
        return None if seen is None else seen.state

    async def seen(self, update_id: int | str, user: str = "") -> Seen | None:
        """As `take`, with the replies kept for a done update (empty if none were kept)."""
        key = self.key(update_id, user)
        try:
            held = await self.redis.set(key, BUSY, nx=True, ex=self.busy_for, get=True)
        except (RedisError, OSError) as exc:
            log.warning("could not check update %s for repeats: %s", update_id, exc)
            return None
        held = _text(held)
        if held is not None and held.startswith(DONE):
            # Done, but perhaps by a process that died before showing the replies (a process
            # that showed them itself just skips the repeat).
            if key not in self.shown and (replies := await self._kept(key, held)):
                log.info("update %s done before: its replies shown again", update_id)
                return Seen(DONE, replies)
            log.info("update %s seen before (done): skipped", update_id)
            return Seen(DONE)
        if held == BUSY and not self.single_consumer:
            log.info("update %s seen before (%s): skipped", update_id, held)
            return Seen(held)
        return None

    async def _kept(self, key: str, held: str) -> list[Reply]:
        """The replies kept for the update done at `key` (in the mark itself if an older
        version wrote it), or none."""
        if held.startswith(KEPT):
            return kept(held[len(KEPT) :])
        try:
            found = _text(await self.redis.get(replies_key(key)))
        except (RedisError, OSError) as exc:
            log.warning("could not read the kept replies of %s: %s", key, exc)
            return []
        return kept(found) if found else []

    def ride(self, update_id: int | str, user: str) -> DoneMark | None:
        """The update's done mark, for its event to carry into the learner's save (`Event.done`);
        None for an update from no learner."""
        return DoneMark(user, self.key(update_id, user), self.seen_for) if user else None

    async def finish(
        self, update_id: int | str, user: str = "", mark: DoneMark | None = None
    ) -> None:
        """The update is processed: remember it as done, unless its learner's save did
        (`mark`: what `ride` gave)."""
        key = self.key(update_id, user)
        self.showed(update_id, user)
        if mark is not None and mark.key == key and mark.written:
            return
        try:
            await self.redis.set(key, DONE, ex=self.seen_for)
        except (RedisError, OSError) as exc:  # the busy mark still expires
            log.warning("could not mark update %s done: %s", update_id, exc)

    def showed(self, update_id: int | str, user: str = "") -> None:
        """This process has shown the update's replies (the adapter calls it after showing
        kept ones again; `finish` does it for the rest): a repeat here is not shown again."""
        self.shown[self.key(update_id, user)] = None
        if len(self.shown) > SHOWN:
            self.shown.popitem(last=False)

    async def in_progress(self, update_id: int | str, user: str = "") -> bool:
        """Held busy (perhaps by another worker) right now; ask the platform to retry later."""
        try:
            return _text(await self.redis.get(self.key(update_id, user))) == BUSY
        except (RedisError, OSError):
            return False  # processing will answer "busy" to the learner if Redis is down


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value
