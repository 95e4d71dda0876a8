"""What Telegram shows, for the renderer (handlers/render.py) and the registry (spec.py):
no platform library needed to know it."""

from __future__ import annotations

from handlers.render import Capabilities

# What Telegram shows (handlers/render.py): buttons, edits, photos up to 10 MB, and bots may
# write first to anyone who started them.
CAPABILITIES = Capabilities(
    buttons=True,
    text_max=4096,  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH, counted after HTML
    can_edit=True,
    picture_max=10 * 1024**2,
    may_send_first=True,
)
