from django.urls import path

from kring.records.retention import views

urlpatterns = [
    path("retention/", views.retention, name="records_retention"),
    path("retention/<str:record_type>/", views.edit_rule, name="records_rule"),
]
