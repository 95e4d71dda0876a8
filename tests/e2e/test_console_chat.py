"""`hocso chat` in a process of its own, fed by a pipe, on the embedded Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def hocso_chat(typed: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`hocso chat` in a fresh process, on the embedded Redis, fed by a pipe."""
    env = {**os.environ, "HOCSO_DATA_DIR": str(data_dir), "REDIS_URL": ""}
    env["HOCSO_LESSONS_DIR"] = str(ROOT / "tests" / "fixtures" / "lessons")
    command = [sys.executable, "-m", "hocso.cli", "chat"]
    return subprocess.run(
        command, input=typed, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )


def test_hocso_chat_runs_piped_input_and_exits_cleanly(tmp_path):
    run = hocso_chat("/start\n1\n", tmp_path)
    assert run.returncode == 0, run.stderr
    assert "Thẻ một" in run.stdout
    assert "Traceback" not in run.stderr
    # The embedded state is kept, so the same learner goes on where they were.
    again = hocso_chat("/continue\n", tmp_path)
    assert again.returncode == 0 and "học tiếp bài «Bài một»" in again.stdout
