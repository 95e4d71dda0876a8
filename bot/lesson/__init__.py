"""A lesson and its review: the steps shown (`tutor`), spaced review (`review`) and the checking
of typed answers (`grading`)."""
