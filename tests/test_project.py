"""Project-level promises: the README's commands are the ones CI runs, vendored files are what VENDORED.md says."""

from __future__ import annotations

import hashlib
import re
import shutil
import sys
from pathlib import Path

import pytest

from kring.cli import command_name

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


def test_command_hints_name_the_venv_path_when_kring_is_not_on_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    installed = Path(sys.executable).parent / "kring"

    expected = str(installed.relative_to(ROOT)) if installed.is_relative_to(ROOT) else str(installed)
    assert command_name() == expected


def test_command_hints_say_kring_when_it_is_on_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: str(Path(sys.executable).parent / name))

    assert command_name() == "kring"


def test_docs_stand_alone_without_pointers_outside_the_repository() -> None:
    texts = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
    outside = [str(path.relative_to(ROOT)) for path in texts if "../shared" in path.read_text()]

    assert outside == []


def test_every_code_path_and_test_named_in_the_rules_exists() -> None:
    """docs/rules.md names, for each rule, where the code enforces it and which test checks it: both must exist."""
    rules = (ROOT / "docs" / "rules.md").read_text()
    tests = re.findall(r"`(tests/[\w/]+\.py)::(\w+)", rules)
    paths = set(re.findall(r"`((?:kring|templates)/[\w/.-]+\.(?:py|html))`", rules))

    missing_tests = [f"{path}::{name}" for path, name in tests if f"def {name}(" not in (ROOT / path).read_text()]
    missing_paths = sorted(path for path in paths if not (ROOT / path).exists())

    assert len(tests) > 50 and len(paths) > 20
    assert missing_tests == [] and missing_paths == []
