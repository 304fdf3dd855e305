from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from kring.directory import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("organisation/", include("kring.directory.admin_urls")),
]
