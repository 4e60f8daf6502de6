"""Recognise an item seen before: the same GUID, the same canonical URL, or (MinHash LSH) the same text.

An item already known by GUID or URL is the same item again and is dropped. Text that is nearly identical to
an article already held is dropped when it comes from the same outlet (a re-post under a new URL), and kept
when another outlet carries it: it is then a copy, which adds a source to the story instead of a new story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from briefings.feeds import canonical_url

NEAR_IDENTICAL = 0.8  # estimated Jaccard similarity of word 5-shingles
PERMUTATIONS = 128
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether an item is new, and if not, which held article it repeats."""

    new: bool
    same_as: str | None = None
    reason: str | None = None  # "guid", "url", "text" (same outlet) or "copy" (another outlet: kept)


class Deduplicator:
    """Remembers the items it has accepted."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH  # noqa: PLC0415 - loaded only where items are ingested

        self._guids: dict[str, str] = {}
        self._urls: dict[str, str] = {}
        self._outlets: dict[str, str | None] = {}
        self._lsh: Any = MinHashLSH(threshold=NEAR_IDENTICAL, num_perm=PERMUTATIONS)

    def check(self, guid: str | None, url: str | None, text: str, outlet: str | None) -> Verdict:
        """Say whether an item is new, without remembering it."""
        if guid and guid in self._guids:
            return Verdict(False, self._guids[guid], "guid")
        canonical = canonical_url(url) if url else None
        if canonical and canonical in self._urls:
            return Verdict(False, self._urls[canonical], "url")
        for other in self._lsh.query(_minhash(text)) if text.strip() else []:
            if self._outlets.get(other) == outlet:
                return Verdict(False, other, "text")
            return Verdict(True, other, "copy")
        return Verdict(True)

    def remember(self, article_id: str, guid: str | None, url: str | None, text: str, outlet: str | None) -> None:
        """Hold an accepted item."""
        if guid:
            self._guids[guid] = article_id
        if url:
            self._urls[canonical_url(url)] = article_id
        if article_id not in self._outlets and text.strip():
            self._lsh.insert(article_id, _minhash(text))
        self._outlets[article_id] = outlet


def _minhash(text: str) -> Any:  # noqa: ANN401 - datasketch is untyped
    from datasketch import MinHash  # noqa: PLC0415

    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + 5]) for i in range(max(len(words) - 4, 1))}
    permutations, scheme = _permutations()
    signature = MinHash(num_perm=PERMUTATIONS, permutations=permutations, scheme=scheme)
    signature.update_batch([shingle.encode("utf-8") for shingle in shingles])
    return signature


@cache
def _permutations() -> tuple[Any, str]:
    """Return the hash permutations (the same for every signature: made once, not 200 µs for each item)."""
    from datasketch import MinHash  # noqa: PLC0415

    template = MinHash(num_perm=PERMUTATIONS)
    return template.permutations, template.scheme
