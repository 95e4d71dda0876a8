"""The shared webhook server in a process of its own whose file limit runs out: logged once,
not per connection, and it answers again once idle connections are closed."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def get(url: str) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.json()


ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
FLOODED = """
import asyncio, logging, resource, sys
from handlers.webhook import Limits, serve_webhooks
resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
logging.basicConfig(level=logging.WARNING)
async def main():
    async def ready():
        print("ready", flush=True)
    limits = Limits(connections=1000, head_within=1.5, log_every=60)
    await serve_webhooks([], {}, "127.0.0.1", int(sys.argv[1]), asyncio.Event(), ready, limits)
asyncio.run(main())
"""


async def test_running_out_of_files_is_logged_once_not_per_connection() -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", FLOODED, str(port), cwd=ROOT, env=ENV,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        assert await asyncio.wait_for(process.stdout.readline(), 20) == b"ready\n"
        # 64 files allowed: 150 idle connections run the server out of descriptors.
        flood = [await asyncio.open_connection("127.0.0.1", port) for _ in range(150)]
        await asyncio.sleep(2.5)  # asyncio retries accepting every second
        async with asyncio.timeout(5):  # the idle ones were closed: the server answers again
            assert (await get(f"http://127.0.0.1:{port}/health"))[0] == 200
        for _, writer in flood:
            writer.close()
    finally:
        process.send_signal(signal.SIGKILL)
        _, err = await process.communicate()
    log = err.decode()
    assert log.count("cannot accept connections: Too many open files") == 1, log[-3000:]
    assert "Traceback" not in log, log[-3000:]
