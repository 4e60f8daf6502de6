"""The terminal front end: `briefbot` commands, their text and JSON output, the console poster."""
