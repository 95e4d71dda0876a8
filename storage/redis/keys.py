"""Every Redis key hocso uses, built in one place.

| key                                  | type   | holds                                      |
|--------------------------------------|--------|--------------------------------------------|
| `{prefix}:{sNN}:u:{user}`            | hash   | one learner's state (bot/learner.py)       |
| `{prefix}:{sNN}:outbox`              | stream | reporting events of that shard's learners  |
| `{prefix}:{sNN}:due`                 | zset   | reminders: learner -> next due (inf: off)  |
| `{prefix}:{sNN}:fly`                 | zset   | reminders claimed: learner -> lease end, ms |
| `{prefix}:{sNN}:sent:{yyyy-mm-dd}`   | string | reminders sent that (local) day            |
| `{prefix}:{sNN}:ask`                 | zset   | reminders a facilitator asked: learner -> when |
| `{prefix}:{sNN}:ask:{yyyy-mm-dd}`    | set    | learners a facilitator asked for that day  |
| `{prefix}:{sNN}:upd:{platform}:{bot}:{id}` | string | a learner's update: busy, or done (TTL) |
| `{prefix}:num:{platform}:{bot}:{chat}` | string | choices shown as numbers in a chat (TTL) |
| `{prefix}:tgfile:{bot}:{sha1}`       | string | Telegram's file_id of an uploaded file     |
| `{prefix}:push:paused`               | string | after a 429: no process pushes until then  |
| `{prefix}:push:lim…`                 | list   | push flood limits (handlers/limits.py)    |
| `{prefix}:{gNN}:g:{platform}:{chat}` | hash   | one group chat's lesson (bot/groups/state.py) |
| `…:g:{platform}:{chat}:m`            | hash   | its members who joined: id -> first name   |
| `…:g:{platform}:{chat}:p`            | set    | members taking part in the current run     |
| `…:g:{platform}:{chat}:a`            | hash   | their answers: "step:member" -> choice     |
| `…:g:{platform}:{chat}:n`            | hash   | the tally: "step:choice" -> count          |
| `…:g:{platform}:{chat}:x`            | hash   | anonymous marks of non-members who answered |
| `{prefix}:{gNN}:gdue`                | zset   | chats by next lesson step / class reminder |
| `{prefix}:pair:{code}`               | string | a pair-mode link code (expires)            |
| `{prefix}:tgpoll:{bot}:{poll_id}`    | string | the chat and tag of a quiz poll we sent    |
| `{prefix}:tgmsg:{bot}:{chat}`        | hash   | a group's named messages -> Telegram ids   |
| `{prefix}:reporters`                | hash   | each reporter's heartbeat (reporter.py)   |

Learners are spread over a fixed number of shards by a stable hash of their id. A learner's
hash, its shard's outbox and its reminder schedule share the hash tag `{sNN}`, so the script
that updates them in one atomic step runs unchanged on Redis Cluster. Changing `shards` later
would move learners: pick it once (64 leaves room for a 64-node cluster).

A group chat's keys share a hash tag of their own, `{gNN}` (same count, another hash), with the
shard's index of due lessons: each group script touches one slot. A member's credit is written
to the member's own hash by the learner script; no script spans a group and a learner.
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
        return f"{self.learner_prefix(self.shard(user))}{user}"

    def learner_prefix(self, shard: int) -> str:
        """The start of the keys of one shard's learners (what follows is their id)."""
        return f"{self._tag(shard)}:u:"

    def outbox(self, shard: int) -> str:
        return f"{self._tag(shard)}:outbox"

    def outbox_of(self, user: str) -> str:
        return self.outbox(self.shard(user))

    def schedule(self, shard: int) -> str:
        return f"{self._tag(shard)}:due"

    def schedule_of(self, user: str) -> str:
        return self.schedule(self.shard(user))

    def in_flight(self, shard: int) -> str:
        return f"{self._tag(shard)}:fly"

    def sent(self, shard: int, day: str) -> str:
        return f"{self._tag(shard)}:sent:{day}"

    def asked(self, shard: int) -> str:
        """Reminders a class's facilitator asked for on the web page (storage/redis/asks.py)."""
        return f"{self._tag(shard)}:ask"

    def asked_on(self, shard: int, day: str) -> str:
        return f"{self._tag(shard)}:ask:{day}"

    def all_outboxes(self) -> list[str]:
        return [self.outbox(s) for s in range(self.shards)]

    def update(self, platform: str, bot: str, update_id: int | str, user: str = "") -> str:
        """An update of one bot: update ids are counted per bot, so two bots sharing this
        Redis and prefix must not see each other's as repeats. An update from a learner sits
        on that learner's shard, so its "done" mark can ride in their save (storage/redis/state.py
        `DoneMark`)."""
        where = self._tag(self.shard(user)) if user else self.prefix
        return f"{where}:upd:{platform}:{bot}:{update_id}"

    def telegram_file(self, bot: str, digest: str) -> str:
        """`digest`: sha1 of the file's path and modification time, so an edited file is sent
        again. A file_id is valid for the bot that uploaded it only."""
        return f"{self.prefix}:tgfile:{bot}:{digest}"

    def group_shard(self, chat: str) -> int:
        return zlib.crc32(b"g" + chat.encode()) % self.shards

    def group(self, chat: str, part: str = "") -> str:
        """A group chat's state (`chat` is platform-qualified, e.g. "tg:-100123"), or one of
        the parts kept beside it: m(embers), p(articipants), a(nswers), n (tally), x (marks)."""
        key = f"{self.prefix}:{{g{self.group_shard(chat):02d}}}:g:{chat}"
        return f"{key}:{part}" if part else key

    def group_due(self, shard: int) -> str:
        return f"{self.prefix}:{{g{shard:02d}}}:gdue"

    def group_due_of(self, chat: str) -> str:
        return self.group_due(self.group_shard(chat))

    def pair_code(self, code: str) -> str:
        return f"{self.prefix}:pair:{code}"

    def telegram_poll(self, bot: str, poll_id: str) -> str:
        return f"{self.prefix}:tgpoll:{bot}:{poll_id}"

    def telegram_messages(self, bot: str, chat: int | str) -> str:
        return f"{self.prefix}:tgmsg:{bot}:{chat}"

    def reporters(self) -> str:
        """One field per running reporter: its heartbeat, read by `reporter_health`."""
        return f"{self.prefix}:reporters"
