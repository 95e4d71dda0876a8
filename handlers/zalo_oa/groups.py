"""Group lessons in the OA's own group chats (GMF, research/zalo-oa.md §4; docs/zalo-oa.md).

The lesson itself is bot/groups/, as on Telegram; this translates. Group messages carry no
buttons, so each choice the engine offers becomes a line of the message: an answer keeps its
letter ("A. ..."), anything else gets a number ("1. 👁 Xem đáp án"), and one short line says
how to answer. The choices of the group's latest message are kept in Redis; what a member
types (mentions `[@...]` removed, accents and case ignored) is read against them: a letter, a
number, or the words of a line ("tham gia", "xem dap an") are the tap they stand for, and
"/lesson" or "bắt đầu học" (accents optional) asks for a lesson. Anything else is chat among
members and is left alone.

OA messages cannot be edited: a live count is not shown (the reveal says how many answered),
an edit goes as a new message. A group gets at most ZALO_OA_GROUP_PER_MINUTE messages a
minute, fleet-wide (handlers/limits.py). Zalo's -237 (the group is disabled, its GMF asset
expired) is logged once and told to the group's facilitator in their private chat; the
lesson's state stays as it was, to go on when the group is enabled again.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from bot.content.lessons import fold
from bot.events import Reply
from handlers.limits import PushLimits
from handlers.numbered import flat
from handlers.push import Unreachable
from handlers.render import split_text
from handlers.zalo_oa.api import Kind, OAError, OAUnreachable
from handlers.zalo_oa.capabilities import TEXT_MAX
from handlers.zalo_oa.keys import PLATFORM, OAKeys, text
from handlers.zalo_oa.send import OASender

log = logging.getLogger(__name__)

MENTION = re.compile(r"\[@[^\]]*\]")  # `[@<user_id>]`, or `[@<group_id>]` for everyone
LETTERED = re.compile(r"^([A-E])\.\s+(.+)$", re.S)
OWN_NUMBER = re.compile(r"^\d+\.\s+")
# Words that ask for a lesson, or to stop it, as a facilitator may type them (folded).
START = frozenset(
    {"bat dau hoc", "bat dau", "bat dau bai hoc", "hoc bai", "vao hoc", "hoc thoi", "lesson"}
)
STOP = frozenset({"dung hoc", "dung bai hoc", "ket thuc bai hoc", "stop lesson"})
COMMANDS = frozenset({"lesson", "stop", "help", "start", "class_report", "schedule", "forget"})
REMEMBER = 2 * 86400  # seconds a group's latest choices are kept
OFF_FOR = 3600  # seconds a disabled group is not written to before trying again


@dataclass(frozen=True)
class Choice:
    key: str  # "a" (an answer's letter) or "1"
    label: str  # as shown
    payload: str  # the engine's tap

    @property
    def words(self) -> str:
        return fold(LETTERED.sub(r"\2", self.label))


def choices(reply: Reply) -> list[Choice]:
    """The reply's buttons as typed choices: answers by their letter, the rest by number."""
    found: list[Choice] = []
    number = 0
    for button in flat(reply):
        lettered = LETTERED.match(button.label)
        if lettered:
            found.append(Choice(lettered.group(1).lower(), button.label, button.payload))
        else:
            number += 1
            label = OWN_NUMBER.sub("", button.label)  # "1. Điện thoại": its number is ours
            found.append(Choice(str(number), label, button.payload))
    return found


def render(reply: Reply, shown: Sequence[Choice]) -> str:
    """The reply as one group message: its text, a line per choice, how to answer."""
    if not shown:
        return reply.text
    # Nothing to tap in a group: what the engine says to tap is typed.
    lines = [reply.text.rstrip().replace("bấm «", "gõ «"), ""]
    lines += [c.label if c.key.isalpha() else f"{c.key}. {c.label}" for c in shown]
    letters = [c.key.upper() for c in shown if c.key.isalpha()]
    if letters:
        ask = ", ".join(letters[:-1]) + f" hoặc {letters[-1]}" if len(letters) > 1 else letters[0]
        lines.append(f"✍️ Trả lời: gõ {ask} (không cần dấu).")
    else:
        lines.append("✍️ Gõ số của một dòng, hoặc chữ trên dòng đó.")
    return "\n".join(lines)


