"""Routes of handovers; included under `handovers/` (the offers hang under the case and the report)."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.casework.handovers import views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/", views.handover_detail, name="handover_detail"),
    path("<int:pk>/accept/", views.accept, name="handover_accept"),
    path("<int:pk>/decline/", views.decline, name="handover_decline"),
    path("<int:pk>/revoke/", views.revoke, name="handover_revoke"),
]
