"""The statistics page of concerns, consultations and reports of concern, mounted at /statistics/."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.casework import report_views

urlpatterns: list[URLPattern] = [
    path("", report_views.statistics, name="statistics"),
]
