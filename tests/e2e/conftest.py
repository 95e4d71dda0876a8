"""End-to-end tests: each starts `hocso` as its own process (python -m hocso.cli) against real
Redis and SQL and the fake Bot APIs on loopback (the `api` and `zapi` fixtures of
tests/conftest.py), and checks what a learner or an operator sees. They are the slow ones (a
process start each): `pytest --ignore tests/e2e` skips them while working; `make test` runs
them."""

import sys
from pathlib import Path

# The outbox helpers of the storage tests (tests/storage/outbox.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))
