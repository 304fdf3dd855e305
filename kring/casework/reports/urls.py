"""Social services' side of reports of concern, mounted at /reports/ (the school's filing pages share the prefix)."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.casework.reports import views as report_views

urlpatterns: list[URLPattern] = [
    path("inbox/", report_views.inbox, name="report_inbox"),
    path("<int:pk>/", report_views.report_detail, name="report_detail"),
    path("<int:pk>/receive/", report_views.receive, name="report_receive"),
    path("<int:pk>/assign/", report_views.assign, name="report_assign"),
    path("<int:pk>/handover/", report_views.hand_over, name="report_handover"),
    path("<int:pk>/protection/", report_views.protection, name="report_protection"),
    path("<int:pk>/decision/", report_views.decision, name="report_decision"),
    path("<int:pk>/extension/", report_views.extension, name="report_extension"),
    path("<int:pk>/match/", report_views.match_child, name="report_match_child"),
    path("<int:pk>/feedback/", report_views.feedback, name="report_feedback"),
]
