"""Routes of the prevention work; included under `prevention/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.prevention.programmes import views as programme_views
from kring.prevention.surveys import views as survey_views
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
    path("programmes/", programme_views.programme_list, name="prevention_programmes"),
    path("programmes/new/", programme_views.programme_new, name="prevention_programme_new"),
    path("programmes/<int:pk>/", programme_views.programme_detail, name="prevention_programme"),
    path("programmes/<int:pk>/edit/", programme_views.programme_edit, name="prevention_programme_edit"),
    path("programmes/<int:pk>/reach.svg", programme_views.reach_chart, name="prevention_reach_chart"),
    path(
        "programmes/<int:pk>/schools/<int:unit_id>/",
        programme_views.programme_school,
        name="prevention_programme_school",
    ),
    path("pupil-mentors/<int:pk>/remove/", programme_views.mentor_remove, name="prevention_mentor_remove"),
    path("surveys/", survey_views.survey_list, name="prevention_surveys"),
    path("surveys/new/", survey_views.series_new, name="prevention_survey_new"),
    path("surveys/questionnaires/new/", survey_views.questionnaire_new, name="prevention_questionnaire_new"),
    path("surveys/<int:pk>/", survey_views.series_detail, name="prevention_survey"),
    path("surveys/<int:pk>/letter/", survey_views.guardian_letter, name="prevention_guardian_letter"),
    path("surveys/<int:pk>/results/", survey_views.results, name="prevention_survey_results"),
    path("surveys/<int:pk>/results.csv", survey_views.results_csv, name="prevention_survey_results_csv"),
    path("surveys/<int:pk>/results.svg", survey_views.results_chart, name="prevention_survey_results_chart"),
    path("surveys/waves/<int:pk>/classes/", survey_views.wave_add_class, name="prevention_wave_add_class"),
    path("surveys/classes/<int:pk>/codes/", survey_views.class_codes, name="prevention_class_codes"),
]
