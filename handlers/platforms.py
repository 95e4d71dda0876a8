"""The registry: every messenger hocso can serve, one line each (handlers/platform.py).

A new messenger is a package under handlers/ with a `spec.py`, and its line here. Order
matters only for messages: the first platform's is named first when no token is set.
"""

from __future__ import annotations

from handlers.platform import Config, Platform
from handlers.telegram.spec import TELEGRAM
from handlers.zalo.spec import ZALO
from handlers.zalo_oa.spec import ZALO_OA

PLATFORMS: tuple[Platform, ...] = (
    TELEGRAM,
    ZALO,
    ZALO_OA,
)

# Learners of the terminal (`hocso chat`), counted in reports beside the messengers.
CONSOLE = "console"


def platform_names() -> dict[str, str]:
    """Each learner-id prefix and the platform's name, for reports ("tg" -> "Telegram")."""
    return {p.id: p.name for p in PLATFORMS} | {CONSOLE: "Console"}


def options() -> dict[str, str]:
    """Each platform as the command line names it ("telegram", "zalo-oa") -> its prefix."""
    return {name.lower().replace(" ", "-"): id for id, name in platform_names().items()}


def enabled(config: Config) -> list[Platform]:
    """The platforms with a token in these settings: the ones this deployment serves."""
    return [p for p in PLATFORMS if p.token(config)]


def token_problem(config: Config) -> str | None:
    """Why the bots cannot run (one line), or None: each token given must look right, and
    there must be at least one."""
    chosen = enabled(config)
    if not chosen:
        first, *others = PLATFORMS
        return ", or ".join([first.token_problem("") or first.token_hint] +
                            [p.token_hint for p in others])  # fmt: skip
    for platform in chosen:
        if problem := platform.token_problem(platform.token(config)):
            return problem
    return None


def pushable() -> list[str]:
    """The platforms reminders can be sent on: those with a sender (`push`)."""
    return [p.id for p in PLATFORMS if p.push]


def join_link(config: Config, code: str) -> str:
    """The link (and so the QR code) that opens the tutor with class `code` on the first
    platform whose links carry a code; "" when none does in these settings."""
    for platform in PLATFORMS:
        if join := platform.reach(config).join:
            return join.format(code=code)
    return ""
