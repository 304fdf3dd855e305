"""Routes of the printable case documents; included under `cases/` by `kring.casework.tsi.urls`."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.casework.tsi import document_views as views

urlpatterns: list[URLPattern] = [
    path("<int:pk>/plan/<int:number>.pdf", views.plan_pdf, name="casework_plan_pdf"),
    path("<int:pk>/plan/history/", views.plan_history, name="casework_plan_history"),
    path("<int:pk>/letter/", views.information_letter, name="casework_information_letter"),
    path("<int:pk>/letter.pdf", views.information_letter_pdf, name="casework_information_letter_pdf"),
    path("<int:pk>/outcomes.svg", views.outcome_chart, name="casework_outcome_chart"),
]
