"""What every view of the organisation admin shares."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import QueryDict

from kring.directory.http import AuthenticatedRequest
from kring.directory.queries import is_directory_manager

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def manager_required(view: View) -> View:
    """404 for anyone who may not manage the directory: not even the admin's existence leaks.
    Goes under @login_required."""

    @wraps(view)
    def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_directory_manager(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def posted(request: HttpRequest) -> QueryDict | None:
    """The POST data to bind a form to, or None on GET (so that an empty POST still shows its errors)."""
    return request.POST if request.method == "POST" else None


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PAGE_SIZE) -> Page[Any]:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
