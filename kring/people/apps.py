from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kring.people"
    verbose_name = _("People")

    def ready(self) -> None:
        from kring.access.policy import (
            ChildDirectory,
            ChildModel,
            register_child_directory,
            register_child_model,
            register_provider,
        )
        from kring.access.roles import Category
        from kring.people.basis import PlacementBasisProvider
        from kring.people.models import Child, Custody, Placement
        from kring.people.queries import child_labels, find_child_id

        register_child_model(Child, ChildModel("pk", "municipality_id", category=Category.IDENTITY))
        register_child_model(Custody, ChildModel("child", "child__municipality_id", category=Category.GUARDIANS))
        register_child_model(Placement, ChildModel("child", "child__municipality_id", category=Category.PLACEMENT))
        register_provider(PlacementBasisProvider())
        register_child_directory(ChildDirectory(find_child_id=find_child_id, child_labels=child_labels))
