"""Wiring and the command line: the only package that imports both the engine (bot/) and
the adapters (handlers/). `hocso.cli:main` is the `hocso` command."""
