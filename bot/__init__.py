"""Briefbot's front ends: the terminal commands and, later, the Discord bot. Thin adapters over `briefings`."""
