"""The console adapter: the tutor in a terminal, interactive or fed by a pipe.

Buttons show as numbered options; typing the number taps the button. Anything else typed
is sent as text, and a line starting with "/" as a command.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from typing import TextIO

from bot.events import Button, Event, Reply
from handlers import Handle


def to_event(line: str, user: str, buttons: list[Button]) -> Event:
    """Turn one typed line into an event, given the buttons currently on screen."""
    line = line.strip()
    if line.isdecimal() and line.isascii() and 1 <= int(line) <= len(buttons):
        return Event(user=user, kind="button", payload=buttons[int(line) - 1].payload)
    if line.startswith("/") and len(line) > 1:
        command, _, arg = line[1:].partition(" ")
        return Event(user=user, kind="command", command=command.lower(), text=arg.strip())
    return Event(user=user, kind="text", text=line)


def render(replies: list[Reply]) -> tuple[str, list[Button]]:
    """The text to print, and the buttons (numbered from 1) the learner can now pick."""
    blocks: list[str] = []
    buttons: list[Button] = []
    for reply in replies:
        lines = []
        if reply.media:
            icon = "🖼" if reply.media.kind == "image" else "🔊"
            lines.append(f"{icon} [{reply.media.path}]")
        lines.append(reply.text)
        buttons = []  # only the latest message's buttons can be tapped by number
        if reply.buttons:
            for row in reply.buttons:
                for button in row:
                    buttons.append(button)
                    lines.append(f"   {len(buttons)}. {button.label}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks), buttons


class Console:
    def __init__(self, handle: Handle, user: str, stdin: TextIO, stdout: TextIO) -> None:
        self.handle = handle
        self.user = user
        self.stdin = stdin
        self.stdout = stdout
        self.echo = not stdin.isatty()  # a piped transcript shows what was typed

    def print(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def run(self) -> None:
        """Read lines until end of input, answering each one."""
        lines = self._read_lines()
        buttons: list[Button] = []
        self.print("Gõ /start để bắt đầu · Type /start to begin · Ctrl+D: thoát/quit\n")
        while True:
            if not self.echo:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await lines.get()
            if line is None:
                break
            if not line.strip():
                continue
            if self.echo:
                self.print(f"> {line.strip()}")
            replies = await self.handle(to_event(line, self.user, buttons))
            text, new_buttons = render(replies)
            if not all(r.notice for r in replies):
                buttons = new_buttons
            self.print(text + "\n")

    def _read_lines(self) -> asyncio.Queue[str | None]:
        """Lines from stdin, read by a daemon thread so Ctrl+C never waits for Enter."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def read() -> None:
            for line in self.stdin:
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, None)

        threading.Thread(target=read, daemon=True, name="console-stdin").start()
        return queue


async def run_console(handle: Handle, user: str = "console:local") -> None:
    await Console(handle, user, sys.stdin, sys.stdout).run()
