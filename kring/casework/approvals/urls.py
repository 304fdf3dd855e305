"""Routes of approvals; included under `approvals/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.casework.approvals import views

urlpatterns: list[URLPattern] = [
    path("settings/", views.approval_settings, name="approval_settings"),
    path("<int:pk>/", views.approval_detail, name="approval_detail"),
    path("<int:pk>/approve/", views.approve, name="approval_approve"),
    path("<int:pk>/return/", views.return_step, name="approval_return"),
]
