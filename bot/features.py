"""The features the tutor is made of, listed once, and the engine built with them.

The kernel (bot/engine.py, bot/router.py, bot/turn.py, ...) imports no feature: each feature
package declares its buttons, commands, texts, screens and hooks on its own `Router`
(bot/router.py), and this list joins them. A new feature is one package plus one line here.
Group lessons and pair mode also run turns of their own (`Side`), on the group store.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping

from bot.certificate import routes as certificate
from bot.config import Config
from bot.confirm import routes as confirm
from bot.content.lessons import Curriculum
from bot.engine import Engine
from bot.events import Reach
from bot.groups.chats import Facilitators, GroupChats
from bot.groups.class_schedule import ClassTimes, ScheduleLookup
from bot.groups.store import GroupStore
from bot.lesson import tutor
from bot.menu import routes as menu
from bot.onboarding import routes as onboarding
from bot.pairs import routes as pairs
from bot.reminders import routes as reminders
from bot.router import Router, Routes
from bot.store import LearnerStore
from bot.turn import ClassLookup

ROUTERS: tuple[Router, ...] = (
    onboarding.router,
    menu.router,
    tutor.router,
    certificate.router,
    confirm.router,  # before reminders: its question, once asked, is not planned again
    reminders.router,
    pairs.router,
)


def all_routes(*extra: Router) -> Routes:
    return Routes((*ROUTERS, *extra))


def build_engine(
    store: LearnerStore,
    curriculum: Curriculum,
    config: Config,
    clock: Callable[[], float] = time.time,
    routers: tuple[Router, ...] = (),
    classes: ClassLookup | None = None,
    groups: GroupStore | None = None,
    facilitators: Facilitators | None = None,
    group_platforms: Collection[str] = (),
    class_times: ScheduleLookup | None = None,
    reach: Mapping[str, Reach] | None = None,
) -> Engine:
    """The engine with every feature. `routers`: features beyond the shipped ones; `groups`:
    where group lessons and pair links are kept (without it, neither runs); `group_platforms`:
    the platforms whose adapter shows group lessons (quiz polls, edits, the timer), other
    group chats get a hint only; `facilitators`: who may lead a group lesson; `class_times`:
    a class's weekly time (cached here), the pace of members with no reminder time."""
    times = ClassTimes(class_times, clock).get if class_times else None
    engine = Engine(store, curriculum, config, clock, (*ROUTERS, *routers), classes, times, reach)
    if groups is not None:
        engine.sides.append(
            GroupChats(
                store,
                groups,
                curriculum,
                config,
                clock,
                engine.routes,
                facilitators,
                group_platforms,
                engine.reach,
            )
        )
        engine.sides.append(pairs.Pairs(store, groups, curriculum, clock))
    return engine
