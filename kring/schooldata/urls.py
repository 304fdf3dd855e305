"""Routes of the early warning of absence and the investigations of absence; included under `absence/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.schooldata import views

urlpatterns: list[URLPattern] = [
    path("", views.early_warning_units, name="absence_units"),
    path("<int:unit_id>/", views.early_warning, name="absence_early_warning"),
    path(
        "<int:unit_id>/investigate/<int:child_id>/",
        views.investigation_start,
        name="absence_investigation_start",
    ),
    path("child/<int:child_pk>/", views.child_absence, name="absence_child"),
    path("investigations/<int:pk>/", views.investigation_detail, name="absence_investigation"),
    path("investigations/<int:pk>/close/", views.investigation_close, name="absence_investigation_close"),
]
