"""What hostile folders cost a command: a folder of many tiny files (with and without BRIEFBOT_MAX_FOLDER_FILES),
and the 476-byte YAML alias bomb beside ordinary files.

Each case runs `briefbot stories --json` in a fresh process, as a user would, and prints its wall time and peak
resident memory; the ratio compares the capped run with the uncapped one on the same folder.

    .venv/bin/python bench/hostile_folder.py [--files 10000] [--cap 1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LAUGHS = ("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
          + "".join(f"{name}: &{name} [{','.join([f'*{previous}'] * 9)}]\n"
                    for previous, name in zip("abcdefg", "bcdefgh", strict=True))
          + "title: [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n")


def tiny(number: int) -> str:
    return f"Dock worker {number} unloaded a ship at the harbour on Monday morning.\n"


def run(folder: Path, state: Path, **settings: str) -> tuple[float, float, int]:
    """Return wall seconds, peak RSS in MiB and the exit code of one `briefbot stories --json`."""
    env = {**os.environ, "BRIEFBOT_CORPUS_DIR": str(folder), "BRIEFBOT_STATE_DIR": str(state), **settings}
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", "stories", "--json"], env=env, capture_output=True,
                          check=False)
    elapsed = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    return elapsed, peak, done.returncode


def main() -> None:
    """Build the folders, run each case once, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--cap", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        many = root / "many"
        many.mkdir()
        for number in range(args.files):
            (many / f"{number:06d}.txt").write_text(tiny(number))
        bomb = root / "bomb"
        bomb.mkdir()
        for number in range(20):
            (bomb / f"{number:02d}.txt").write_text(tiny(number))
        (bomb / "laughs.txt").write_text(f"---\n{LAUGHS}---\n{tiny(99)}")
        print(f"alias bomb file: {(bomb / 'laughs.txt').stat().st_size} bytes")
        bombed = run(bomb, root / "s3")  # first: the peak RSS of children so far is this run's
        uncapped = run(many, root / "s1", BRIEFBOT_MAX_FOLDER_FILES=str(args.files))
        capped = run(many, root / "s2", BRIEFBOT_MAX_FOLDER_FILES=str(args.cap))
    print(f"{args.files:,} tiny files, all read:      {uncapped[0]:6.1f} s, exit {uncapped[2]}")
    print(f"{args.files:,} tiny files, cap {args.cap:,}:      {capped[0]:6.1f} s, exit {capped[2]} "
          f"({capped[0] / uncapped[0]:.2f}x the uncapped time)")
    print(f"20 files and the alias bomb:        {bombed[0]:6.1f} s, exit {bombed[2]}, peak RSS {bombed[1]:.0f} MiB "
          "(the bomb is skipped)")


if __name__ == "__main__":
    main()
