"""The pupils' survey pages, without login; included under `enkat/` (short to type on a school tablet)."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.prevention.surveys import answering

urlpatterns: list[URLPattern] = [
    path("", answering.survey_start, name="survey_start"),
    path("svara/", answering.survey_step, name="survey_step"),
]
