from __future__ import annotations

from django.urls import URLPattern, path

from kring.directory.sso import views

app_name = "sso"

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/", views.start, name="start"),
    path("<slug:slug>/oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("<slug:slug>/saml/acs/", views.saml_acs, name="saml_acs"),
    path("<slug:slug>/saml/metadata/", views.saml_metadata, name="saml_metadata"),
]
