"""Organisation admin pages (for administrators and coordinators)."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.directory import admin_views

urlpatterns: list[URLPattern] = [
    path("", admin_views.directory_admin, name="directory_admin"),
]
