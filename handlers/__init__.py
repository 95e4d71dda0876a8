"""Adapters: one per platform, each translating its updates into engine events and back."""
