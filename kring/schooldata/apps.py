from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchooldataConfig(AppConfig):
    name = "kring.schooldata"
    verbose_name = _("School data")

    def ready(self) -> None:
        from kring.access.policy import ChildModel, register_child_model
        from kring.access.roles import Category, Origin
        from kring.schooldata import models

        for model, category in (
            (models.AbsenceRecord, Category.ATTENDANCE),
            (models.AbsenceIndicator, Category.ATTENDANCE),
            (models.AbsenceInvestigation, Category.ABSENCE_INVESTIGATION),
        ):
            register_child_model(model, ChildModel("child", "municipality_id", origin=Origin.SCHOOL, category=category))
        from kring.casework.outcome_sources import register_attendance_source
        from kring.schooldata.outcomes import case_attendance

        register_attendance_source(case_attendance)
        from kring.people.views import register_overview_source
        from kring.schooldata.queries import child_absence_part

        register_overview_source(child_absence_part)
