"""Facilitators of OA group lessons, registered by a one-time code (docs/zalo-oa.md).

`hocso class add CODE --zalo-group ...` prints a code such as GV-482913 (7 days, once). The
facilitator sends it to the OA in their private chat (typed any way: "gv 482913", "GV482913"):
from then on they lead that class's group (Zalo knows them by their OA-scoped user id, which
no officer could find by hand). Their id is written to the class's facilitator field as
"zoa:<id>" (so `hocso class list` shows it and the class's reports name it), and kept with
the group in Redis, so the group recognises them at once.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable

import orjson
from redis.asyncio import Redis

from bot.content.lessons import fold
from handlers.zalo_oa.keys import PLATFORM, OAKeys, text

CODE_FOR = 7 * 86400  # seconds a facilitator code can be used
CODE = re.compile(r"^gv\s*-?\s*(\d{6})$")

Register = Callable[[str, str], Awaitable[bool]]  # (class code, "zoa:<id>") -> known class


def typed_code(typed: str) -> str:
    """The facilitator code in what someone typed ("GV-482913"), or ""."""
    found = CODE.match(fold(typed.replace("-", " ")).strip())
    return f"GV-{found.group(1)}" if found else ""


class Leads:
    def __init__(self, redis: Redis, keys: OAKeys, register: Register | None = None) -> None:
        self.redis = redis
        self.keys = keys
        self.register = register

    async def link(self, class_code: str, group_id: str, link: str = "") -> None:
        """The class's lessons run in this OA group."""
        fields = {"class": class_code} | ({"link": link} if link else {})
        await self.redis.hset(self.keys.group(group_id), mapping=fields)  # type: ignore[misc]
        await self.redis.set(self.keys.class_group(class_code), group_id)

    async def group_of(self, class_code: str) -> tuple[str, str]:
        """(group id, join link) of a class's OA group; ("", "") when it has none."""
        group_id = text(await self.redis.get(self.keys.class_group(class_code)))
        if not group_id:
            return "", ""
        link = await self.redis.hget(self.keys.group(group_id), "link")  # type: ignore[misc]
        return group_id, text(link)

    async def issue(self, class_code: str, group_id: str) -> str:
        """A new one-time facilitator code for the class's group."""
        value = orjson.dumps({"class": class_code, "group": group_id})
        while True:
            code = f"GV-{secrets.randbelow(10**6):06d}"
            if await self.redis.set(self.keys.lead_code(code), value, nx=True, ex=CODE_FOR):
                return code

    async def claim(self, user_id: str, code: str) -> tuple[str, str] | None:
        """Register `user_id` by `code`: (class code, group id), or None when the code is
        unknown, used or expired."""
        raw = await self.redis.getdel(self.keys.lead_code(code))
        if not raw:
            return None
        found = orjson.loads(raw)
        class_code, group_id = str(found["class"]), str(found["group"])
        await self.redis.sadd(self.keys.leads(user_id), group_id)  # type: ignore[misc]
        await self.redis.hset(self.keys.group(group_id), "lead", user_id)  # type: ignore[misc]
        if self.register is not None:
            await self.register(class_code, f"{PLATFORM}:{user_id}")
        return class_code, group_id

    async def leads(self, user_id: str, group_id: str) -> bool:
        """A registered facilitator of this group."""
        found = await self.redis.sismember(self.keys.leads(user_id), group_id)  # type: ignore[misc]
        return bool(found)
