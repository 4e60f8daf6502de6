"""Cogs: one feature per module, each with a setup() entry point."""
