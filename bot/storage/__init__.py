"""Durable state: schedules, runs, briefing records, sources and their articles (SQLAlchemy)."""

MAX_ID = 2**63 - 1  # the largest row number the databases store (SQLite INTEGER, PostgreSQL BIGINT)
