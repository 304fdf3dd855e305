"""`{{ value|count_cell }}`: a published count, or the mark of a suppressed one (".." to the eye, "hidden" to a
screen reader). A filter, not an include: a table of a large municipality has thousands of cells."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def count_cell(value: int | None) -> SafeString:
    if value is None:
        return format_html('<span aria-hidden="true">..</span><span class="visually-hidden">{}</span>', _("hidden"))
    return format_html("{}", value)
