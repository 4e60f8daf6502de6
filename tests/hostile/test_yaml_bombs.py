"""Attack: YAML that expands without end ("billion laughs") and front matter of any size.

Before: a 476-byte file of nested aliases built a string of gigabytes; after 37 s a MemoryError ended the whole
load, so no command worked on that folder.
"""

from __future__ import annotations

import json
import resource

import pytest

from tests.hostile._processes import briefbot, cli_env
from tests.hostile.conftest import GOOD_SENTENCES

LAUGHS = ("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
          + "".join(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n"
                    for previous, name in zip("abcdefg", "bcdefgh", strict=True))
          + "title: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n")
BOMBS = {
    "laughs": LAUGHS,
    "merge": "base: &base {source: Wire}\n<<: *base\ntitle: Merged\n",
    "alias-as-title": "name: &n Port news\ntitle: *n\n",
}


def limited_memory() -> None:
    """Run the command with 1 GiB of address space: an expansion would fail fast instead of filling the host."""
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize("name", list(BOMBS))
def test_a_file_with_yaml_aliases_is_skipped_and_the_rest_loads(folder, tmp_path, name):
    (folder / f"{name}.txt").write_text(f"---\n{BOMBS[name]}---\n{GOOD_SENTENCES}")
    result = briefbot("stories", "--json", env=cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder)), cwd=tmp_path,
                      timeout=60, preexec_fn=limited_memory)
    assert result.returncode == 0, result.stderr
    assert f"skipped {name}.txt: has front matter with YAML anchors or aliases" in result.stderr
    assert sum(len(story["articles"]) for story in json.loads(result.stdout)["stories"]) == 2


def test_front_matter_over_the_limit_is_skipped_and_the_limit_is_a_setting(folder, tmp_path):
    padding = "".join(f"note{n}: {'x' * 60}\n" for n in range(400))  # about 27 KB
    (folder / "padded.txt").write_text(f"---\ntitle: Padded\n{padding}---\n{GOOD_SENTENCES}")
    env = cli_env(tmp_path, BRIEFBOT_CORPUS_DIR=str(folder))

    refused = briefbot("stories", "--json", env=env, cwd=tmp_path)
    assert refused.returncode == 0, refused.stderr
    assert "skipped padded.txt: has front matter over the 16,384-byte limit" in refused.stderr

    allowed = briefbot("stories", "--json", env={**env, "BRIEFBOT_MAX_FRONT_MATTER_BYTES": "65536"}, cwd=tmp_path)
    assert "padded" in {a for story in json.loads(allowed.stdout)["stories"] for a in story["articles"]}
