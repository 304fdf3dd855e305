"""The statistics pages, mounted at /statistics/."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.insights import views
from kring.insights.evaluation import views as evaluation_views
from kring.insights.investment import views as investment_views
from kring.insights.research import views as research_views

urlpatterns: list[URLPattern] = [
    path("", views.statistics, name="statistics"),
    path("terms/", views.statistics_by_term, name="statistics_by_term"),
    path("terms/chart.svg", views.statistics_by_term_chart, name="statistics_by_term_chart"),
    path("terms/statistics.csv", views.statistics_by_term_csv, name="statistics_by_term_csv"),
    path("violence/", views.violence, name="violence"),
    path("violence/chart.svg", views.violence_chart, name="violence_chart"),
    path("evaluation/", evaluation_views.evaluation, name="evaluation"),
    path("evaluation/attendance.svg", evaluation_views.evaluation_chart, name="evaluation_chart"),
    path("investment/", investment_views.investment, name="investment"),
    path("investment/chart.svg", investment_views.investment_chart, name="investment_chart"),
    path("investment/report.pdf", investment_views.investment_report, name="investment_report"),
    path("research/", research_views.studies, name="research_studies"),
    path("research/<int:pk>/", research_views.study, name="research_study"),
    path("research/<int:pk>/release/", research_views.release, name="research_release"),
]
