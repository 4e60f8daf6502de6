"""Briefbot's domain: the article corpus, extractive summaries, stories and briefings.

Nothing here knows about Discord or the terminal; `bot/` adapts these values to both.
"""