def understand(typed: str, shown: Sequence[Choice]) -> tuple[str, str] | None:
    """What a member's message asks: ("command", name), ("button", payload), or None (chat
    among members: left alone)."""
    bare = MENTION.sub(" ", typed).strip()
    if bare.startswith("/"):
        command = bare[1:].split(maxsplit=1)[0].split("@")[0].lower() if bare[1:] else ""
        return ("command", command) if command in COMMANDS else None
    said = fold(bare)
    if not said:
        return None
    key = said.rstrip(".)")
    for choice in shown:  # what is on screen first: "bắt đầu" under an intro is its line
        if key == choice.key or said == choice.words:
            return "button", choice.payload
    if said in START:
        return "command", "lesson"
    if said in STOP:
        return "command", "stop"
    within = [c for c in shown if f" {said} " in f" {c.words} "]
    if len(within) == 1 and len(said) >= 3:
        return "button", within[0].payload
    return None


class GroupShow:
    """Shows the engine's replies in OA groups, within the group's budget."""

    def __init__(self, sender: OASender, limits: PushLimits, redis: Redis, keys: OAKeys) -> None:
        self.sender = sender
        self.limits = limits
        self.redis = redis
        self.keys = keys

    async def shown(self, group_id: str) -> list[Choice]:
        """The choices of the group's latest message (none when they are not known)."""
        try:
            raw = await self.redis.get(self.keys.group(group_id, "ch"))
        except (RedisError, OSError) as exc:
            log.warning("zalo oa group choices not read: %s", exc)
            return []
        return [Choice(*c) for c in orjson.loads(raw)] if raw else []

    async def show(self, group_id: str, replies: Sequence[Reply]) -> None:
        for reply in replies:
            if reply.notice or (reply.live and reply.edit):
                continue  # no toasts in a group, and no edits: the counts are not shown
            if reply.to:
                await self._private(reply)
                continue
            if not reply.text.strip() and not reply.buttons:
                continue
            if not await self._send(group_id, reply):
                return  # the group is disabled: the rest cannot go either

    async def _send(self, group_id: str, reply: Reply) -> bool:
        if await self.redis.exists(self.keys.group(group_id, "off")):
            return False
        shown = choices(reply)
        pieces = split_text(render(reply, shown), TEXT_MAX)
        for piece in pieces:
            await self.limits.wait(f"{PLATFORM}:{group_id}", group=True)
            try:
                await self.sender.call(
                    lambda t, piece=piece: self.sender.client.send_group(
                        t, group_id, {"text": piece}
                    )
                )
            except OAError as exc:
                if exc.code == -237:
                    await self._disabled(group_id, exc)
                    return False
                if exc.kind in (Kind.TOKEN, Kind.GRANT):
                    raise
                log.warning("zalo oa group message not sent: %s", exc)
                return True
        if shown:  # the latest choices: what a typed letter or number means now
            data = orjson.dumps([(c.key, c.label, c.payload) for c in shown])
            await self.redis.set(self.keys.group(group_id, "ch"), data, ex=REMEMBER)
        return True

    async def _disabled(self, group_id: str, exc: OAError) -> None:
        """-237: said once an hour in the log and to the facilitator; nothing is lost."""
        if not await self.redis.set(self.keys.group(group_id, "off"), "1", nx=True, ex=OFF_FOR):
            return
        log.warning(
            "zalo oa group %s is disabled (%s): renew its GMF asset at oa.zalo.me; the lesson "
            "is kept and goes on with /lesson once the group works again",
            group_id,
            exc.code,
        )
        lead = text(await self.redis.hget(self.keys.group(group_id), "lead"))  # type: ignore[misc]
        if lead:
            await self._private(Reply(DISABLED, to=f"{PLATFORM}:{lead}"))

    async def _private(self, reply: Reply) -> None:
        platform, _, user_id = reply.to.partition(":")
        if platform != PLATFORM or not user_id:
            return
        try:
            await self.sender.show(user_id, [replace(reply, to="")])
        except (Unreachable, OAError, OAUnreachable) as exc:  # out of their window, or down
            log.info("zalo oa private message not delivered: %s", exc)


DISABLED = (
    "⚠️ Nhóm học trên Zalo của lớp đang bị tắt (gói nhóm GMF của OA đã hết hạn).\n"
    "Bài học vẫn được giữ nguyên. Khi phường gia hạn xong, thầy/cô gõ /lesson "
    "trong nhóm để học tiếp nhé."
)
