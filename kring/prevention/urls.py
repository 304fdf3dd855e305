"""Routes of the prevention work; included under `prevention/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.prevention.tryggbas import views

urlpatterns: list[URLPattern] = [
    path("", views.prevention_home, name="prevention_home"),
    path("classes/<int:group_id>/", views.class_sheet, name="prevention_class"),
    path("classes/<int:group_id>/review/", views.class_review, name="prevention_class_review"),
    path("classes/<int:group_id>/staff/", views.class_staff, name="prevention_class_staff"),
    path(
        "classes/<int:group_id>/pupils/<int:child_id>/safe-adult/",
        views.save_safe_adult,
        name="prevention_safe_adult",
    ),
    path("classes/<int:group_id>/pupils/<int:child_id>/rating/", views.save_rating, name="prevention_rating"),
    path("classes/<int:group_id>/pupils/<int:child_id>/agreed/", views.save_agreed, name="prevention_agreed"),
    path("class-staff/<int:pk>/end/", views.class_staff_end, name="prevention_class_staff_end"),
    path("schools/<int:unit_id>/", views.school_coverage, name="prevention_coverage"),
    path("schools/<int:unit_id>/coverage.svg", views.coverage_chart, name="prevention_coverage_chart"),
    path("schools/<int:unit_id>/wellbeing.svg", views.wellbeing_chart, name="prevention_wellbeing_chart"),
    path("schools/<int:unit_id>/gaps/", views.school_gaps, name="prevention_gaps"),
    path("relations/<int:pk>/follow-up/", views.relation_follow_up, name="prevention_follow_up"),
    path("next-steps/<int:pk>/done/", views.step_done, name="prevention_step_done"),
    path("municipality/", views.municipality, name="prevention_municipality"),
    path("municipality/coverage.svg", views.municipality_chart, name="prevention_municipality_chart"),
    path("child/<int:child_pk>/", views.child_section, name="prevention_child"),
]
