"""The console adapter: the tutor in a terminal, interactive or fed by a pipe.

Buttons show as numbered options (handlers/numbered.py, shared with Zalo); typing the number
taps the button (except where the question asks for a typed answer: then it is the answer).
Anything else typed is sent as text, a line starting with "/" as a command, and <voice>,
<photo> or <sticker> as what the words say. `run_script` replays a learner's lines from a file
(`hocso chat --script FILE`).
"""

from __future__ import annotations

import asyncio
import io
import sys
import threading
from pathlib import Path
from typing import TextIO

from bot.events import Button, Event, Reply
from handlers import Handle
from handlers.numbered import Choices, choices_after, flat, numbered, to_event


def render(replies: list[Reply]) -> tuple[str, list[Button]]:
    """The text to print, and the buttons (numbered from 1) the learner can now pick."""
    blocks: list[str] = []
    for reply in replies:
        if not reply.text and not reply.buttons and not reply.media:
            continue  # only takes the tapped message's buttons away
        lines = []
        if reply.media:
            icon = "🖼" if reply.media.kind == "image" else "🔊"
            lines.append(f"{icon} [{reply.media.path}]")
        lines.append(reply.text)
        lines += [f"   {line}" for line in numbered(flat(reply))]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks), list(choices_after(replies, Choices()).buttons)


OTHER = {"<voice>", "<photo>", "<sticker>", "<file>"}  # stand-ins for what is not text


class Console:
    def __init__(self, handle: Handle, user: str, stdin: TextIO, stdout: TextIO) -> None:
        self.handle = handle
        self.user = user
        self.stdin = stdin
        self.stdout = stdout
        self.echo = not stdin.isatty()  # a piped transcript shows what was typed
        self.choices = Choices()  # what a typed number picks now

    def print(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def run(self) -> None:
        """Read lines until end of input, answering each one."""
        lines = self._read_lines()
        self.print("Gõ /start để bắt đầu · Type /start to begin · Ctrl+D: thoát/quit\n")
        while True:
            if not self.echo:
                self.stdout.write("> ")
                self.stdout.flush()
            line = await lines.get()
            if line is None:
                break
            await self.say(line)

    async def say(self, line: str) -> None:
        """One line from the learner, and the tutor's answer."""
        if not line.strip() or (self.echo and line.lstrip().startswith("#")):
            return  # blank, or a comment in a script
        if self.echo:
            self.print(f"> {line.strip()}")
        if line.strip() in OTHER:  # a voice note, a photo, a sticker
            event = Event(user=self.user, kind="other", numbered=True)
        else:
            event = to_event(line, self.user, self.choices)
        replies = await self.handle(event)
        self.choices = choices_after(replies, self.choices)
        self.print(render(replies)[0] + "\n")

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


async def run_script(handle: Handle, user: str, script: Path, out: TextIO | None = None) -> None:
    """`hocso chat --script FILE`: a learner's lines from a file (one per line: text, a
    button's number, a /command, or <voice> <photo> <sticker>; # starts a comment), and the
    transcript printed as the conversation goes (to `out`, else the stdout of the moment)."""
    console = Console(handle, user, io.StringIO(), out or sys.stdout)
    for line in script.read_text(encoding="utf-8").splitlines():
        await console.say(line)
