from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "kring.prevention"
    verbose_name = _("Prevention")

    def ready(self) -> None:
        self._register_with_the_policy()
        self._register_with_other_apps()

    def _register_with_the_policy(self) -> None:
        from kring.access.policy import ChildModel, register_child_model, register_provider
        from kring.access.review import register_target_labels
        from kring.access.roles import Category, Origin
        from kring.prevention import models
        from kring.prevention.tryggbas.basis import ClassStaffBasisProvider

        for model, category in (
            (models.SafeAdultEntry, Category.SAFE_ADULT),
            (models.RelationAssignment, Category.SAFE_ADULT),
            (models.WellbeingRating, Category.WELLBEING),
            (models.AgreedRating, Category.WELLBEING),
            (models.PupilMentor, Category.PROGRAMME),
        ):
            register_child_model(
                model,
                ChildModel("child", "municipality_id", origin=Origin.SCHOOL, category=category, unit_path="unit"),
            )
        register_provider(ClassStaffBasisProvider())
        register_target_labels(
            {
                "class_inventory": _("A class's safe adults and wellbeing"),
                "class_review": _("Class review"),
                "safe_adult_entry": _("Safe adult (trygg bas)"),
                "relation_assignment": _("Adult assigned to build a relation"),
                "wellbeing_rating": _("Wellbeing rating"),
                "agreed_rating": _("Agreed wellbeing rating"),
                "safe_adult_gaps": _("Pupils without a safe adult (list)"),
                "child_prevention": _("A pupil's safe adult and wellbeing over terms"),
                "class_staff": _("Staff of a class"),
                "programme": _("Prevention programme"),
                "programme_run": _("Prevention programme at a school"),
                "staff_training": _("Staff trained in a programme"),
                "pupil_mentor": _("Pupil mentor"),
                "pupil_mentors": _("Pupil mentors (list)"),
                "session_held": _("Programme session held"),
                "programme_reach": _("Reach and fidelity of a programme"),
                "questionnaire": _("Questionnaire"),
                "survey": _("Pupil survey"),
                "survey_wave": _("Pupil survey: wave"),
                "survey_class": _("Pupil survey: class asked"),
                "survey_codes": _("Pupil survey: codes printed"),
                "survey_results": _("Pupil survey: results"),
                "trygg_bas_coverage": _("Safe adults: a school's coverage"),
                "trygg_bas_municipality": _("Safe adults: the municipality's figures"),
            }
        )

    def _register_with_other_apps(self) -> None:
        from kring.directory.today import register_work_source
        from kring.people.views import register_overview_source
        from kring.prevention.tryggbas.queries import child_prevention_part, wellbeing_column
        from kring.prevention.tryggbas.today import trygg_bas_work
        from kring.schooldata.queries import register_early_warning_column

        register_work_source(trygg_bas_work)
        register_overview_source(child_prevention_part)
        register_early_warning_column(wellbeing_column)
