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
        self._register_target_labels()
        self._register_start_page()

    def _register_target_labels(self) -> None:
        """What log review calls casework's audit targets (not `tsi_tsicase #12`)."""
        from kring.access.review import register_target_labels

        register_target_labels(
            {
                "tsi_case": _("TSI case"), "tsi_tsicase": _("TSI case"), "tsi_consent": _("TSI case: consent"),
                "tsi_story": _("TSI case: story"), "tsi_need": _("TSI case: needs analysis"),
                "tsi_intervention": _("TSI case: intervention"), "tsi_meeting": _("TSI case: meeting"),
                "tsi_planversion": _("TSI case: joint plan"), "tsi_followup": _("TSI case: follow-up"),
                "tsi_outcomemeasure": _("TSI case: outcome measures"), "tsi_case_list": _("TSI cases (list)"),
                "tsi_request_form": _("TSI case: request form"), "tsi_plan_pdf": _("TSI case: plan (PDF)"),
                "tsi_plan_history": _("TSI case: earlier plans"), "tsi_outcome_chart": _("TSI case: outcome chart"),
                "tsi_information_letter": _("TSI case: information letter"),
                "tsi_reminder_meeting": _("Reminder of a TSI meeting"),
                "tsi_reminder_follow_up": _("Reminder of a TSI follow-up"),
                "consent_withdrawal_notice": _("Withdrawal of consent recorded by the school"),
                "concern": _("Concern"), "concern_form": _("Concern (form)"), "concern_list": _("Concerns (list)"),
                "consultation": _("Anonymous consultation"), "consultation_list": _("Consultations (list)"),
                "consultationmessage": _("Consultation: message"),
                "consultation_disclosure": _("Consultation became a report (the child named)"),
                "report": _("Report of concern"), "report_of_concern": _("Report of concern"),
                "reportofconcern": _("Report of concern"), "reportassessment": _("Report of concern: assessment"),
                "reportfeedback": _("Report of concern: feedback"), "report_list": _("Reports of concern (list)"),
                "report_inbox": _("Reports received (inbox)"), "report_reminder": _("Reminder of a report's deadline"),
                "child_for_report": _("Child named in a report"), "start_page": _("Start page (work of the day)"),
            }
        )  # fmt: skip

    def _register_handovers(self) -> None:
        from kring.access.policy import PartyModel, register_party_model
        from kring.access.review import register_target_labels
        from kring.casework.handovers.queries import handover_parties, handover_work
        from kring.casework.models import Handover
        from kring.directory.today import register_work_source

        register_party_model(Handover, PartyModel("municipality_id", handover_parties))
        register_work_source(handover_work)
        register_target_labels({"handover": _("Handover of a case or a report")})

    def _register_approvals(self) -> None:
        from kring.access.policy import PartyModel, register_party_model
        from kring.access.review import register_target_labels
        from kring.casework.approvals.actions import register_approved_step
        from kring.casework.approvals.queries import approval_parties, approval_work
        from kring.casework.models import Approval, ApprovalKind
        from kring.casework.reports.actions import not_opened_approved
        from kring.casework.tsi.actions import closure_approved, plan_approved
        from kring.directory.today import register_work_source

        register_party_model(Approval, PartyModel("municipality_id", approval_parties))
        register_approved_step(ApprovalKind.TSI_PLAN, plan_approved)
        register_approved_step(ApprovalKind.TSI_CLOSURE, closure_approved)
        register_approved_step(ApprovalKind.REPORT_NOT_OPENED, not_opened_approved)
        register_work_source(approval_work)
        register_target_labels(
            {"approval": _("A manager's approval of a step"), "approval_settings": _("Steps that need approval")}
        )

    def _register_start_page(self) -> None:
        from kring.casework.reports import today as report_today
        from kring.casework.reports.picture import report_picture
        from kring.casework.tsi import today as case_today
        from kring.casework.tsi.picture import case_picture
        from kring.directory.today import register_menu_count, register_work_source
        from kring.people.picture import register_picture_source

        register_picture_source(report_picture)
        register_picture_source(case_picture)
        self._register_handovers()
        self._register_approvals()
        register_work_source(report_today.report_work)
        register_work_source(case_today.case_work)
        register_menu_count("reports_received", report_today.reports_waiting)
        register_menu_count("concerns", report_today.concerns_waiting)
        register_menu_count("consultations", report_today.consultations_waiting)
        register_menu_count("cases", case_today.requests_waiting)

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
