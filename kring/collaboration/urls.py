"""Routes of the collaboration work; included under `collaboration/`."""

from __future__ import annotations

from django.urls import URLPattern, path

from kring.collaboration.agreements import views as agreement_views
from kring.collaboration.assessments import views as assessment_views
from kring.collaboration.groups import views as group_views
from kring.collaboration.meetings import views as meeting_views

urlpatterns: list[URLPattern] = [
    path("", group_views.group_map, name="collaboration_map"),
    path("map.svg", group_views.map_chart, name="collaboration_map_chart"),
    path("map.pdf", group_views.map_pdf, name="collaboration_map_pdf"),
    path("people/", group_views.people, name="collaboration_people"),
    path("groups/new/", group_views.group_new, name="collaboration_group_new"),
    path("groups/<int:pk>/", group_views.group_detail, name="collaboration_group"),
    path("groups/<int:pk>/edit/", group_views.group_edit, name="collaboration_group_edit"),
    path("groups/<int:pk>/meetings/new/", meeting_views.meeting_new, name="collaboration_meeting_new"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="collaboration_meeting"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="collaboration_meeting_edit"),
    path("meetings/<int:pk>/discussions/new/", meeting_views.discussion_new, name="collaboration_discussion_new"),
    path("discussions/<int:pk>/identify/", meeting_views.identify, name="collaboration_identify"),
    path("identified/<int:pk>/police/", meeting_views.tell_the_police, name="collaboration_tell_police"),
    path("identified/<int:pk>/withdraw/", meeting_views.withdraw_consent, name="collaboration_withdraw_consent"),
    path("actions/<int:pk>/done/", meeting_views.action_done, name="collaboration_action_done"),
    path("agreements/", agreement_views.agreement_list, name="collaboration_agreements"),
    path("agreements/new/", agreement_views.agreement_new, name="collaboration_agreement_new"),
    path("agreements/<int:pk>/", agreement_views.agreement_detail, name="collaboration_agreement"),
    path("agreements/<int:pk>/new-version/", agreement_views.agreement_edit, name="collaboration_agreement_edit"),
    path("agreements/<int:pk>/v<int:number>.pdf", agreement_views.agreement_pdf, name="collaboration_agreement_pdf"),
    path("reviews/", agreement_views.reviews_due, name="collaboration_reviews"),
    path("assessments/", assessment_views.assessment_list, name="collaboration_assessments"),
    path("assessments/new/", assessment_views.assessment_new, name="collaboration_assessment_new"),
    path("assessments/<int:pk>/", assessment_views.assessment_detail, name="collaboration_assessment"),
    path("assessments/<int:pk>/new-version/", assessment_views.assessment_edit, name="collaboration_assessment_edit"),
    path(
        "assessments/<int:pk>/v<int:number>.pdf", assessment_views.assessment_pdf, name="collaboration_assessment_pdf"
    ),
]
