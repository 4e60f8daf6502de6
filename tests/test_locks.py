"""The two lock files pin the same versions: the tests run what users install."""

from __future__ import annotations

import re

from tests.conftest import ROOT

_PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", re.MULTILINE)


def pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text(encoding="utf-8")
    return {package.lower().replace("_", "-"): version for package, version in _PIN.findall(text)}


def test_every_runtime_pin_is_the_same_in_the_dev_lock():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert runtime, "requirements.lock pins nothing"
    differing = {name: (version, dev.get(name)) for name, version in runtime.items() if dev.get(name) != version}
    assert differing == {}, "regenerate both with `python3 tasks.py lock`"


def test_lock_files_name_no_machine_specific_index():
    for name in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert "file://" not in text and "--find-links" not in text
