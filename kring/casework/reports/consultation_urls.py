"""Routes of anonymous consultations; included under `consultations/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.casework.reports import concern_views as views

urlpatterns: list[URLPattern] = [
    path("", views.consultation_list, name="consultation_list"),
    path("new/", views.consultation_new, name="consultation_new"),
    path("<int:pk>/", views.consultation_detail, name="consultation_detail"),
    path("<int:pk>/close/", views.consultation_close, name="consultation_close"),
    path("<int:pk>/report/", views.consultation_report, name="consultation_report"),
]
