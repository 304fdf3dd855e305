from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "kring.collaboration"
    verbose_name = _("Collaboration")

    def ready(self) -> None:
        from kring.access.policy import ChildModel, register_child_model, register_provider
        from kring.access.review import register_target_labels
        from kring.access.roles import Category, Origin
        from kring.collaboration.agreements.reminders import send_review_reminders
        from kring.collaboration.agreements.today import agreement_work
        from kring.collaboration.meetings.basis import GroupDiscussionBasisProvider
        from kring.collaboration.meetings.reminders import send_action_reminders
        from kring.collaboration.meetings.today import meeting_work
        from kring.collaboration.models import IdentifiedDiscussion
        from kring.directory.reminders import register_reminder_sender
        from kring.directory.today import register_work_source

        register_child_model(
            IdentifiedDiscussion,
            ChildModel("child", "municipality_id", origin=Origin.COLLABORATION, category=Category.GROUP_DISCUSSION),
        )
        register_provider(GroupDiscussionBasisProvider())
        register_target_labels(
            {
                "group_meeting": _("Collaboration group: meeting"),
                "meeting_action": _("Collaboration group: action"),
                "group_discussion": _("Collaboration group: a child discussed anonymously"),
                "group_discussion_identified": _("Collaboration group: a child identified"),
                "collaboration_group": _("Collaboration group"),
                "collaboration_map_pdf": _("Map of collaboration groups (PDF)"),
                "agreement": _("Agreement (överenskommelse)"),
                "agreement_pdf": _("Agreement (PDF)"),
                "impact_assessment": _("Child impact assessment"),
                "impact_assessment_pdf": _("Child impact assessment (PDF)"),
            }
        )
        register_work_source(agreement_work)
        register_work_source(meeting_work)
        register_reminder_sender("agreement reviews", send_review_reminders)
        register_reminder_sender("meeting actions", send_action_reminders)
