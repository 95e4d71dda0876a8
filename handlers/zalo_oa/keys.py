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
| `:phone:{user}`          | string | the phone number the learner gave (`84...`), until /forget  |
| `:asked:{user}`          | string | the phone number was asked for (asked once)                 |
| `:sent:{day}`            | hash   | reminders by how they went that day: free, paid, template...|
| `:track:{tracking_id}`   | string | a template's day, until its delivery receipt (7 days)       |
| `:zbs:paused`            | string | why templates are paused fleet-wide (-115/-136), expires    |
| `:grp:{group}`           | hash   | an OA group's class, join link and facilitator (user id)    |
| `:grp:{group}:ch`        | string | the choices of its latest message, JSON (typed -> tap)      |
| `:grp:{group}:off`       | string | Zalo said -237 (disabled): nothing is sent there for a while|
| `:class:{code}`          | string | the OA group of a class                                     |
| `:lead-code:{code}`      | string | a one-time facilitator code -> its class and group (7 days) |
| `:lead:{user}`           | set    | the groups a registered facilitator leads                   |
| `:name:{user}`           | string | a group member's Zalo display name, for the summary (1 day) |

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

    def phone(self, user_id: str) -> str:
        return f"{self.base}:phone:{user_id}"

    def asked(self, user_id: str) -> str:
        return f"{self.base}:asked:{user_id}"

    def sent(self, day: str) -> str:
        return f"{self.base}:sent:{day}"

    def track(self, tracking_id: str) -> str:
        return f"{self.base}:track:{tracking_id}"

    @property
    def templates_paused(self) -> str:
        return f"{self.base}:zbs:paused"

    def group(self, group_id: str, part: str = "") -> str:
        return f"{self.base}:grp:{group_id}" + (f":{part}" if part else "")

    def class_group(self, code: str) -> str:
        return f"{self.base}:class:{code}"

    def lead_code(self, code: str) -> str:
        return f"{self.base}:lead-code:{code}"

    def name(self, user_id: str) -> str:
        return f"{self.base}:name:{user_id}"

    def leads(self, user_id: str) -> str:
        return f"{self.base}:lead:{user_id}"

    def update(self, msg_id: int | str, user: str) -> str:
        return self.keys.update(PLATFORM, self.oa_id, msg_id, user)


def text(value: bytes | str | None) -> str:
    """A Redis answer as text, whether the client decodes answers or not."""
    if value is None:
        return ""
    return value.decode() if isinstance(value, bytes) else str(value)
