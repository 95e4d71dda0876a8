"""Onboarding: first contact, consent, language, and the optional ward and age questions."""
