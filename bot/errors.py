"""Errors the front ends report to people, kept free of heavy imports so every command can catch them."""


class StorageError(Exception):
    """The database cannot be used as it is; the message says which and why. Nothing was changed."""
