"""Pair mode ("Gia đình số"): a helper linked to an elder, who sees the elder's progress."""
