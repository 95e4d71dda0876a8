"""Every Redis key hocso uses, built in one place.

| key                                  | type   | holds                                      |
|--------------------------------------|--------|--------------------------------------------|
| `{prefix}:{sNN}:u:{user}`            | hash   | one learner's state (bot/learner.py)       |
| `{prefix}:{sNN}:outbox`              | stream | reporting events of that shard's learners  |
| `{prefix}:upd:{platform}:{bot}:{id}` | string | an update of one bot: busy, or done (TTL)  |
| `{prefix}:tgfile:{bot}:{sha1}`       | string | Telegram's file_id of an uploaded file     |
| `{prefix}:push:paused`               | string | after a 429: no process pushes until then  |
| `{prefix}:push:lim…`                 | list   | push flood limits (handlers/limits.py)    |
| `{prefix}:reporters`                | hash   | each reporter's heartbeat (reporter.py)   |

Learners are spread over a fixed number of shards by a stable hash of their id. A learner's
hash and its shard's outbox share the hash tag `{sNN}`, so the script that updates both in one
atomic step runs unchanged on Redis Cluster. Changing `shards` later would move learners:
pick it once (64 leaves room for a 64-node cluster).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Keys:
    prefix: str = "hocso"
    shards: int = 64

    def shard(self, user: str) -> int:
        return zlib.crc32(user.encode()) % self.shards

    def _tag(self, shard: int) -> str:
        return f"{self.prefix}:{{s{shard:02d}}}"

    def learner(self, user: str) -> str:
        return f"{self._tag(self.shard(user))}:u:{user}"

    def outbox(self, shard: int) -> str:
        return f"{self._tag(shard)}:outbox"

    def outbox_of(self, user: str) -> str:
        return self.outbox(self.shard(user))

    def all_outboxes(self) -> list[str]:
        return [self.outbox(s) for s in range(self.shards)]

    def update(self, platform: str, bot: str, update_id: int | str) -> str:
        """An update of one bot: update ids are counted per bot, so two bots sharing this
        Redis and prefix must not see each other's as repeats."""
        return f"{self.prefix}:upd:{platform}:{bot}:{update_id}"

    def telegram_file(self, bot: str, digest: str) -> str:
        """`digest`: sha1 of the file's path and modification time, so an edited file is sent
        again. A file_id is valid for the bot that uploaded it only."""
        return f"{self.prefix}:tgfile:{bot}:{digest}"

    def reporters(self) -> str:
        """One field per running reporter: its heartbeat, read by `reporter_health`."""
        return f"{self.prefix}:reporters"
