"""Running group lessons: load a chat's state, decide (groups/routes.py), store it, credit members.

Three paths, each safe with several workers and a double tap:
- an answer (a tapped option or a quiz poll vote) is counted once by one atomic storage step on
  the chat's own slot, without rewriting the chat's state; the toast says what was chosen;
- joining adds the member to the chat's roster, then records their consent in their own state;
- everything else (the facilitator's commands and taps, the timer's ticks, the bot's removal)
  is a turn: decided on a copy of the chat's state, written back only if nobody wrote between.

A member's credit (each answer once its question is revealed, the lesson once it ends) is
written to the member's own learner state, on the member's shard, by the learner store's
atomic write, with the ids of applied credits kept in that same state: applying it again
changes nothing. No write spans the chat and a member. A run that ends stays "ending" (with a
due time) until every credit is written, so a restart finishes the job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import Config
from bot.content.lessons import Card, Curriculum, Lesson, Question, Typed
from bot.engine import Side
from bot.events import Event, Reach, Reply
from bot.groups import routes as groups
from bot.groups import schedule as group_schedule
from bot.groups.routes import GroupAnswer, GroupJoin, GroupPoll, GroupTurn, correct_choice
from bot.groups.state import (
    END,
    INTRO,
    RUN_FIELDS,
    GroupLesson,
    GroupSnapshot,
    copy,
    from_fields,
    mark,
    to_fields,
)
from bot.groups.store import GroupStore
from bot.learner import copy as copy_learner
from bot.learner import from_fields as learner_from_fields
from bot.learner import to_fields as learner_to_fields
from bot.lesson import review
from bot.log_ids import log_failure
from bot.onboarding import routes as onboarding
from bot.payloads import parse
from bot.router import Routes
from bot.store import LearnerStore, StorageUnavailable
from bot.texts import t
from bot.turn import Turn

log = logging.getLogger(__name__)

MAX_TRIES = 5
MAX_CREDITS = 60  # ids of applied group credits a learner keeps (a run uses a few)
MAX_GROUPS = 10  # group chats a learner's state remembers joining
CREDIT_AT_ONCE = 16  # members credited concurrently
CLASS_WITHIN = 2.0  # seconds for the classes table to answer about a class's weekly time


class Facilitators(Protocol):
    """Who registered as a facilitator (`hocso class add ... --facilitator`): the engine asks
    through this, never the database itself (storage/sql/facilitators.py answers)."""

    async def class_of(self, user: str, username: str) -> str | None:
        """The class code this person facilitates ("" for none named), or None."""
        ...

    async def schedule_of(self, code: str) -> str | None:
        """The class's weekly time as registered ("6 19:00", "" for none); None when the
        class is not known."""
        ...

    async def set_schedule(self, code: str, schedule: str) -> None:
        """Register the class's weekly time ("" removes it): its members who study alone are
        reminded by it, and `hocso class list` shows it. Raises when it could not be stored."""
        ...


class NoFacilitators:
    async def class_of(self, user: str, username: str) -> str | None:
        return None

    async def schedule_of(self, code: str) -> str | None:
        return None

    async def set_schedule(self, code: str, schedule: str) -> None:
        return None


@dataclass(frozen=True)
class Credit:
    id: str  # unique for the member: "<run>.<step>", "<run>.e"
    apply: Callable[[Turn], None]


class GroupChats(Side):
    """Group lessons as the engine's side: the group chats of `platforms` (the adapters that
    show quiz polls, edits and the timer), and the poll answers from them."""

    def __init__(
        self,
        learners: LearnerStore,
        store: GroupStore,
        curriculum: Curriculum,
        config: Config,
        clock: Callable[[], float],
        routes: Routes,
        facilitators: Facilitators | None = None,
        platforms: Collection[str] = (),
        reach: Mapping[str, Reach] | None = None,
    ) -> None:
        self.learners = learners
        self.store = store
        self.curriculum = curriculum
        self.config = config
        self.clock = clock
        self.routes = routes
        self.facilitators = facilitators or NoFacilitators()
        self.platforms = frozenset(platforms)
        self.reach = dict(reach or {})
        self.zone = ZoneInfo(config.timezone)

    # --- entry points ----------------------------------------------------------------------

    def takes(self, event: Event) -> bool:
        """A group's event, or a poll answer, on a platform that shows group lessons."""
        platform = (event.user or event.chat).partition(":")[0]
        return (event.group or event.kind == "poll") and platform in self.platforms

    async def handle(self, event: Event) -> list[Reply]:
        """One group event (or a poll answer); never raises to the adapter."""
        try:
            if event.kind == "moved":  # a supergroup now: same lesson, new id
                new = chat_key(replace(event, chat=event.payload))
                await self.store.move_group(chat_key(event), new)
                return []
            tap = parse(event.payload) if event.kind in ("button", "poll") else None
            if event.kind == "poll":
                if not isinstance(tap, GroupPoll) or len(event.options) != 1:
                    return []  # not ours, or a vote taken back (a quiz cannot be)
                return await self._answer(event, tap.run, tap.step, event.options[0])
            if isinstance(tap, GroupAnswer):
                return await self._answer(event, tap.run, tap.step, tap.choice)
            if isinstance(tap, GroupJoin):
                return await self._join(event)
            return await self._turn(event)
        except StorageUnavailable as exc:
            log.error("group state storage unavailable: %s", exc)
            return self._sorry(event, "busy")
        except Exception:  # noqa: BLE001  (logged by log_failure, without the learner's words)
            log_failure(log, "failed to handle group event", event)
            return self._sorry(event, "oops")

    async def tick(self, platform: str) -> list[tuple[str, list[Reply]]]:
        """Move on every lesson of `platform` whose time is up: (chat, replies) for each."""
        if platform not in self.platforms:
            return []
        now = int(self.clock())
        try:
            chats = await self.store.due_chats(now, platform)
        except StorageUnavailable as exc:
            log.warning("group timers not read: %s", exc)
            return []
        out = []
        for chat in chats:
            event = Event(user="", kind="push", payload="tick", chat=chat, group=True)
            out.append((chat, await self.handle(event)))
        return out

    async def forget(self, user: str, fields: dict[str, str]) -> None:
        """A learner was erased: take them out of every group they joined."""
        for chat in fields.get("gj", "").split():
            try:
                await self.store.leave(chat, user)
            except StorageUnavailable as exc:
                log.error("could not remove an erased learner from %s: %s", chat, exc)

    # --- answers and joining ---------------------------------------------------------------

    async def _answer(self, event: Event, run: str, step: int, choice: int) -> list[Reply]:
        chat = chat_key(event)
        snap = await self.store.load_group(chat)
        group = from_fields(chat, snap.fields)
        turn = self._turn_for(event, group, snap)
        question = self._question(group, run, step)
        if question is None or not 0 <= choice < len(groups.labels(turn, question)):
            turn.notice("group_question_gone")
            return _toasts(event, turn.replies)
        got = await self.store.answer(
            chat, run, step, event.user, mark(group.secret, event.user), choice
        )
        chosen = groups.choice_name(turn, question, got.choice)
        if got.status == -1:
            turn.notice("group_question_gone")
        elif got.status == -2:
            turn.notice("group_already_shown")
        elif got.status == 0:
            turn.notice("group_already", answer=chosen)
        else:
            turn.notice("group_chose" if got.member else "group_chose_anon", answer=chosen)
        replies = _toasts(event, turn.replies)
        if got.status != 1:
            return replies
        if got.participants and got.joined >= got.participants:  # everyone taking part
            everyone = Event(
                event.user, "push", payload="answered", text=f"{run}:{step}", chat=chat, group=True
            )
            return replies + await self._turn(everyone)
        if event.kind == "button":  # a poll counts its own votes
            update = groups.question_update(group, self.curriculum, self.config, got.answered)
            replies += [update] if update else []
        return replies

    def _question(self, group: GroupLesson, run: str, step: int) -> Question | None:
        lesson = self.curriculum.lesson(group.lesson)
        if run != group.run or lesson is None or lesson.version != group.version:
            return None
        if not 0 <= step < len(lesson.steps):
            return None
        found = lesson.steps[step]
        return None if isinstance(found, Card | Typed) else found

    async def _join(self, event: Event) -> list[Reply]:
        chat = chat_key(event)
        snap = await self.store.load_group(chat)
        group = from_fields(chat, snap.fields)
        new, participants = await self.store.join(chat, event.user, groups.clean_name(event.name))
        await self._credit_member(event.user, group, [])  # joining is consent: recorded
        turn = self._turn_for(event, group, snap)
        turn.notice("group_joined" if new else "group_joined_before")
        replies = list(turn.replies)
        if group.phase == INTRO and self.curriculum.lesson(group.lesson):
            replies.append(groups.intro_update(group, self.curriculum, self.config, participants))
        return replies

    # --- turns -----------------------------------------------------------------------------

    async def _turn(self, event: Event) -> list[Reply]:
        chat = chat_key(event)
        lead, lead_class = False, ""
        if event.kind in ("command", "button") and event.user:
            lead, lead_class = await self._lead(event)
        for _ in range(MAX_TRIES):
            snap = await self.store.load_group(chat)
            group = from_fields(chat, snap.fields)
            turn = self._turn_for(event, copy(group), snap, lead, lead_class)
            if event.kind == "command" and event.command == "class_report" and lead:
                turn.members = await self._lessons_of(list(snap.roster))
            ticked = event.kind == "push" and event.payload == "tick"
            turn.class_time = await self._class_time(
                lead_class or (group.class_code if ticked else "")
            )
            group_schedule.follow_class(turn)
            groups.route(turn)
            group_schedule.plan(turn)  # the class reminder: sent when due, the next planned
            if turn.class_schedule is not None and not await self._register(turn):
                if not turn.class_joined:
                    notice = event.kind == "button"
                    return [Reply(turn.t("group_schedule_not_saved"), notice=notice)]
                # The lesson goes on; the group keeps its own time and is not the class's yet
                # (the class's empty time would drop it): its next class lesson tries again.
                turn.group.class_code = group.class_code
            new = to_fields(turn.group)
            if new == snap.fields or await self.store.save_group(
                chat, snap.version, snap.fields, new
            ):
                break
        else:
            log.warning("gave up after %d conflicting writes for %s", MAX_TRIES, chat)
            return self._sorry(event, "busy")
        try:
            await self._settle(turn)
        except Exception:  # the run stays "ending" with a due time: a tick finishes it
            log.exception("crediting %s did not finish; it will be tried again", chat)
        return turn.replies

    def _turn_for(
        self,
        event: Event,
        group: GroupLesson,
        snap: GroupSnapshot,
        lead: bool = False,
        lead_class: str = "",
    ) -> GroupTurn:
        now = int(self.clock())
        turn = GroupTurn(event, group, snap, self.curriculum, self.config, now, lead, lead_class)
        turn.reach = self.reach.get(chat_key(event).partition(":")[0], Reach())
        return turn

    async def _lead(self, event: Event) -> tuple[bool, str]:
        """May this person lead the group: an admin of it, or a registered facilitator."""
        try:
            found = await self.facilitators.class_of(event.user, event.username)
        except Exception as exc:  # noqa: BLE001  (the database is down: admins still lead)
            log.warning("facilitators not checked: %s", exc)
            found = None
        return event.admin or found is not None, found or ""

    async def _class_time(self, code: str) -> tuple[str, str] | None:
        """(code, its registered weekly time) for the group's class, or None when unknown."""
        if not code:
            return None
        try:
            found = await asyncio.wait_for(self.facilitators.schedule_of(code), CLASS_WITHIN)
        except Exception as exc:  # noqa: BLE001  (the database is down: the group keeps its own)
            log.warning("weekly time of class %s not read: %r", code, exc)
            return None
        return None if found is None else (code, found)

    async def _register(self, turn: GroupTurn) -> bool:
        """A `/schedule` for the group's class, stored on the class before the group's state."""
        assert turn.class_schedule is not None
        code = turn.group.class_code
        try:
            await asyncio.wait_for(
                self.facilitators.set_schedule(code, turn.class_schedule), CLASS_WITHIN
            )
        except Exception as exc:  # noqa: BLE001  (nothing changes: they are asked to retry)
            log.warning("weekly time of class %s not stored: %r", code, exc)
            return False
        return True

    async def _lessons_of(self, users: list[str]) -> dict[str, list[str]]:
        async def done(user: str) -> tuple[str, list[str]]:
            fields, _ = await self.learners.load(user)
            return user, fields.get("dn", "").split()

        return dict(await asyncio.gather(*(done(u) for u in users)))

    # --- credit ----------------------------------------------------------------------------

    async def _settle(self, turn: GroupTurn) -> None:
        """After the chat's state is stored: credit what it revealed, end what it ended."""
        group = turn.group
        lesson = self.curriculum.lesson(group.lesson)
        if turn.credit_steps and lesson is not None:
            await self._credit(group, lesson, turn.snap, turn.credit_steps, complete=False)
        if turn.end:
            await self._end_run(group)

    async def _end_run(self, group: GroupLesson) -> None:
        snap = await self.store.load_group(group.chat)  # answers are closed now
        current = from_fields(group.chat, snap.fields)
        if current.run != group.run or current.phase != END:
            return  # ended already
        lesson = self.curriculum.lesson(group.lesson)
        if lesson is not None and lesson.version == group.version:
            steps = sorted({step for step, _ in snap.answers})
            await self._credit(current, lesson, snap, steps, complete=not current.stopped)
        await self.store.end_run(group.chat, group.run, RUN_FIELDS)

    async def _credit(
        self,
        group: GroupLesson,
        lesson: Lesson,
        snap: GroupSnapshot,
        steps: list[int],
        complete: bool,
    ) -> None:
        """Each joined member's answers to `steps` (and the lesson, if `complete`), applied to
        their own state; members are credited side by side."""
        todo: dict[str, list[Credit]] = {}
        for (step, user), choice in sorted(snap.answers.items()):
            question = lesson.steps[step] if step < len(lesson.steps) else None
            if step not in steps or user not in snap.roster or question is None:
                continue
            if isinstance(question, Card | Typed):
                continue
            right = choice == correct_choice(question)
            todo.setdefault(user, []).append(
                Credit(f"{group.run}.{step}", _answer_credit(lesson, question, right))
            )
        if complete:
            turn = GroupTurn(Event("", "push"), group, snap, self.curriculum, self.config, 0)
            people, total = groups.results(turn, lesson)
            for r in people:
                if r.answered:
                    done = _completion_credit(lesson, r.right, total, group.started_at)
                    todo.setdefault(r.user, []).append(Credit(f"{group.run}.e", done))
        limit = asyncio.Semaphore(CREDIT_AT_ONCE)

        async def one(user: str, credits: list[Credit]) -> None:
            async with limit:
                await self._credit_member(user, group, credits)

        await asyncio.gather(*(one(u, c) for u, c in todo.items()))

    async def _credit_member(self, user: str, group: GroupLesson, credits: list[Credit]) -> None:
        """Apply to one member's own state the credits not applied before, in one atomic
        write with their reporting events; their membership (consent) comes first."""
        for _ in range(MAX_TRIES):
            fields, version = await self.learners.load(user)
            learner = learner_from_fields(user, fields)
            applied = learner.group_credits.split()
            now = int(self.clock())
            today = datetime.fromtimestamp(now, self.zone).date().toordinal()
            event = Event(user, "push", payload="group")
            turn = Turn(
                event, copy_learner(learner), self.curriculum, self.config, now, today, self.routes
            )
            _membership(turn, group)
            fresh = [c for c in credits if c.id not in applied]
            for credit in fresh:
                credit.apply(turn)
            if fresh:
                ids = [*applied, *(c.id for c in fresh)][-MAX_CREDITS:]
                turn.learner.group_credits = " ".join(ids)
            new = learner_to_fields(turn.learner)
            if new == fields and not turn.outcome.events:
                return
            if await self.learners.save(user, version, fields, new, turn.outcome.events):
                return
        log.warning("group credit for %s gave up after %d conflicts", user, MAX_TRIES)

    def _sorry(self, event: Event, key: str) -> list[Reply]:
        if event.kind == "button":
            return [Reply(t("vi", key), notice=True)]
        return [Reply(t("vi", key))] if event.kind == "command" else []


