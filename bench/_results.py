"""Where a benchmark leaves its figures: a JSON file (bench/results/NAME.json by default) with
the machine, the arguments and the results, so runs can be compared later."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "results"


def default_path(name: str) -> str:
    return str(FOLDER / f"{name}.json")


def write_results(path: str | Path, args: argparse.Namespace, results: object) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    out.write_text(
        json.dumps({"machine": machine, "args": vars(args), "results": results}, indent=1)
    )
    print(f"written: {out}")
    return out
