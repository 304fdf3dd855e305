"""Disclosure control of a study's data set, checked before release: k-anonymity on the identifying variables.

A row whose combination of identifying values is shared by fewer than `K` rows has those values suppressed
(`SUPPRESSED`); if the suppressed rows are themselves fewer than `K`, they are left out. The result is checked
again: every combination of identifying values in the release is shared by at least `K` rows, or nothing is
released."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

K = 5
SUPPRESSED = "*"


class NotAnonymous(Exception):
    """The data set could not be made k-anonymous: nothing is released."""


@dataclass(frozen=True)
class Controlled:
    rows: list[dict[str, str]]
    generalised: int
    dropped: int


def classes(rows: Sequence[dict[str, str]], identifying: Sequence[str]) -> Counter[tuple[str, ...]]:
    return Counter(tuple(row[name] for name in identifying) for row in rows)


def k_anonymous(rows: Sequence[dict[str, str]], identifying: Sequence[str], k: int = K) -> Controlled:
    """The rows with every combination of identifying values shared by at least `k` rows (see the module)."""
    sizes = classes(rows, identifying)
    kept, suppressed = [], []
    for row in rows:
        if sizes[tuple(row[name] for name in identifying)] >= k:
            kept.append(row)
        else:
            suppressed.append(row | dict.fromkeys(identifying, SUPPRESSED))
    dropped = 0
    if len(suppressed) >= k:
        kept += suppressed
    else:
        dropped = len(suppressed)
    if len(kept) < k or min(classes(kept, identifying).values(), default=k) < k:
        raise NotAnonymous
    return Controlled(kept, len(suppressed) if not dropped else 0, dropped)
