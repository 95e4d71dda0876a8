"""Daily reminders: choosing a time, planning the next reminder after every turn, and what a
reminder says when it comes."""
