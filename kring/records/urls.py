from django.urls import path

from kring.records.archive import views as archive_views
from kring.records.retention import views

urlpatterns = [
    path("retention/", views.retention, name="records_retention"),
    path("retention/<str:record_type>/", views.edit_rule, name="records_rule"),
    path("archive/", archive_views.archive, name="records_archive"),
    path("archive/<str:record_type>/<int:pk>/export/", archive_views.export, name="records_archive_export"),
]
