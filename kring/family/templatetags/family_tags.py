"""The case's coded values in the family's plain words (kring.family.words)."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

from kring.casework.models import ConsentDirection
from kring.family import words

register = template.Library()


@register.filter
def role_word(value: str) -> str:
    return words.word(words.ROLES, value)


@register.filter
def meeting_word(value: str) -> str:
    return words.word(words.MEETINGS, value)


@register.filter
def teller_word(value: str) -> str:
    return words.word(words.TELLERS, value)


@register.simple_tag
def shares_with_team(consent: object) -> list[tuple[str, list[str]]]:
    return words.consent_lines(consent, ConsentDirection.TO_TEAM)


@register.simple_tag
def team_shares_with(consent: object) -> list[tuple[str, list[str]]]:
    return words.consent_lines(consent, ConsentDirection.FROM_TEAM)


@register.simple_tag
def requested_lines(parties: list[str], categories: list[str]) -> list[tuple[str, list[str]]]:
    return words.request_lines(parties, categories)


@register.filter
def family_date(value: object) -> str:
    """A date as YYYY-MM-DD that stays one piece: isolated left to right inside right-to-left text (so Arabic does
    not turn it around) and never broken over two lines at its hyphens."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    if not isinstance(value, date):
        return ""
    return "\u2066" + value.strftime("%Y-%m-%d").replace("-", "-\u2060") + "\u2069"
