"""Asking once whether a learner got confirmed on VNeID (issue 25): state.py holds where the
learner is, routes.py the question and its answers."""
