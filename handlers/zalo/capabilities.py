"""What the Zalo Bot Platform shows, for the sender (send.py) and the registry (spec.py)."""

from __future__ import annotations

from handlers.render import Capabilities

TEXT_MAX = 2000  # characters of sendMessage's text and sendPhoto's caption

# What the Zalo Bot Platform shows. picture_max is a guess (no limit is documented; other
# clients cap pictures at 5 MB); may_send_first follows `zalo.reminders`.
ZALO_BOT = Capabilities(
    buttons=False,
    text_max=TEXT_MAX,
    can_edit=False,
    picture_max=5 * 1024**2,
    may_send_first=False,
)
