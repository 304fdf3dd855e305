from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from kring.people.identity import (
    age_on,
    is_test_series,
    luhn_digit,
    make_identity_number,
    parse_identity_number,
    registered_sex,
)

TODAY = dt.date(2026, 11, 22)


def test_parse_identity_number_accepts_the_common_forms() -> None:
    number = make_identity_number(dt.date(2014, 5, 17), 982)
    short = number[2:8] + "-" + number[8:]
    for text in (number, number[:8] + "-" + number[8:], short, short.replace("-", ""), f" {number[:8]} {number[8:]} "):
        parsed = parse_identity_number(text, today=TODAY)
        assert parsed.canonical == number
        assert parsed.birth_date == dt.date(2014, 5, 17)
        assert not parsed.is_coordination_number


def test_parse_identity_number_recognises_a_coordination_number() -> None:
    number = make_identity_number(dt.date(2011, 2, 3), 990, coordination=True)
    parsed = parse_identity_number(number, today=TODAY)
    assert parsed.is_coordination_number
    assert parsed.birth_date == dt.date(2011, 2, 3)
    assert number[6:8] == "63"


def test_parse_identity_number_with_plus_means_a_hundred_years_or_older() -> None:
    number = make_identity_number(dt.date(1920, 1, 1), 981)
    parsed = parse_identity_number(number[2:8] + "+" + number[8:], today=TODAY)
    assert parsed.birth_date.year == 1920


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "identity_number_format"),
        ("abc", "identity_number_format"),
        ("201405179", "identity_number_format"),
        ("20140517-9821", "identity_number_checksum"),
        ("20141317-9809", "identity_number_checksum"),
    ],
)
def test_parse_identity_number_rejects_bad_input_with_a_reason(text: str, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_identity_number(text, today=TODAY)
    assert raised.value.code == code


def test_parse_identity_number_rejects_an_impossible_date_with_a_valid_check_digit() -> None:
    nine = "1402309" + "80"  # 30 February
    text = f"20{nine}{luhn_digit(nine)}"
    with pytest.raises(ValidationError) as raised:
        parse_identity_number(text, today=TODAY)
    assert raised.value.code == "identity_number_date"


def test_parse_identity_number_rejects_a_birth_in_the_future() -> None:
    number = make_identity_number(dt.date(2027, 1, 1), 985)
    with pytest.raises(ValidationError) as raised:
        parse_identity_number(number, today=TODAY)
    assert raised.value.code == "identity_number_future"


@given(
    birth_date=st.dates(min_value=dt.date(1930, 1, 1), max_value=TODAY),
    birth_number=st.integers(min_value=980, max_value=999),
    coordination=st.booleans(),
)
def test_generated_test_series_numbers_always_validate(
    birth_date: dt.date, birth_number: int, coordination: bool
) -> None:
    number = make_identity_number(birth_date, birth_number, coordination=coordination)
    parsed = parse_identity_number(number, today=TODAY)
    assert parsed.birth_date == birth_date
    assert parsed.is_coordination_number == coordination
    assert is_test_series(parsed.canonical)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_a_changed_digit_is_caught(number: str) -> None:
    try:
        parsed = parse_identity_number(number, today=TODAY)
    except ValidationError:
        return
    wrong = parsed.canonical[:-1] + str((int(parsed.canonical[-1]) + 1) % 10)
    with pytest.raises(ValidationError):
        parse_identity_number(wrong, today=TODAY)


@pytest.mark.parametrize(
    ("number", "sex"),
    [
        (make_identity_number(dt.date(2014, 3, 1), 982), "girl"),
        (make_identity_number(dt.date(2014, 3, 1), 981), "boy"),
        ("20140301TF01", ""),  # a temporary number registers no sex
        ("", ""),
    ],
)
def test_the_registered_sex_is_the_second_last_digit(number: str, sex: str) -> None:
    assert registered_sex(number) == sex


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (dt.date(2016, 2, 29), dt.date(2026, 2, 28), 9),  # born on 29 February: a year older on 1 March
        (dt.date(2016, 2, 29), dt.date(2026, 3, 1), 10),
        (dt.date(2016, 2, 29), dt.date(2028, 2, 29), 12),
        (dt.date(2014, 12, 24), dt.date(2026, 12, 23), 11),
        (dt.date(2014, 12, 24), dt.date(2026, 12, 24), 12),
    ],
)
def test_age_in_whole_years(born: dt.date, day: dt.date, age: int) -> None:
    assert age_on(born, day) == age
