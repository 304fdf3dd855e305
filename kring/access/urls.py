from __future__ import annotations

from django.urls import URLPattern, path

from kring.access import views

urlpatterns: list[URLPattern] = [
    path("", views.audit_review, name="audit_review"),
]
