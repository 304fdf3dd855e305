from __future__ import annotations

from django.urls import URLPattern, path

from kring.access import views

urlpatterns: list[URLPattern] = [
    path("", views.audit_review, name="audit_review"),
    path("record/", views.audit_review_record, name="audit_review_record"),
    path("reviews/", views.audit_reviews, name="audit_reviews"),
]
