from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kring.directory.today import menu_counts


def work_counts(request: HttpRequest) -> dict[str, Any]:
    """The counts beside the menu items (work waiting), in one query, only when a page shows the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_counts": {}}
    return {"nav_counts": SimpleLazyObject(lambda: menu_counts(user))}
