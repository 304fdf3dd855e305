"""Identity numbers for generated people: only Skatteverket's test series (birth numbers 980-999).

Twenty birth numbers per date, ten for girls (even third digit) and ten for boys (odd): a birth year holds 3,650
personnummer per sex. The pool hands them out in a shuffled order so birth dates spread over the year, and falls
back on samordningsnummer (coordination numbers, day + 60) when a year is full, or when asked for one.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from kring.people.identity import make_identity_number

TEST_SERIES = range(980, 1000)
# The third digit of the birth number is even for women and odd for men.
_SERIALS = {female: [serial for serial in TEST_SERIES if (serial % 2 == 0) == female] for female in (True, False)}
_PER_SEX = len(_SERIALS[True])


@dataclass(frozen=True)
class Identity:
    identity_number: str
    birth_date: date
    coordination: bool


class IdentityPoolExhausted(RuntimeError):
    pass


class _LazyShuffle:
    """Draws 0..size-1 in a random order without building the whole list (Fisher-Yates, swaps kept sparse)."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.size = size
        self.rng = rng
        self.drawn = 0
        self.swaps: dict[int, int] = {}

    def draw(self) -> int | None:
        if self.drawn >= self.size:
            return None
        pick = self.rng.randrange(self.drawn, self.size)
        value = self.swaps.get(pick, pick)
        self.swaps[pick] = self.swaps.get(self.drawn, self.drawn)
        self.drawn += 1
        return value


class IdentityPool:
    """Unique identity numbers in the test series, drawn deterministically from one random generator."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._orders: dict[tuple[int, bool, bool], _LazyShuffle] = {}

    def _next_slot(self, year: int, female: bool, coordination: bool) -> tuple[date, int] | None:
        key = (year, female, coordination)
        if key not in self._orders:
            days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
            self._orders[key] = _LazyShuffle(days * _PER_SEX, self._rng)
        slot = self._orders[key].draw()
        if slot is None:
            return None
        day, serial_index = divmod(slot, _PER_SEX)
        return date(year, 1, 1) + timedelta(days=day), _SERIALS[female][serial_index]

    def take(self, year: int, *, female: bool, coordination: bool = False) -> Identity:
        """A new number for someone born in `year`; a coordination number if asked for, or when the year is full."""
        for use_coordination in (coordination, True):
            slot = self._next_slot(year, female, use_coordination)
            if slot is not None:
                birth_date, serial = slot
                number = make_identity_number(birth_date, serial, coordination=use_coordination)
                return Identity(number, birth_date, use_coordination)
        raise IdentityPoolExhausted(f"no test-series identity numbers left for {year}")
