"""The Redis keys of a Zalo OA, all under `{prefix}:zoa:{oa_id}:` (beside storage/redis/keys.py's).

| key (after `{prefix}:zoa:{oa_id}`, braces kept) | type | holds                              |
|------------------------------------------------|------|------------------------------------|
| `:tok`                   | hash   | the token pair: access, refresh, exp (Unix s), gen          |
| `:tok:lock`              | string | the worker refreshing it now (expires by itself)            |
| `:lost`                  | string | why the grant is lost, until `hocso zalo-oa connect`        |
| `:in`                    | zset   | events answered 200, not yet processed -> retry at (ms)     |
| `:in:ev`                 | hash   | those events' raw bodies, by key                            |
| `:seen:{user}`           | string | when the learner last wrote, ms (the interaction window)    |
| `:away:{user}`           | string | Zalo said they are out of reach (-230/-232)                 |
| `:att:{sha1}`            | string | an uploaded picture's attachment_id (6 days)                |

All share the hash tag `{oa_id}`, so one Lua step can keep an event and note the window.
A learner's update marks use storage/redis/keys.py (`update`), with the platform "zoa" and
the OA id.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.redis.keys import Keys

PLATFORM = "zoa"  # learners are "zoa:<the OA-scoped user id>"


@dataclass(frozen=True)
class OAKeys:
    keys: Keys
    oa_id: str

    @property
    def base(self) -> str:
        # One hash tag for them all: a Lua step keeps an event and notes the window at once
        # (Redis Cluster: one slot per OA, ample for one OA's learners).
        return f"{self.keys.prefix}:zoa:{{{self.oa_id}}}"

    @property
    def tokens(self) -> str:
        return f"{self.base}:tok"

    @property
    def refreshing(self) -> str:
        return f"{self.base}:tok:lock"

    @property
    def lost(self) -> str:
        return f"{self.base}:lost"

    @property
    def inbox(self) -> str:
        return f"{self.base}:in"

    @property
    def inbox_events(self) -> str:
        return f"{self.base}:in:ev"

    def seen(self, user_id: str) -> str:
        return f"{self.base}:seen:{user_id}"

    def away(self, user_id: str) -> str:
        return f"{self.base}:away:{user_id}"

    def attachment(self, digest: str) -> str:
        return f"{self.base}:att:{digest}"

    def update(self, msg_id: int | str, user: str) -> str:
        return self.keys.update(PLATFORM, self.oa_id, msg_id, user)


def text(value: bytes | str | None) -> str:
    """A Redis answer as text, whether the client decodes answers or not."""
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)
