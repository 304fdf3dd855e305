"""The statistics page of concerns, consultations and reports of concern, mounted at /statistics/."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.insights import views

urlpatterns: list[URLPattern] = [
    path("", views.statistics, name="statistics"),
]
