"""From a worried adult in school to the right help: concerns, anonymous consultations and reports of concern.

* `Concern` (oro): any staff member records what they saw or heard about a pupil; it goes to the principal and
  student health of that school, who triage it.
* `Consultation` (konsultation, avidentifierad): the school asks its social services contact persons for advice
  without naming the child; `ConsultationMessage` is the thread. It becomes a report in one step, which is the
  moment the child's identity is disclosed.
* `ReportOfConcern` (orosanmälan, SoL 14 kap 1 §): from school, student health, police or others to social
  services. Social services' handling is in `ReportAssessment` (receipt, protection assessment, initial
  assessment and decision) and the one thing the reporter sees of it is `ReportFeedback` (SoL 14 kap 1 b §).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kring.access.roles import Origin
from kring.directory.models import Municipality, Unit
from kring.people.models import Child


class ConcernCategory(models.TextChoices):
    VIOLENCE = "violence", _("Violence or threats")
    ABUSE = "abuse", _("Sexual abuse")
    NEGLECT = "neglect", _("Neglect")
    HONOUR = "honour", _("Honour-related violence or oppression")
    ABSENCE = "absence", _("School absence")
    WELLBEING = "wellbeing", _("Mental health, low mood")
    BEHAVIOUR = "behaviour", _("Behaviour, conflicts")
    SUBSTANCES = "substances", _("Alcohol, drugs")
    CRIME = "crime", _("Crime, risk of criminal involvement")
    OTHER = "other", _("Other")


# Concerns that suggest the child may be harmed: the system reminds that the duty to report is personal and urgent.
RISK_CATEGORIES = frozenset(
    {ConcernCategory.VIOLENCE, ConcernCategory.ABUSE, ConcernCategory.NEGLECT, ConcernCategory.HONOUR}
)


class ConcernStatus(models.TextChoices):
    NEW = "new", _("New")
    HANDLING = "handling", _("Being handled")
    CLOSED = "closed", _("Closed")


class Triage(models.TextChoices):
    STUDENT_HEALTH = "student_health", _("Handled within student health")
    TSI = "tsi", _("Asked the TSI team")
    CONSULTATION = "consultation", _("Anonymous consultation with social services")
    REPORT = "report", _("Report of concern to social services")
    NO_ACTION = "no_action", _("No further action")


class Concern(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="concerns")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="concerns")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="concerns", verbose_name=_("school"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concerns", verbose_name=_("recorded by")
    )
    reported_at = models.DateTimeField(_("recorded"))
    category = models.CharField(_("what the concern is about"), max_length=20, choices=ConcernCategory.choices)
    observed = models.TextField(_("what was seen or heard"))
    observed_on = models.DateField(_("when"))
    observed_by = models.CharField(_("by whom"), max_length=200)
    child_words = models.TextField(_("the child's own words"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.NEW)
    triage = models.CharField(_("decision"), max_length=20, choices=Triage.choices, blank=True)
    triage_note = models.TextField(_("note"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-reported_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ConcernStatus.CLOSED, closed_at__isnull=False)
                | (~Q(status=ConcernStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="concern_closed_with_date",
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"], name="concern_unit_status")]

    def __str__(self) -> str:
        return f"Concern {self.pk}"


class AgeBand(models.TextChoices):
    PRESCHOOL = "1-5", _("1–5 years")
    YOUNGER = "6-9", _("6–9 years")
    MIDDLE = "10-12", _("10–12 years")
    OLDER = "13-15", _("13–15 years")
    YOUTH = "16-18", _("16–18 years")


class ConsultationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REPORTED = "reported", _("Became a report of concern")


class Consultation(models.Model):
    """An anonymous consultation: no child is named, so it is no child's data. The asking school's principal and
    student health and the school's contact persons in social services are its parties."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="consultations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("school"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked"))
    age_band = models.CharField(_("the child's age"), max_length=10, choices=AgeBand.choices)
    question = models.TextField(_("the question"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConsultationStatus.choices, default=ConsultationStatus.OPEN
    )
    # Only the school side knows which concern it came from; social services never see this link.
    concern = models.ForeignKey(Concern, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("anonymous consultation")
        verbose_name_plural = _("anonymous consultations")
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return f"Consultation {self.pk}"


class ConsultationMessage(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its consultation's
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    text = models.TextField(_("message"))
    from_social_services = models.BooleanField(default=False)

    class Meta:
        ordering = ["written_at", "pk"]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class Urgency(models.TextChoices):
    ACUTE = "acute", _("Acute: the child may need protection today")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Not urgent")


class ReportOfConcern(models.Model):
    """An orosanmälan. A professional reporter is never anonymous; the guardians and the child may, as parties,
    in general read it once social services handle it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="reports")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="reports")
    origin = models.CharField(_("reporting organisation"), max_length=20, choices=Origin.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports", verbose_name=_("reporter")
    )
    reporter_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reports_made", verbose_name=_("reporter's unit")
    )
    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reports_received", verbose_name=_("receiving unit")
    )
    filed_at = models.DateTimeField(_("filed"))
    what_happened = models.TextField(_("what was observed or heard"))
    when_and_where = models.CharField(_("when and where, by whom"), max_length=500)
    child_words = models.TextField(_("the child's own words"), blank=True)
    guardians_informed = models.BooleanField(_("the guardians know about the report"))
    guardians_not_informed_why = models.TextField(_("why the guardians have not been told"), blank=True)
    urgency = models.CharField(_("how urgent"), max_length=10, choices=Urgency.choices)
    # For a child not in the register: what the reporter knows (address, municipality, school, guardians).
    known_about_child = models.TextField(_("what is known of the child"), blank=True)
    # How a reporter without a basis for the child named it (the number or the name they typed): what their list
    # shows, so that matching the child later tells them nothing of the register.
    reported_as = models.CharField(_("the child as the reporter named it"), max_length=250, blank=True)
    # The clocks run from the report's arrival (filing in Kring is its arrival at social services), not from the
    # manual receipt: SoL 11 kap 1 a § counts the initial assessment's 14 days from the day the report came in.
    protection_due = models.DateField(_("protection assessment due"))
    decision_due = models.DateField(_("initial assessment due"))
    feedback_due = models.DateField(_("feedback due"))
    received_at = models.DateTimeField(_("received by social services"), null=True, blank=True)
    # An extension of the initial assessment for exceptional reasons is a recorded decision with its reason.
    decision_extended_at = models.DateTimeField(_("initial assessment extended"), null=True, blank=True)
    decision_extended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_extension_reason = models.TextField(_("the exceptional reasons for the extension"), blank=True)
    # The social worker who handles the report: by default the school's contact person in the receiving unit
    # (Falköping: the contact persons do the investigations for their schools); the unit manager reassigns.
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("handling officer"),
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    concern = models.ForeignKey(Concern, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports")
    consultation = models.OneToOneField(
        Consultation, on_delete=models.SET_NULL, null=True, blank=True, related_name="report"
    )

    class Meta:
        verbose_name = _("report of concern")
        verbose_name_plural = _("reports of concern")
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(guardians_informed=True) | ~Q(guardians_not_informed_why=""),
                name="report_says_why_guardians_not_told",
            ),
        ]
        indexes = [models.Index(fields=["receiving_unit", "filed_at"], name="report_receiver_filed")]

    def __str__(self) -> str:
        return f"Report {self.pk}"


class ProtectionOutcome(models.TextChoices):
    PROTECTION_NEEDED = "needed", _("The child needs protection at once")
    NOT_NEEDED = "not_needed", _("No immediate need of protection")


class Decision(models.TextChoices):
    INVESTIGATION_OPENED = "opened", _("An investigation has been opened")
    NOT_OPENED = "not_opened", _("No investigation has been opened")
    ALREADY_OPEN = "already_open", _("An investigation is already under way")


class ReportAssessment(models.Model):
    """Social services' handling of one report: receipt, protection assessment, initial assessment, decision."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its report's
    report = models.OneToOneField(ReportOfConcern, on_delete=models.CASCADE, related_name="assessment")
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    protection_assessed_at = models.DateTimeField(_("protection assessment made"), null=True, blank=True)
    protection_outcome = models.CharField(
        _("protection assessment"), max_length=20, choices=ProtectionOutcome.choices, blank=True
    )
    protection_note = models.TextField(_("protection assessment note"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_note = models.TextField(_("initial assessment note"), blank=True)
    # SoL 11 kap 2 §: an investigation opened is to be finished within four months of its opening.
    investigation_due = models.DateField(_("investigation due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assessment of a report")
        verbose_name_plural = _("assessments of reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(protection_assessed_at__isnull=True, protection_outcome="")
                | (Q(protection_assessed_at__isnull=False) & ~Q(protection_outcome="")),
                name="assessment_protection_with_outcome",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, decision="") | (Q(decided_at__isnull=False) & ~Q(decision="")),
                name="assessment_decision_with_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment of report {self.report_id}"


class FeedbackKind(models.TextChoices):
    INVESTIGATION_OPENED = "opened", _("An investigation has been opened")
    NOT_OPENED = "not_opened", _("No investigation has been opened")
    ALREADY_OPEN = "already_open", _("An investigation is already under way")
    NOT_APPROPRIATE = "not_appropriate", _("No feedback: it would be inappropriate in this case")


class ReportFeedback(models.Model):
    """Återkoppling (SoL 14 kap 1 b §): the only part of social services' work the reporter sees."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its report's
    report = models.OneToOneField(ReportOfConcern, on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(_("feedback"), max_length=20, choices=FeedbackKind.choices)
    given_at = models.DateTimeField(_("given"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("feedback to the reporter")
        verbose_name_plural = _("feedback to reporters")

    def __str__(self) -> str:
        return f"Feedback on report {self.report_id}"
