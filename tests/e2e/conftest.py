"""End-to-end tests: each starts `hocso` as its own process (python -m hocso.cli) against real
Redis and SQL and the fake Bot APIs on loopback (the `api` and `zapi` fixtures of
tests/conftest.py), and checks what a learner or an operator sees. They are the slow ones (a
process start each): `pytest --ignore tests/e2e` skips them while working; `make test` runs
them."""
