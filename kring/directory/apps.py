from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "kring.directory"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from kring.access.policy import register_role_source
        from kring.directory.queries import role_grants_for

        register_role_source(role_grants_for)
