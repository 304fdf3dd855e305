"""/api/v1/: the API (kring.api.api) and a problem-details 404 for anything else under it."""

from __future__ import annotations

from django.urls import path, re_path

from kring.api.api import api, not_found

urlpatterns = [
    path("v1/", api.urls),
    re_path(r"^v1/(?P<rest>.*)$", not_found),
]
