"""Telegram (pilots and tests): the adapter, its per-chat flow, group lessons, the Bot API
client, pushed reminders and the sender."""
