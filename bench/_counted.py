"""Runs a bot (hocso, or a peer script) counting its Redis round trips, for bench/telegram_path.py.

Usage: python bench/_counted.py COUNTS_FILE hocso run --only bot
       python bench/_counted.py COUNTS_FILE bench/peers/aiogram_tutor.py

Every request redis-py sends on a connection is one round trip (a pipeline or a script is
one). On SIGUSR1 the count so far is written to COUNTS_FILE, so the bench can read it at the
start and the end of its measuring window.
"""

from __future__ import annotations

import json
import runpy
import signal
import sys
from pathlib import Path

from redis.asyncio.connection import AbstractConnection

counted = {"redis_round_trips": 0}
_send = AbstractConnection.send_packed_command


async def _counting_send(self, command, check_health=True):  # noqa: ANN001, ANN202
    counted["redis_round_trips"] += 1
    return await _send(self, command, check_health)


AbstractConnection.send_packed_command = _counting_send  # type: ignore[method-assign]


COUNTS = Path(sys.argv[1])


def _dump(*_: object) -> None:
    COUNTS.write_text(json.dumps(counted))


if __name__ == "__main__":
    signal.signal(signal.SIGUSR1, _dump)
    target, rest = sys.argv[2], sys.argv[3:]
    if target == "hocso":
        from hocso.cli import main

        sys.exit(main(rest))
    sys.argv = [target, *rest]
    runpy.run_path(target, run_name="__main__")
