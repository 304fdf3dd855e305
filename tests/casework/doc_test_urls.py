"""Test-only routes: the project's, plus the TSI cases under `cases/` until `kring/urls.py` includes them itself
(then this module adds a harmless duplicate and can be deleted)."""

from django.urls import include, path

from kring.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("cases/", include("kring.casework.urls"))]
