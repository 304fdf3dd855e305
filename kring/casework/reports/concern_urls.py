"""Routes of concerns (oro) in school; included under `concerns/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.casework.reports import concern_views as views

urlpatterns: list[URLPattern] = [
    path("", views.concern_list, name="concern_list"),
    path("new/<int:child_pk>/", views.concern_new, name="concern_new"),
    path("<int:pk>/", views.concern_detail, name="concern_detail"),
    path("<int:pk>/triage/", views.concern_triage, name="concern_triage"),
    path("<int:pk>/close/", views.concern_close, name="concern_close"),
]