def chat_key(event: Event) -> str:
    """The group's conversation key: the chat, named with its platform ("tg:-100123")."""
    if ":" in event.chat:
        return event.chat
    platform = event.user.partition(":")[0]
    return f"{platform}:{event.chat}"


def _toasts(event: Event, replies: list[Reply]) -> list[Reply]:
    """Notes about a tap ride on its toast; a poll vote has none, and nothing is posted."""
    return replies if event.kind == "button" else []


def _membership(turn: Turn, group: GroupLesson) -> None:
    """Joining a group lesson is consent: record it, the group, and its class if the learner
    has none; reported like a profile."""
    learner = turn.learner
    changed = False
    if not learner.consent_at:
        learner.consent_at = turn.now
        changed = True
    joined = learner.groups.split()
    if group.chat not in joined:
        learner.groups = " ".join([*joined, group.chat][-MAX_GROUPS:])
        changed = True
    if group.class_code and not learner.class_code:
        learner.class_code = group.class_code
        changed = True
    if changed:
        onboarding.report_profile(turn)


def _answer_credit(lesson: Lesson, question: Question, right: bool) -> Callable[[Turn], None]:
    def apply(turn: Turn) -> None:
        review.touch_streak(turn)
        review.answered(turn, lesson, question.id, right, group=1)

    return apply


def _completion_credit(
    lesson: Lesson, score: int, total: int, started_at: int
) -> Callable[[Turn], None]:
    def apply(turn: Turn) -> None:
        learner = turn.learner
        passed = score >= groups.pass_need(lesson, total)
        module = turn.curriculum.module_of(lesson.id)
        turn.emit(
            "completion",
            lesson=lesson.id,
            version=lesson.version,
            module=module.id if module else "",
            score=score,
            total=total,
            passed=int(passed),
            started_at=started_at,
            finished_at=turn.now,
            group=1,
        )
        if not passed or lesson.id in learner.done:
            return
        learner.done.append(lesson.id)
        if module and all(x.id in learner.done for x in module.lessons):
            turn.emit("module", module=module.id)

    return apply
