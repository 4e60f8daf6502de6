"""The hand-made development gold of bench/gold/: every sentence verbatim in the file and line it names."""

import hashlib
import json

import pytest

from tests.conftest import ROOT, TIMELINE17

GOLD = ROOT / "bench" / "gold"


def items(kind: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("kind", ["figures", "reversals"])
def test_each_gold_sentence_is_the_line_of_the_file_it_names_and_the_change_is_visible_at_its_step(kind):
    gold = items(kind)
    assert len(gold) >= 20 and len({item["id"] for item in gold}) == len(gold)
    for item in gold:
        for side in ("old", "new"):
            entry = item[side]
            body = (TIMELINE17 / entry["file"]).read_text(encoding="utf-8").split("\n---\n", 1)[1]
            assert body.splitlines()[entry["line"]] == entry["text"], (item["id"], side)
            assert hashlib.sha1(entry["text"].encode()).hexdigest() == entry["sha1"]  # noqa: S324 - a checksum
            assert entry["file"].startswith(f"{item['story']}/articles/{entry['date']}_")
        assert item["old"]["date"] < item["step"] == item["new"]["date"], item["id"]
        if "since" in item:  # a multi-day window that holds the claim and what undoes it
            assert item["since"] <= item["old"]["date"], item["id"]
        if kind == "figures":
            assert item["old"]["value"] != item["new"]["value"] and item["direction"] in ("up", "down")


def test_the_pairs_judged_by_hand_each_carry_a_verdict():
    judged = [json.loads(line) for line in (GOLD / "judged.jsonl").read_text(encoding="utf-8").splitlines() if line]
    assert judged and {entry["verdict"] for entry in judged} == {"right", "wrong"}
