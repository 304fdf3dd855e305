"""Swedish identity numbers: personnummer and samordningsnummer (coordination numbers).

Stored as twelve digits `YYYYMMDDNNNC`. A samordningsnummer adds 60 to the day of birth. The check digit `C` is
the Luhn digit of the ten digits `YYMMDDNNN`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$")


def luhn_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


@dataclass(frozen=True)
class IdentityNumber:
    canonical: str  # YYYYMMDDNNNC
    birth_date: date
    is_coordination_number: bool

    def formatted(self) -> str:
        return f"{self.canonical[:8]}-{self.canonical[8:]}"


def parse_identity_number(raw: str, *, today: date | None = None) -> IdentityNumber:
    """Parse and validate; raise ValidationError with a message a person can act on."""
    text = re.sub(r"\s", "", raw or "")
    match = _PATTERN.match(text)
    if not match:
        raise ValidationError(
            _("Write the identity number as YYYYMMDD-NNNN (twelve digits)."), code="identity_number_format"
        )
    century, year, month, day, separator, serial, check = match.groups()
    day_number = int(day)
    coordination = day_number > 60
    if coordination:
        day_number -= 60
    if luhn_digit(f"{year}{month}{day}{serial}") != int(check):
        raise ValidationError(
            _("The check digit is wrong: check the identity number for a typing error."),
            code="identity_number_checksum",
        )
    reference = today or date.today()  # noqa: DTZ011 (a date of birth has no time zone)
    full_year = int(century + year) if century else _infer_year(int(year), separator, reference)
    try:
        birth_date = date(full_year, int(month), day_number)
    except ValueError as error:
        raise ValidationError(
            _("The identity number does not contain a valid date of birth."), code="identity_number_date"
        ) from error
    if birth_date > reference:
        raise ValidationError(_("The date of birth is in the future."), code="identity_number_future")
    canonical = f"{full_year:04d}{month}{day}{serial}{check}"
    return IdentityNumber(canonical, birth_date, coordination)


# A temporary number that a school register gives a pupil with neither a personal nor a coordination number: the
# date of birth, then two letters where the birth number's first places are (SS 12000's example: 20130101TF01).
_TEMPORARY = re.compile(r"^(\d{4})(\d{2})(\d{2})([A-Za-z]{2}\d{2})$")


def is_temporary_number(value: str) -> bool:
    return bool(_TEMPORARY.match(value or ""))


def parse_temporary_number(raw: str) -> tuple[str, date]:
    """A temporary number (upper case) and the date of birth in it; ValidationError if it is not one."""
    match = _TEMPORARY.match((raw or "").strip())
    if not match:
        raise ValidationError(_("Not a temporary identity number."), code="temporary_number_format")
    year, month, day, rest = match.groups()
    try:
        birth_date = date(int(year), int(month), int(day))
    except ValueError as error:
        raise ValidationError(
            _("The identity number does not contain a valid date of birth."), code="identity_number_date"
        ) from error
    return f"{year}{month}{day}{rest.upper()}", birth_date


def _infer_year(two_digit_year: int, separator: str, today: date) -> int:
    year = today.year - (today.year - two_digit_year) % 100
    if separator == "+":
        year -= 100
    return year


def is_test_series(canonical: str) -> bool:
    """Skatteverket's test series: birth numbers 980-999 are never given to real people."""
    return 980 <= int(canonical[8:11]) <= 999


def make_identity_number(birth_date: date, birth_number: int, *, coordination: bool = False) -> str:
    """Build a valid twelve-digit number (used by the demo and tests, always with a test-series birth number)."""
    day = birth_date.day + (60 if coordination else 0)
    first_nine = f"{birth_date:%y%m}{day:02d}{birth_number:03d}"
    return f"{birth_date.year:04d}{first_nine[2:]}{luhn_digit(first_nine)}"


def identity_index(number: str) -> str:
    """The keyed blind index of an identity number (HMAC-SHA256 under `KRING_IDENTITY_INDEX_KEY`): what a login
    with e-ID is matched on, so that the number the e-ID gives is never stored a second time. Empty for a record
    with no number."""
    digits = (number or "").strip()
    if not digits.isdigit():
        return ""
    key = settings.KRING_IDENTITY_INDEX_KEY.encode()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def registered_sex(identity_number: str) -> str:
    """ "girl" or "boy" as a personal or coordination number registers it (the second last digit: odd for a boy), or
    "" when the child has none (a temporary number, or none at all)."""
    if len(identity_number) != 12 or not identity_number.isdigit():
        return ""
    return "boy" if int(identity_number[10]) % 2 else "girl"
