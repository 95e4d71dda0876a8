"""The Redis store: learner state, group state, the reminder schedule, key names, the
connection (a server, a cluster, or embedded in-process)."""
