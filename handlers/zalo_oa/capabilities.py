"""What a Zalo OA shows (handlers/render.py): buttons (at most 5; more become numbered lines,
send.py), 2,000 characters a message, no edits, pictures up to 1 MB (uploaded), and no
writing first until reminders come (issue 23: template messages, the paid window)."""

from __future__ import annotations

from handlers.render import Capabilities

TEXT_MAX = 2000
PICTURE_MAX = 1024**2  # bytes of an uploaded picture

OA = Capabilities(
    buttons=True, text_max=TEXT_MAX, can_edit=False, picture_max=PICTURE_MAX, may_send_first=False
)
