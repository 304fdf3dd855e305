from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "kring.directory"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from kring.access.policy import register_role_source
        from kring.access.review import register_access_change_types, register_review_scope, register_target_labels
        from kring.directory.notifications import unread
        from kring.directory.queries import organisation_work, review_scope, role_grants_for, unit_organiser
        from kring.directory.today import register_menu_count, register_work_source

        register_role_source(role_grants_for, unit_organiser)
        register_work_source(organisation_work)
        register_menu_count("notifications", unread)
        register_review_scope(review_scope)
        register_target_labels(
            {
                "membership": _("Role in a unit (access)"),
                "contact_person": _("Contact person of a school (access)"),
                "organisation": _("Organisation"),
                "log_review": _("Log review recorded"),
            }
        )
        register_access_change_types({"membership", "contact_person", "user"})
