"""Project-level promises: the README's commands are the ones CI runs, vendored files are what VENDORED.md says."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```(?:bash|sh)\n(.+?)\n```", text)[:2]


def test_readme_opens_with_the_two_commands() -> None:
    start, test = _readme_commands()
    assert "kring demo" in start
    assert "pytest" in test


def test_ci_runs_the_readme_test_command() -> None:
    _, test = _readme_commands()
    assert test in (ROOT / ".ci" / "run").read_text()


def test_vendored_files_match_their_recorded_hashes() -> None:
    manifest = (ROOT / "static" / "vendor" / "VENDORED.md").read_text()
    rows = re.findall(r"\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|", manifest)
    assert rows
    for path, digest in rows:
        assert hashlib.sha256((ROOT / "static" / "vendor" / path).read_bytes()).hexdigest() == digest
