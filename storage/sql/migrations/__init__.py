"""Alembic migrations of the reporting database (run by `hocso db upgrade`)."""
