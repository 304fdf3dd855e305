"""docs/demo.md tells the truth about the demo logins."""

from __future__ import annotations

import random
from pathlib import Path

from kring.demo.management.commands.seed import DEFAULT_SEED
from kring.demo.staff import DEMO_ACCOUNTS, DEMO_PASSWORD, totp_secret

DOCS = Path(__file__).resolve().parents[2] / "docs" / "demo.md"


def test_demo_docs_list_every_login_with_the_secret_of_the_default_seed() -> None:
    text = DOCS.read_text()
    rng = random.Random(f"{DEFAULT_SEED}:totp")

    assert DEMO_PASSWORD in text
    for local, _ in DEMO_ACCOUNTS:
        assert f"| `{local}@demokommun.example` |" in text
        assert totp_secret(rng) in text
