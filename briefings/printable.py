r"""Text from files and feeds made safe to show in a terminal or a log line: control characters become escapes.

A corpus file can carry an ESC sequence that clears the screen, a file name can hold a newline that forges a log
line, and a right-to-left override (U+202E) makes "report<U+202E>txt.exe" read as "reportexe.txt". Such characters
are shown as visible escapes (``\\x1b``, ``\\u202e``) instead of being sent raw (Unicode TR #36, "bidi spoofing";
CVE-2021-42574, "Trojan Source").
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides and isolates.
_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In a name (a file, a feed title shown on one line) tab and newline are escaped too, and so are the bidi marks.
_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def printable(text: str) -> str:
    """Return text with control characters and bidi overrides shown as escapes (tabs and newlines kept)."""
    return _IN_TEXT.sub(_escape, text)


def printable_name(text: str) -> str:
    """Return a one-line name (a file name, a title) with every control and bidi character shown as an escape."""
    return _IN_NAME.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
