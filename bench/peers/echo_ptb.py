"""A bare python-telegram-bot echo bot (long polling): the floor of what PTB costs per message.

Usage: BOT_TOKEN=... BASE_URL=http://127.0.0.1:PORT/bot python bench/peers/echo_ptb.py
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text(update.message.text or "?")


def main() -> None:
    app = (
        Application.builder()
        .token(os.environ["BOT_TOKEN"])
        .base_url(os.environ["BASE_URL"])
        .concurrent_updates(256)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=10, drop_pending_updates=False)


if __name__ == "__main__":
    main()
