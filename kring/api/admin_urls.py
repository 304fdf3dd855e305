from __future__ import annotations

from django.urls import URLPattern, path

from kring.api import admin_views

urlpatterns: list[URLPattern] = [
    path("", admin_views.token_list, name="api_token_list"),
    path("new/", admin_views.token_create, name="api_token_create"),
    path("<int:pk>/revoke/", admin_views.token_revoke, name="api_token_revoke"),
]
