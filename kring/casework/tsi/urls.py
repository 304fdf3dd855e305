from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from kring.casework.tsi import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.work_list, name="casework_list"),
    path("request/<int:child_pk>/", views.request_case, name="casework_request"),
    path("withdrawal-notice/", views.withdrawal_notice, name="casework_withdrawal_notice"),
    path("<int:pk>/", views.case_detail, name="casework_case"),
    path("<int:pk>/assess/", views.assess, name="casework_assess"),
    path("<int:pk>/more-information/", views.add_information, name="casework_add_information"),
    path("<int:pk>/consent/", views.consent, name="casework_consent"),
    path("<int:pk>/consent/<int:consent_pk>/withdraw/", views.withdraw, name="casework_withdraw"),
    path("<int:pk>/consent/e-id/", views.consent_request, name="casework_consent_request"),
    path("<int:pk>/family-language/", views.family_language, name="casework_family_language"),
    path("<int:pk>/stories/new/", views.add_story, name="casework_story"),
    path("<int:pk>/needs/new/", views.add_need, name="casework_need"),
    path("<int:pk>/interventions/new/", views.add_intervention, name="casework_intervention"),
    path(
        "<int:pk>/interventions/<int:item_pk>/status/", views.intervention_status, name="casework_intervention_status"
    ),
    path("<int:pk>/meetings/new/", views.book_meeting, name="casework_meeting"),
    path("<int:pk>/meetings/<int:item_pk>/notes/", views.meeting_notes, name="casework_meeting_notes"),
    path("<int:pk>/plan/new/", views.agree_plan, name="casework_plan"),
    path("<int:pk>/outcomes/new/", views.record_outcome, name="casework_outcome"),
    path("<int:pk>/follow-ups/<int:item_pk>/", views.complete_follow_up, name="casework_follow_up"),
    path("<int:pk>/close/", views.close, name="casework_close"),
    path("<int:pk>/handover/", views.hand_over, name="casework_handover"),
    path("<int:pk>/referral/", views.refer, name="casework_referral"),
    path("", include("kring.casework.tsi.document_urls")),
]
