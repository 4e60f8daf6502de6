"""Recognise an item seen before: the same GUID, the same canonical URL, or (MinHash LSH) the same text.

An item already known by GUID or URL is the same item again and is dropped. Text that is nearly identical to
an article already held is dropped when it comes from the same outlet (a re-post under a new URL), and kept
when another outlet carries it: it is then a copy, which adds a source to the story instead of a new story.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from briefings.feeds import canonical_url

NEAR_IDENTICAL = 0.8  # estimated Jaccard similarity of word 5-shingles
PERMUTATIONS = 128
_WORD = re.compile(r"\w+")
_ROWS_AT_ONCE = 32_768  # shingles hashed in one array (x 128 permutations x 4 bytes: 16 MiB)


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

    def known(self, guid: str | None, url: str | None) -> Verdict | None:
        """Say whether an item is one held by its GUID or URL (cheap: no text compared); None if not."""
        if guid and guid in self._guids:
            return Verdict(False, self._guids[guid], "guid")
        canonical = canonical_url(url) if url else None
        if canonical and canonical in self._urls:
            return Verdict(False, self._urls[canonical], "url")
        return None

    def check(self, guid: str | None, url: str | None, text: str, outlet: str | None,
              signature: Any = None) -> Verdict:  # noqa: ANN401 - datasketch is untyped
        """Say whether an item is new, without remembering it (`signature`: the text's, from `signatures`)."""
        held = self.known(guid, url)
        if held is not None:
            return held
        if not text.strip():
            return Verdict(True)
        for other in self._lsh.query(signature if signature is not None else _minhash(text)):
            if self._outlets.get(other) == outlet:
                return Verdict(False, other, "text")
            return Verdict(True, other, "copy")
        return Verdict(True)

    def remember(self, article_id: str, guid: str | None, url: str | None, text: str, outlet: str | None,
                 signature: Any = None) -> None:  # noqa: ANN401 - datasketch is untyped
        """Hold an accepted item (`signature`: its text's, from `signatures`)."""
        if guid:
            self._guids[guid] = article_id
        if url:
            self._urls[canonical_url(url)] = article_id
        if article_id not in self._outlets and text.strip():
            self._lsh.insert(article_id, signature if signature is not None else _minhash(text))
        self._outlets[article_id] = outlet


def signatures(texts: Sequence[str]) -> list[Any]:
    """Return the MinHash signatures of many texts at once: each equal to the one `_minhash` makes alone.

    datasketch hashes each shingle, mixes it and applies 128 affine permutations, one text at a time (about 0.1
    ms a text in NumPy calls); here the permutations of every shingle of a batch are one array operation and
    each text's minimum a reduction over its rows, so 55,000 feed items cost a fraction of a second, not 15 s.
    """
    import numpy as np  # noqa: PLC0415
    from datasketch import MinHash  # noqa: PLC0415
    from datasketch.minhash import _fmix  # noqa: PLC0415 - the finalizer datasketch applies (its scheme affine32)

    permutations, scheme = _permutations()
    if scheme != "affine32":  # another datasketch: its own way, one at a time
        return [_minhash(text) for text in texts]
    a, b = permutations
    state = vars(MinHash(num_perm=PERMUTATIONS, permutations=permutations, scheme=scheme))
    made: list[Any] = []
    start = 0
    while start < len(texts):
        hashes: list[int] = []
        counts: list[int] = []
        end = start
        while end < len(texts) and (end == start or len(hashes) < _ROWS_AT_ONCE):
            shingles = _shingles(texts[end])
            hashes.extend(int.from_bytes(hashlib.sha1(shingle.encode("utf-8")).digest()[:4], "little")  # noqa: S324
                          for shingle in shingles)
            counts.append(len(shingles))
            end += 1
        mixed = _fmix(np.array(hashes, dtype=np.uint32), 32)
        permuted = a[:, None] * mixed[None, :] + b[:, None]  # modulo 2**32, as datasketch's affine32
        firsts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        for row in np.minimum.reduceat(permuted, firsts, axis=1).T.copy():
            signature = MinHash.__new__(MinHash)  # as a copy is made (its state), not checked again for each text
            signature.__dict__.update(state, hashvalues=row)
            made.append(signature)
        start = end
    return made


def _minhash(text: str) -> Any:  # noqa: ANN401 - datasketch is untyped
    from datasketch import MinHash  # noqa: PLC0415

    permutations, scheme = _permutations()
    signature = MinHash(num_perm=PERMUTATIONS, permutations=permutations, scheme=scheme)
    signature.update_batch([shingle.encode("utf-8") for shingle in _shingles(text)])
    return signature


def _shingles(text: str) -> set[str]:
    """Return a text's word 5-shingles (a text of fewer words: all of them as one)."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + 5]) for i in range(max(len(words) - 4, 1))}


@cache
def _permutations() -> tuple[Any, str]:
    """Return the hash permutations (the same for every signature: made once, not 200 µs for each item)."""
    from datasketch import MinHash  # noqa: PLC0415

    template = MinHash(num_perm=PERMUTATIONS)
    return template.permutations, template.scheme
