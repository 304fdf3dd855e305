"""Text for a CSV that a spreadsheet opens: never read as a formula."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(label: str) -> str:
    """A label as a spreadsheet reads it: never as a formula (a unit's name is typed by an administrator)."""
    return f"'{label}" if label[:1] in FORMULA_STARTS else label
