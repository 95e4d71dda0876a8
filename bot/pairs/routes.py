"""Pair mode for "Gia đình số": a grandchild helps a grandparent learn (docs/groups.md).

In a private chat the helper sends /helper and gets a code; on the elder's phone, /helper CODE
asks the elder to agree. Once linked, /helper shows the helper the elder's progress, and the
helper gets a short note when the elder fails a lesson (at most once a lesson a day). The
helper sees progress only: never the elder's answers, and cannot answer for them. Either side
ends the link from /helper; /forget ends it too.

A link is two fields, one in each learner's own state (`helper` in the elder's, `elder` in the
helper's), written one after the other; a one-sided leftover is ignored and tidied when seen.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import date

from bot.certificate.routes import ALPHABET
from bot.content.lessons import Curriculum
from bot.engine import Side
from bot.events import Button, Event, Reply
from bot.groups.store import GroupStore
from bot.learner import Learner, Stage, from_fields, to_fields
from bot.learner import copy as copy_learner
from bot.pairs import texts  # noqa: F401  (registers the texts)
from bot.payloads import Payload, parse
from bot.router import Router
from bot.store import LearnerStore
from bot.texts import t
from bot.turn import Turn

log = logging.getLogger(__name__)

CODE_LENGTH = 6
CODE_SECONDS = 24 * 3600
NAME_MAX = 32
MAX_TRIES = 5


class PairAnswer(Payload, prefix="pra"):
    code: str
    answer: str  # "yes" or "no"


class PairStop(Payload, prefix="prs"):
    pass


def takes(event: Event) -> bool:
    """Pair mode's own events: /helper and its buttons, in a private chat."""
    if event.group:
        return False
    if event.kind == "command":
        return event.command == "helper"
    return event.kind == "button" and isinstance(parse(event.payload), PairAnswer | PairStop)


router = Router("pairs")


