"""The feature modules whose routers the engine joins. A new feature module is added here once;
its buttons, commands and texts are declared in the module itself (see bot/router.py)."""

from __future__ import annotations

from bot import certificate, confirm, menu, onboarding, reminders, tutor
from bot.router import Router, Routes

ROUTERS: tuple[Router, ...] = (
    onboarding.router,
    menu.router,
    tutor.router,
    certificate.router,
    reminders.router,
    confirm.router,
)


def all_routes(*extra: Router) -> Routes:
    return Routes((*ROUTERS, *extra))
