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
        from kring.casework.tsi.basis import CaseSchoolBasisProvider, CaseTeamBasisProvider

        register_child_model(
            models.TsiCase,
            ChildModel(
                "child", "municipality_id", origin=Origin.STUDENT_HEALTH, category=Category.REQUEST, case_path="pk"
            ),
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
                model,
                ChildModel(
                    "case__child",
                    "case__municipality_id",
                    origin=Origin.JOINT_TEAM,
                    category=category,
                    case_path="case_id",
                ),
            )
        register_provider(CaseTeamBasisProvider())
        register_provider(CaseSchoolBasisProvider())
        self._register_reports()

    def _register_reports(self) -> None:
        from kring.access.policy import (
            ChildModel,
            PartyModel,
            register_child_model,
            register_party_model,
            register_provider,
        )
        from kring.access.roles import Category, Origin
        from kring.casework import models
        from kring.casework.reports.basis import ConcernBasisProvider, ReportBasisProvider, consultation_parties

        register_child_model(
            models.Concern,
            ChildModel("child", "municipality_id", origin=Origin.SCHOOL, category=Category.CONCERN, unit_path="unit"),
        )
        register_child_model(
            models.ReportOfConcern,
            ChildModel(
                "child",
                "municipality_id",
                origin_field="origin",
                category=Category.REPORT,
                unit_path="reporter_unit",
            ),
        )
        for model, category in (
            (models.ReportAssessment, Category.ASSESSMENT),
            (models.ReportFeedback, Category.FEEDBACK),
        ):
            register_child_model(
                model,
                ChildModel(
                    "report__child", "report__municipality_id", origin=Origin.SOCIAL_SERVICES, category=category
                ),
            )
        register_party_model(models.Consultation, PartyModel("municipality_id", consultation_parties))
        register_provider(ConcernBasisProvider())
        register_provider(ReportBasisProvider())
