from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "kring.casework"
    verbose_name = _("Casework")

    def ready(self) -> None:
        from kring.access.policy import ChildModel, register_child_model, register_provider
        from kring.access.roles import Category, Origin
        from kring.casework import models
        from kring.casework.basis import CaseSchoolBasisProvider, CaseTeamBasisProvider

        register_child_model(
            models.TsiCase,
            ChildModel("child", "municipality_id", origin=Origin.STUDENT_HEALTH, category=Category.REQUEST),
        )
        for model, category in (
            (models.Consent, Category.CONSENT),
            (models.Story, Category.STORY),
            (models.Need, Category.NEEDS),
            (models.Intervention, Category.INTERVENTION),
            (models.Meeting, Category.MEETING),
            (models.PlanVersion, Category.PLAN),
            (models.FollowUp, Category.PLAN),
            (models.OutcomeMeasure, Category.OUTCOME),
        ):
            register_child_model(
                model, ChildModel("case__child", "case__municipality_id", origin=Origin.JOINT_TEAM, category=category)
            )
        register_provider(CaseTeamBasisProvider())
        register_provider(CaseSchoolBasisProvider())
