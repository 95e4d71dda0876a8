"""What a messenger is to hocso: the `Platform` spec each package under handlers/ fills in.

Every platform package (handlers/telegram/, handlers/zalo/, ...) has a `spec.py` holding one
`Platform`, and handlers/platforms.py lists them: the registry. What serves learners, sends
reminders, counts reports by platform and prints a class's join instructions loops over that
list (hocso/run.py, hocso/app.py, hocso/class_cli.py, hocso/report_cli.py, web/), so adding a
messenger is one package plus one line in the registry. Modelled on Sentry's
`MessagingIntegrationSpec` (src/sentry/integrations/messaging/spec.py): one object per
integration that names its parts, instead of `if platform == ...` in every caller.

A spec module imports no platform library: the registry is read by `hocso chat` and `hocso
report` too, which must not load python-telegram-bot. The factories (`adapter`, `push`)
import their package's heavy modules when called.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from pydantic import BaseModel

from bot.events import Reach, Reply
from handlers import Handle
from handlers.render import Capabilities

if TYPE_CHECKING:  # only for types: the spec module stays light
    from redis.asyncio import Redis

    from handlers.push import PushSender
    from handlers.webhook import HealthCheck, Route
    from storage.redis.keys import Keys

# A deployment's settings: hocso/settings.py `Settings`, which handlers/ may not import. A spec
# reads its own section (its model in handlers/<package>/settings.py) and the shared ones
# (lessons_dir, data_dir, redis, server), typed by its package's settings Protocol.
Config = Any

# The engine's timer for group lessons: chat -> the replies due there now (`Engine.tick`).
Ticks = Callable[[str], Awaitable[list[tuple[str, list[Reply]]]]]


class Adapter(Protocol):
    """What hocso/run.py does with any adapter: mount its webhook paths on the one shared
    server, and let it serve (poll, or wait for webhooks) until `stop` is set."""

    def routes(self) -> list[Route]:
        """The webhook paths it answers on the shared server; none when it polls."""
        ...

    async def serve(self, stop: asyncio.Event, *, listening: asyncio.Event | None = None) -> None:
        """Serve learners until `stop`; `listening` is set once the shared webhook server
        is up (None: no shared server runs). Raises handlers.CannotServe (one line)."""
        ...


@dataclass(frozen=True)
class Wiring:
    """What the running process hands an adapter or a push sender (built by hocso/run.py)."""

    config: Config
    handle: Handle  # the engine's `handle`: an event in, its replies out
    redis: Redis
    keys: Keys
    checks: Mapping[str, HealthCheck]  # what the webhook's /health reports
    ticks: Ticks | None = None  # group lessons that move on by themselves


@dataclass(frozen=True)
class Platform:
    """One messenger, as every part of hocso outside its own package sees it."""

    id: str
    """The prefix of its learner and chat ids ("tg" in "tg:12345"): stored with every
    learner (reports split by it), the key a reminder's sender is found by, never changed
    once learners exist."""

    name: str
    """Its name for people: the "By platform" rows of reports, and (lower case, "-" for a
    space) the value of `hocso report --platform`."""

    section: str
    """The name of its section of the settings (`telegram` in config.yaml), read with the
    rest by hocso/settings.py; "" when it reads its own (the OA's, from the environment)."""

    settings_model: type[BaseModel] | None
    """Its section's model, defined in its package (handlers/<package>/settings.py)."""

    env: Mapping[str, str]
    """Its environment variables, each with the dotted setting it sets
    ("TELEGRAM_BOT_TOKEN" -> "telegram.token")."""

    token: Callable[[Config], str]
    """Its bot token from the settings; "" means the platform is off in this deployment."""

    token_problem: Callable[[str], str | None]
    """Why a given token cannot work, in one line (None: it looks right), checked before
    any service starts so a typo fails at once rather than at the first message."""

    token_hint: str
    """Where a token comes from, e.g. "ZALO_BOT_TOKEN (from Zalo Bot Manager)": said when
    no platform has one."""

    adapter: Callable[[Wiring], Adapter]
    """Builds its adapter (importing its platform library only now)."""

    capabilities: Capabilities
    """What it shows: native buttons or numbered lines, message length, edits, pictures,
    writing first (handlers/render.py)."""

    push: Callable[[Wiring], AbstractAsyncContextManager[PushSender]] | None = None
    """Opens its sender of reminders (handlers/push.py `PushSender`), or None when the tutor
    may not write first there. Start-up failures (a refused token, an unreachable API) are
    raised as handlers.CannotServe."""

    push_rate: Callable[[Config], int] = lambda config: 30
    """Pushed messages a second, for the whole fleet, that it accepts (its flood limit)."""

    join_hint: Callable[[Config, str], str | None] = lambda config, code: None
    """How a learner joins class `code` on it when it has no link that carries the code
    (printed by `hocso class add`); None when it is off or the link says it all."""

    rehandle: Callable[[Config, str], Config] | None = None
    """These settings with its handle replaced by one typed for a command (`hocso class add
    --bot`); ValueError (one line) when the typed one cannot be a handle there."""

    link_hint: str = ""
    """What would give it a class link (its `reach.join`) when the settings give none, e.g.
    "set telegram.username": said by `hocso class add` when no platform has a link."""

    groups: bool = False
    """Whether it shows group lessons (a facilitator's class in a group chat)."""

    status: Callable[[Config, Redis, Keys, float], Awaitable[list[str]]] | None = None
    """Its own lines for `hocso reminders status` (the Zalo OA: reminders by how they went,
    and their estimated cost), or None."""

    class_group: Callable[[Config, str, str, str, TextIO], Coroutine[None, None, int]] | None = (
        None
    )
    """`hocso class add CODE --name NAME --zalo-group [ID]`: ties the class to a group chat it
    owns (created, or the one named), printing its link; the exit status. None: no such
    groups (the Zalo OA's GMF groups have it)."""

    class_lines: Callable[[Config, list[str]], Awaitable[list[str]]] | None = None
    """More lines for `hocso class list` about these classes (the OA: each one's group)."""

    reach: Callable[[Config], Reach] = lambda config: Reach()
    """How learners find the tutor there (bot/events.py `Reach`): its official handle and the
    links to a private chat with it, from its settings; features show them (`turn.reach`)
    and never read a platform's settings."""
