"""Casework's routes: the TSI cases, and the concerns, consultations and reports of concern."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("cases/", include("kring.casework.tsi.urls")),
    path("concerns/", include("kring.casework.reports.concern_urls")),
    path("consultations/", include("kring.casework.reports.consultation_urls")),
    path("reports/", include("kring.casework.reports.filing_urls")),
    path("reports/", include("kring.casework.reports.urls")),
    path("handovers/", include("kring.casework.handovers.urls")),
    path("approvals/", include("kring.casework.approvals.urls")),
]
