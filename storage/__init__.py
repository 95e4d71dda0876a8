"""Storage, in its two stores: `redis/` (learner and group state, the reminder schedule: what
a turn reads and writes) and `sql/` (completion reports, classes, the web page's users)."""
