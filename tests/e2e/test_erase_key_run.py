"""`hocso run --only reporter` with PostgreSQL and no erase key: refused in one line (the
keyed hash of /forget needs it, docs/privacy in README)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_hocso_run_refuses_a_reporter_without_an_erase_key_in_one_line(tmp_path: Path):
    env = {
        **os.environ,
        "HOCSO_CONFIG": str(ROOT / "config.yaml"),
        "HOCSO_DATA_DIR": str(tmp_path),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/hocso_never_made",
        "HOCSO_ERASE_KEY": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "hocso.cli", "run", "--only", "reporter"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "HOCSO_ERASE_KEY" in lines[0] and "openssl rand" in lines[0]
