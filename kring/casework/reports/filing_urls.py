"""Routes of filing a report of concern and following one's own reports; included under `reports/` (social
services' pages are in `report_urls`)."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.casework.reports import concern_views as views

urlpatterns: list[URLPattern] = [
    path("new/", views.report_new_by_number, name="report_new_by_number"),
    path("new/<int:child_pk>/", views.report_new, name="report_new"),
    path("mine/", views.report_mine, name="report_mine"),
]
