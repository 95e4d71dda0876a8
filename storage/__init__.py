"""Storage: learner state in Redis (and, later, completion reports in SQL)."""
