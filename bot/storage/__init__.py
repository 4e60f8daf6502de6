"""Durable state: schedules, runs, briefing records, sources and their articles (SQLAlchemy)."""
