"""The SQL store (SQLite embedded, PostgreSQL in production): the reporting tables and their
migrations, the reporter that fills them from the Redis outboxes, and the report queries."""
