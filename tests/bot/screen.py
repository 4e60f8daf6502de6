"""What a reader sees: a message payload drawn as text, the way Discord's client shows it, in a reader's timezone.

Discord timestamps (``<t:1740096000:D>``) are drawn in the reader's timezone, masked links show their label,
markdown is read (bold, italics, escapes), and the embed's own timestamp follows its footer after a bullet.
Buttons are drawn as ``[label]`` (``[~label~]`` when disabled), a select menu as ``<placeholder: options>``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_LINK = re.compile(r"\[([^\]]+)\]\((<?https?://[^)\s]+>?)\)")


def draw_time(stamp: int, style: str, zone: ZoneInfo, now: datetime | None = None) -> str:
    moment = datetime.fromtimestamp(stamp, UTC).astimezone(zone)
    if style == "R":
        seconds = int(((now or datetime.now(UTC)) - moment).total_seconds())
        days, hours = abs(seconds) // 86_400, abs(seconds) // 3600
        amount = f"{days} days" if days >= 2 else f"{hours} hours" if hours >= 2 else "a moment"
        return f"{amount} ago" if seconds >= 0 else f"in {amount}"
    formats = {"t": "%H:%M", "T": "%H:%M:%S", "d": "%d/%m/%Y", "D": "%-d %B %Y", "f": "%-d %B %Y %H:%M",
               "F": "%A, %-d %B %Y %H:%M"}
    return moment.strftime(formats.get(style or "f", formats["f"]))


def draw_text(text: str, zone: ZoneInfo, now: datetime | None = None) -> str:
    text = _TIMESTAMP.sub(lambda m: draw_time(int(m[1]), m[2] or "f", zone, now), text)
    text = _LINK.sub(lambda m: m[1], text)
    text = re.sub(r"(?<!\\)(\*\*|__|\*|~~)", "", text)
    return re.sub(r"\\([\\*_~`|>#\-\[\]()])", r"\1", text)


def links(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """Return every masked link of a message's embeds: (label, url)."""
    found = []
    for embed in payload.get("embeds") or []:
        for text in (embed.get("description") or "", embed.get("title") or ""):
            found += [(label, url.strip("<>")) for label, url in _LINK.findall(text)]
        if embed.get("url"):
            found.append((embed.get("title") or "", embed["url"]))
    return found


def screen(payload: dict[str, Any], zone: str = "UTC", now: datetime | None = None) -> str:
    """Draw a message (or interaction callback data) as a reader in `zone` sees it."""
    tz = ZoneInfo(zone)
    lines: list[str] = []
    if payload.get("content"):
        lines.append(draw_text(payload["content"], tz, now))
    for embed in payload.get("embeds") or []:
        if embed.get("title"):
            lines.append(f"# {draw_text(embed['title'], tz, now)}")
        if embed.get("description"):
            lines.append(draw_text(embed["description"], tz, now))
        for item in embed.get("fields") or []:
            lines.append(f"{item['name']}: {draw_text(item['value'], tz, now)}")
        footer = (embed.get("footer") or {}).get("text") or ""
        if embed.get("timestamp"):
            moment = datetime.fromisoformat(embed["timestamp"])
            footer += " • " + draw_time(int(moment.timestamp()), "f", tz, now)
        if footer:
            lines.append(f"-- {footer}")
    row_texts = []
    for row in payload.get("components") or []:
        for component in row.get("components") or []:
            if component.get("type") == 2:
                label = component.get("label") or ""
                row_texts.append(f"[~{label}~]" if component.get("disabled") else f"[{label}]")
            elif component.get("type") == 3:
                options = ", ".join(option["label"] for option in component.get("options") or [])
                state = "~" if component.get("disabled") else ""
                row_texts.append(f"<{state}{component.get('placeholder') or 'Select'}: {options}{state}>")
    if row_texts:
        lines.append(" ".join(row_texts))
    return "\n".join(lines)


def custom_id(payload: dict[str, Any], label: str) -> str:
    """Return the custom id of the component whose label (or placeholder) starts with `label`."""
    for row in payload.get("components") or []:
        for component in row.get("components") or []:
            if (component.get("label") or component.get("placeholder") or "").startswith(label):
                return str(component["custom_id"])
    raise AssertionError(f"no component labelled {label!r} in {payload.get('components')}")


def run_marker(payload: dict[str, Any]) -> str:
    """Return the run marker a posted briefing carries in its components (never in what a reader sees)."""
    for row in payload.get("components") or []:
        for component in row.get("components") or []:
            if str(component.get("custom_id", "")).startswith("bb:b:"):
                return str(component["custom_id"])[5:]
    raise AssertionError("the post carries no run marker")
