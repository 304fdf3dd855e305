"""`{% submit_token %}`: a one-time token for a form, beside `{% csrf_token %}` (a builtin: no `{% load %}`)."""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from kring.access.middleware import SUBMIT_TOKEN

register = template.Library()


@register.simple_tag
def submit_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', SUBMIT_TOKEN, uuid.uuid4().hex)
