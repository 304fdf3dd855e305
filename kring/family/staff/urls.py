"""The staff's side of the family pages, outside the family namespace (a family session never reaches it)."""

from django.urls import path

from kring.family.staff import views

app_name = "family_staff"

urlpatterns = [
    path("child/<int:child_pk>/guardian-access/", views.guardian_access, name="guardian_access"),
    path("case/<int:pk>/child-voice/", views.voice_with_adult, name="voice_with_adult"),
    path("case/<int:pk>/letter.pdf", views.family_letter, name="family_letter"),
]
