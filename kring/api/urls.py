"""/api/v1/: the API (kring.api.api), with a problem-details 405 for a method an operation does not have and a 404
for any other path under it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, re_path
from django.utils.translation import gettext as _

from kring.api.api import api, not_found
from kring.api.problems import PROBLEM_CONTENT_TYPE, problem


def _method_problem(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a method an operation lacks with a plain-text 405; make it a problem."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_CONTENT_TYPE:
            allowed = response.get("Allow", "")
            detail = _("This operation answers only: %(methods)s.") % {"methods": allowed}
            return problem(request, 405, detail=detail, headers={"Allow": allowed})
        return response

    return wrapped


def _api_urls() -> Any:
    urls = api.urls
    for pattern in urls[0]:
        if isinstance(pattern, URLPattern):
            pattern.callback = _method_problem(pattern.callback)
    return urls


urlpatterns = [
    path("v1/", _api_urls()),
    re_path(r"^v1/(?P<rest>.*)$", not_found),
]
