from django.urls import path

from kring.records.archive import views as archive_views
from kring.records.extracts import views as extracts
from kring.records.retention import views

urlpatterns = [
    path("retention/", views.retention, name="records_retention"),
    path("retention/<str:record_type>/", views.edit_rule, name="records_rule"),
    path("extracts/", extracts.extracts, name="records_extracts"),
    path("extracts/new/", extracts.new_request, name="records_extract_new"),
    path("extracts/<int:pk>/", extracts.extract, name="records_extract"),
    path("extracts/<int:pk>/compile/", extracts.compile_extract, name="records_extract_compile"),
    path("extracts/<int:pk>/review/", extracts.review, name="records_extract_review"),
    path("extracts/<int:pk>/release/", extracts.release, name="records_extract_release"),
    path("extracts/<int:pk>/correct/", extracts.correct, name="records_extract_correct"),
    path("extracts/<int:pk>/extract.<str:file_format>", extracts.download, name="records_extract_file"),
    path("archive/", archive_views.archive, name="records_archive"),
    path("archive/<str:record_type>/<int:pk>/export/", archive_views.export, name="records_archive_export"),
]
