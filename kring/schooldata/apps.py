from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchooldataConfig(AppConfig):
    name = "kring.schooldata"
    verbose_name = _("School data")

    def ready(self) -> None:
        self._register_with_the_policy()
        self._register_with_other_apps()

    def _register_with_the_policy(self) -> None:
        from kring.access.policy import ChildModel, register_child_model
        from kring.access.review import register_target_labels
        from kring.access.roles import Category, Origin
        from kring.schooldata import models

        for model, category in (
            (models.AbsenceRecord, Category.ATTENDANCE),
            (models.AbsenceIndicator, Category.ATTENDANCE),
            (models.AbsenceInvestigation, Category.ABSENCE_INVESTIGATION),
        ):
            register_child_model(
                model,
                ChildModel("child", "municipality_id", origin=Origin.SCHOOL, category=category, unit_path="unit"),
            )
        register_target_labels(
            {
                "early_warning": _("Early warning of absence"),
                "absence_indicator": _("A pupil's absence"),
                "absence_investigation": _("Investigation of absence"),
                "absence_settings": _("Absence thresholds"),
                "schooldata_import": _("School data import"),
            }
        )

    def _register_with_other_apps(self) -> None:
        """casework and people cannot import this app: they take its parts through registration."""
        from kring.casework.tsi.outcome_sources import register_attendance_source
        from kring.directory.today import register_work_source
        from kring.people.picture import register_picture_source
        from kring.people.views import register_overview_source
        from kring.schooldata.outcomes import case_attendance
        from kring.schooldata.picture import absence_picture
        from kring.schooldata.queries import child_absence_part
        from kring.schooldata.today import absence_work

        register_attendance_source(case_attendance)
        register_overview_source(child_absence_part)
        register_work_source(absence_work)
        register_picture_source(absence_picture)
