"""The import history and the CSV upload, mounted at /school-data/."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.schooldata import import_views, settings_views

urlpatterns: list[URLPattern] = [
    path("imports/", import_views.import_list, name="schooldata_import_list"),
    path("imports/csv/", import_views.csv_upload, name="schooldata_import_csv"),
    path("imports/<int:pk>/", import_views.import_detail, name="schooldata_import_detail"),
    path("absence-settings/", settings_views.absence_settings, name="schooldata_absence_settings"),
]
