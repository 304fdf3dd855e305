"""Template filters of the survey results: a question in the reader's language, shares and differences as per cent."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

register = template.Library()


@register.filter
def question_text(question: Any) -> str:
    return str(question.text(get_language() or "sv"))


@register.filter
def percent(share: float | None) -> str:
    return "–" if share is None else f"{number_format(100 * share, 0)} %"


@register.filter
def points(difference: float | None) -> str:
    """A difference of shares in percentage points, with its sign."""
    if difference is None:
        return "–"
    value = 100 * difference
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{number_format(abs(value), 1)}"


@register.filter
def get_item(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key, [])
