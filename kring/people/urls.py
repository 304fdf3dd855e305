from __future__ import annotations

from django.urls import URLPattern, path

from kring.people import views

urlpatterns: list[URLPattern] = [
    path("", views.child_search, name="child_search"),
    path("<int:pk>/", views.child_overview, name="child_overview"),
]
