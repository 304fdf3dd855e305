"""allauth mounts each provider's URLs under /accounts/ from its package; the e-ID provider has none there on
purpose: its login and strict callback are the family pages' own (kring.family.urls), so allauth's lenient
OpenID Connect callback is never reachable."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
