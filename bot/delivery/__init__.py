"""Scheduled briefings: deciding what is due and posting it exactly once."""
