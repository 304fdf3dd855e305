"""`{% law "key" %}`: a provision cited from the one table (`kring/legal.py`), never spelled out in a template."""

from __future__ import annotations

from django import template

from kring.legal import cite

register = template.Library()


@register.simple_tag
def law(key: str) -> str:
    return cite(key)