class Pairs(Side):
    """Pair mode's own turns: it writes both learners' states, the helper's and the elder's."""

    def __init__(
        self,
        learners: LearnerStore,
        codes: GroupStore,
        curriculum: Curriculum,
        clock: Callable[[], float],
    ) -> None:
        self.learners = learners
        self.codes = codes
        self.curriculum = curriculum
        self.clock = clock

    def takes(self, event: Event) -> bool:
        return takes(event)

    async def handle(self, event: Event) -> list[Reply]:
        me = await self._load(event.user)
        lang = me.lang
        if not me.consent_at:
            return [Reply(t(lang, "pair_start_first"))]
        tap = parse(event.payload) if event.kind == "button" else None
        if isinstance(tap, PairAnswer):
            return await self._answer(event, me, tap)
        if isinstance(tap, PairStop):
            return await self._stop(me)
        code = event.text.strip().upper()
        if code:
            return await self._asked(event, me, code)
        if me.elder:
            return await self._show_elder(me)
        if me.helper:
            stop = Button(t(lang, "pair_btn_stop"), PairStop().pack())
            return [Reply(t(lang, "pair_helped"), ((stop,),))]
        return await self._new_code(event, me)

    async def _new_code(self, event: Event, me: Learner) -> list[Reply]:
        name = _name(event.name)
        for _ in range(MAX_TRIES):
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            if await self.codes.put_code(code, f"{me.user} {name}".strip(), CODE_SECONDS):
                return [Reply(t(me.lang, "pair_code", code=code))]
        return [Reply(t(me.lang, "busy"))]

    async def _asked(self, event: Event, me: Learner, code: str) -> list[Reply]:
        """The elder typed the helper's code: ask them to agree."""
        held = await self.codes.read_code(code)
        if not held or not code.isalnum():
            return [Reply(t(me.lang, "pair_bad_code"))]
        helper, _, name = held.partition(" ")
        if helper == me.user:
            return [Reply(t(me.lang, "pair_own_code"))]
        rows = (
            (
                Button(t(me.lang, "agree"), PairAnswer(code, "yes").pack()),
                Button(t(me.lang, "disagree"), PairAnswer(code, "no").pack()),
            ),
        )
        return [Reply(t(me.lang, "pair_ask", name=name or t(me.lang, "pair_someone")), rows)]

    async def _answer(self, event: Event, me: Learner, tap: PairAnswer) -> list[Reply]:
        if tap.answer != "yes":
            return [Reply(t(me.lang, "pair_declined"), replace=True)]
        held = await self.codes.read_code(tap.code, take=True)
        if not held:
            return [Reply(t(me.lang, "pair_bad_code"), replace=True)]
        helper, _, helper_name = held.partition(" ")
        if helper == me.user:
            return [Reply(t(me.lang, "pair_own_code"), replace=True)]
        elder_name = _name(event.name)

        def link_elder(learner: Learner) -> None:
            learner.helper = helper

        def link_helper(learner: Learner) -> None:
            learner.elder, learner.elder_name = me.user, elder_name

        await self._update(me.user, link_elder)
        helper_state = await self._update(helper, link_helper)
        done = t(me.lang, "pair_linked", name=helper_name or t(me.lang, "pair_someone"))
        replies = [Reply(done, replace=True)]
        if helper_state is not None:
            name = elder_name or t(helper_state.lang, "pair_elder")
            replies.append(Reply(t(helper_state.lang, "pair_linked_helper", name=name), to=helper))
        return replies

    async def _show_elder(self, me: Learner) -> list[Reply]:
        elder = await self._load(me.elder)
        if elder.helper != me.user:  # the elder ended the link, or was forgotten
            await self._update(me.user, _unlink_elder)
            return [Reply(t(me.lang, "pair_gone"))]
        stop = Button(t(me.lang, "pair_btn_stop"), PairStop().pack())
        return [Reply(self.progress(me, elder), ((stop,),))]

    def progress(self, me: Learner, elder: Learner) -> str:
        """What a helper sees: how far the elder got; never their answers."""
        lang, done = me.lang, set(elder.done)
        lessons = self.curriculum.lessons
        finished = sum(lesson.id in done for lesson in lessons)
        modules = self.curriculum.modules
        modules_done = sum(all(x.id in done for x in m.lessons) for m in modules)
        name = me.elder_name or t(lang, "pair_elder")
        lines = [
            t(lang, "pair_progress", name=name),
            t(lang, "pair_done", done=finished, total=len(lessons)),
            t(lang, "pair_modules", done=modules_done, total=len(modules)),
        ]
        current = self.curriculum.lesson(elder.lesson) if elder.stage == Stage.LESSON else None
        if current is not None:
            lines.append(t(lang, "pair_now", title=current.title.get(lang)))
        if elder.last_day:
            day = date.fromordinal(elder.last_day)
            lines.append(t(lang, "pair_last_day", day=f"{day.day:02d}/{day.month:02d}"))
        if elder.certificate:
            lines.append(t(lang, "pair_certified"))
        lines.append(t(lang, "pair_private"))
        return "\n".join(lines)

    async def _stop(self, me: Learner) -> list[Reply]:
        """Either side ends the link: both sides' fields go."""
        if me.elder:
            other = me.elder
            await self._update(me.user, _unlink_elder)
            await self._update(other, lambda x: _unlink_helper(x, me.user))
        if me.helper:
            other = me.helper
            await self._update(me.user, lambda x: _unlink_helper(x, other))
            await self._update(other, lambda x: _unlink_elder(x, me.user))
        return [Reply(t(me.lang, "pair_stopped"), replace=True)]

    async def forget(self, user: str, fields: dict[str, str]) -> None:
        """A learner was erased: the other side of their link forgets it too."""
        if elder := fields.get("el"):
            await self._update(elder, lambda x: _unlink_helper(x, user))
        if helper := fields.get("hp"):
            await self._update(helper, lambda x: _unlink_elder(x, user))

    async def _load(self, user: str) -> Learner:
        fields, _ = await self.learners.load(user)
        return from_fields(user, fields)

    async def _update(self, user: str, change: Callable[[Learner], None]) -> Learner | None:
        """Change one learner's own state (compare-and-set); None if they are not known."""
        for _ in range(MAX_TRIES):
            fields, version = await self.learners.load(user)
            if not fields:
                return None  # erased meanwhile: nothing to link or unlink
            learner = copy_learner(from_fields(user, fields))
            change(learner)
            new = to_fields(learner)
            if new == fields or await self.learners.save(user, version, fields, new):
                return learner
        log.warning("pair link of %s not written after %d conflicts", user, MAX_TRIES)
        return None


def _unlink_elder(learner: Learner, elder: str | None = None) -> None:
    if elder is None or learner.elder == elder:
        learner.elder = learner.elder_name = ""


def _unlink_helper(learner: Learner, helper: str) -> None:
    if learner.helper == helper:
        learner.helper = ""


def _name(name: str) -> str:
    text = "".join(c for c in name if c.isprintable())
    return " ".join(text.split())[:NAME_MAX]


@router.after_turn()
def watch(turn: Turn) -> None:
    """After a learner's private turn: a helper hears when their elder failed a lesson (once a
    lesson a day). The note names the lesson and the score, nothing the elder answered."""
    learner = turn.learner
    if not learner.helper or turn.erase:
        return
    for event in turn.outcome.events:
        if event.get("type") != "completion" or event.get("passed") != "0":
            continue
        stamp = f"{event.get('lesson')}:{turn.today}"
        if learner.helper_noted == stamp:
            return
        learner.helper_noted = stamp
        lesson = turn.curriculum.lesson(event.get("lesson", ""))
        title = lesson.title.get("vi") if lesson else event.get("lesson", "")
        name = _name(turn.event.name) or t("vi", "pair_elder")
        note = t(
            "vi", "pair_stuck", name=name, title=title, score=event["score"], total=event["total"]
        )
        turn.add(Reply(note, to=learner.helper))
        return
