"""TSI cases (tidiga samordnade insatser), the Magneten way of working.

A school asks a joint team to take a child (`TsiCase` in stage REQUESTED). The team assesses the fit, contacts the
guardians and records their consent (`Consent`, given by every guardian with custody: `ConsentGiver`). Then the
stories (`Story`), the needs analysis in the focus areas Barnet, Skolan, Hemmet (`Need`), interventions
(`Intervention`), a network meeting (`Meeting`), a joint plan (`PlanVersion`, every agreed version kept),
follow-ups with outcome measures (`OutcomeMeasure`), and closure with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kring.access.roles import Category, Origin
from kring.directory.models import Municipality, Unit
from kring.people.languages import FAMILY_LANGUAGE_CHOICES
from kring.people.models import Child, Guardian


def label_of(choices: type[models.TextChoices], value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


class CaseStage(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    MORE_INFO = "more_info", _("More information asked for")
    DECLINED = "declined", _("Declined")
    INFORMATION = "information", _("Information and consent")
    ACTIVE = "active", _("Analysis and planning")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


OPEN_STAGES = (CaseStage.REQUESTED, CaseStage.MORE_INFO, CaseStage.INFORMATION, CaseStage.ACTIVE, CaseStage.FOLLOW_UP)


class DeclineAdvice(models.TextChoices):
    STUDENT_HEALTH = "student_health", _("Continue with the school's ordinary student health work")
    REPORT_OF_CONCERN = "report_of_concern", _("Make a report of concern to social services: the child may be at risk")
    OTHER_SUPPORT = "other_support", _("Other support is a better fit")


class ClosureReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("Goals reached")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    MOVED = "moved", _("The family moved")
    ESCALATED = "escalated", _("Escalated to a social services investigation")
    DECLINED_BY_FAMILY = "declined_by_family", _("The family did not want to take part")
    OTHER = "other", _("Other reason")


class TsiCase(models.Model):
    """One child's TSI case with a joint team, from the school's request to closure."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="tsi_cases")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="tsi_cases")
    team = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tsi_cases", verbose_name=_("team"))
    requesting_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="tsi_requests", verbose_name=_("requesting school")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tsi_requests", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"))
    reason = models.TextField(_("why the school asks for help"))
    tried = models.TextField(_("what the school has tried"), blank=True)
    child_view = models.TextField(_("the child's own view, if known"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=CaseStage.choices, default=CaseStage.REQUESTED)
    stage_since = models.DateTimeField(_("in this stage since"))
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_tsi_cases",
        verbose_name=_("case lead"),
    )
    assessment_note = models.TextField(_("the team's assessment"), blank=True)
    decline_advice = models.CharField(_("advice"), max_length=30, choices=DeclineAdvice.choices, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(_("reason for closing"), max_length=30, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(_("closing note"), blank=True)
    # The language the family reads their pages, the information letter and the plan in (they may switch).
    family_language = models.CharField(
        _("the family's language"), max_length=10, choices=FAMILY_LANGUAGE_CHOICES, default="sv"
    )

    class Meta:
        verbose_name = _("TSI case")
        verbose_name_plural = _("TSI cases")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(closure_reason=""))
                | (Q(closed_at__isnull=False) & ~Q(closure_reason="")),
                name="tsi_case_closed_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(stage=CaseStage.CLOSED) | Q(closed_at__isnull=False),
                name="tsi_case_closed_stage_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(stage=CaseStage.DECLINED) | ~Q(decline_advice=""),
                name="tsi_case_declined_with_advice",
            ),
        ]
        indexes = [models.Index(fields=["team", "stage"], name="tsi_case_team_stage")]

    def __str__(self) -> str:
        return f"TSI {self.pk}: {self.child}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written, signed")
    VERBAL = "verbal", _("Verbal, with a named witness")
    DIGITAL = "digital", _("Digital, with e-identification")


class ChildAgreement(models.TextChoices):
    AGREES = "agrees", _("The child agrees")
    HESITANT = "hesitant", _("The child is hesitant")
    DISAGREES = "disagrees", _("The child does not agree")
    NOT_ASKED = "not_asked", _("Not asked, given the child's age and maturity")


class GuardianAnswer(models.TextChoices):
    GIVES = "gives", _("Gives consent")
    REFUSES = "refuses", _("Does not consent")


class YoungPersonAnswer(models.TextChoices):
    NOT_APPLICABLE = "", _("Under 15: the child's view is recorded above")
    GIVES = "gives", _("The young person (15 or older) consents")
    REFUSES = "refuses", _("The young person (15 or older) does not consent")


YOUNG_PERSON_AGE = 15


class Consent(models.Model):
    """The guardians' consent to the TSI case: which parties may share which categories, until when.

    One dated act per guardian with custody (`ConsentGiver`: date, method, witness); in force only when every one of
    them gave it (guardians who disagree: no consent) and, from 15, the young person too. Withdrawn by any one of
    them, or by the young person, at once."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="consents")
    method = models.CharField(_("how consent was given"), max_length=20, choices=ConsentMethod.choices)
    witness = models.CharField(_("witness"), max_length=200, blank=True)
    given_on = models.DateField(_("given on"))
    valid_until = models.DateField(_("valid until"))
    child_agreement = models.CharField(_("the child's view"), max_length=20, choices=ChildAgreement.choices)
    child_view_note = models.TextField(_("what the child said"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    guardians_disagree = models.BooleanField(_("the guardians disagree"), default=False)
    # After the case closes the requesting school keeps the final plan only when the guardians agreed to that.
    final_plan_to_school = models.BooleanField(_("the school keeps the final plan after closure"), default=False)
    young_person_answer = models.CharField(
        _("the young person's own consent"), max_length=10, choices=YoungPersonAnswer.choices, blank=True
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("withdrawn by")
    )
    withdrawn_by_young_person = models.BooleanField(_("withdrawn by the young person"), default=False)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawal_note = models.TextField(_("note on the withdrawal"), blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("given_on")), name="consent_valid_after_given"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawn_by_young_person=False)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False, withdrawn_by_young_person=False)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=True, withdrawn_by_young_person=True),
                name="consent_withdrawn_by_a_guardian_or_the_young_person",
            ),
            models.CheckConstraint(
                condition=~Q(method=ConsentMethod.VERBAL) | ~Q(witness=""), name="consent_verbal_has_witness"
            ),
        ]

    def __str__(self) -> str:
        return f"Consent {self.given_on} ({self.case})"

    @property
    def is_refused(self) -> bool:
        """Not a consent at all: a guardian with custody, or the young person from 15, said no."""
        return self.guardians_disagree or self.young_person_answer == YoungPersonAnswer.REFUSES

    @property
    def withdrawn_by_label(self) -> str:
        if self.withdrawn_by_young_person:
            return str(_("the young person"))
        return str(self.withdrawn_by or "")

    def scope_summary(self, direction: str = "to_team") -> list[tuple[str, list[str]]]:
        """Each party and the categories of one direction, in words (reads the prefetched scopes)."""
        by_party: dict[str, list[str]] = {}
        for scope in self.scopes.all():
            if scope.direction == direction:
                by_party.setdefault(scope.party, []).append(str(label_of(Category, scope.category)))
        return [(str(label_of(Origin, party)), sorted(categories)) for party, categories in sorted(by_party.items())]

    def shared_by_team(self) -> list[tuple[str, list[str]]]:
        """What the team may tell whom (the other direction), in words."""
        return self.scope_summary(ConsentDirection.FROM_TEAM)


class ConsentDirection(models.TextChoices):
    """The two directions the guardians consent to, each on its own: what the parties may share with the team,
    and what the team may share with each party."""

    TO_TEAM = "to_team", _("may share with the team")
    FROM_TEAM = "from_team", _("the team may share with")


class ConsentScope(models.Model):
    """One party (an origin: school, student health, social services, ...) and one category of information, in
    one direction: the party may share it with the team (`to_team`), or the team may share its own records of
    that category with the party (`from_team`). The access policy reads these rows."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its consent's
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="scopes")
    direction = models.CharField(
        _("direction"), max_length=10, choices=ConsentDirection.choices, default=ConsentDirection.TO_TEAM
    )
    party = models.CharField(_("party"), max_length=20)
    category = models.CharField(_("category"), max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "consent", "direction", "party", "category"],
                name="consent_scope_unique_direction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.party}: {self.category}"


class ConsentGiver(models.Model):
    """One guardian's own act: whether they consent, when, how, and who witnessed it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its consent's
    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="givers")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=GuardianAnswer.choices, default=GuardianAnswer.GIVES)
    given_on = models.DateField(_("on"), null=True, blank=True)
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices, blank=True)
    witness = models.CharField(_("witness"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "consent", "guardian"], name="consent_giver_unique")
        ]

    def __str__(self) -> str:
        return str(self.guardian)


class FocusArea(models.TextChoices):
    """Magneten's three focus areas, mapped onto the triangle of BBIC (Barns behov i centrum, Socialstyrelsen)."""

    CHILD = "child", _("The child (Barnet)")
    SCHOOL = "school", _("School (Skolan)")
    HOME = "home", _("Home (Hemmet)")


class Teller(models.TextChoices):
    GUARDIANS = "guardians", _("The guardians' story")
    SCHOOL = "school", _("The school's story")
    CHILD = "child", _("The child's story")


class Story(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="stories")
    teller = models.CharField(_("whose story"), max_length=20, choices=Teller.choices)
    told_by = models.CharField(_("told by"), max_length=200)
    told_on = models.DateField(_("told on"))
    text = models.TextField(_("the story"))
    # Told in confidence by the child: secret towards the guardians (OSL 12 kap 3 §), never on their pages.
    secret_from_guardians = models.BooleanField(_("secret towards the guardians"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["told_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_teller_display()} ({self.told_on})"


class NeedKind(models.TextChoices):
    NEED = "need", _("Need")
    STRENGTH = "strength", _("Strength")
    RISK = "risk", _("Risk")


class BbicAspect(models.TextChoices):
    """BBIC's needs triangle (Barns behov i centrum): the vocabulary of the needs analysis."""

    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    EMOTIONS = "emotions", _("Emotions and behaviour")
    IDENTITY = "identity", _("Identity")
    RELATIONSHIPS = "relationships", _("Family and social relationships")
    SOCIAL_PRESENTATION = "social_presentation", _("Social presentation")
    SELF_CARE = "self_care", _("Ability to look after oneself")
    BASIC_CARE = "basic_care", _("Basic care")
    SAFETY = "safety", _("Safety")
    WARMTH = "warmth", _("Emotional warmth")
    STIMULATION = "stimulation", _("Stimulation")
    GUIDANCE = "guidance", _("Guidance and boundaries")
    STABILITY = "stability", _("Stability")
    FAMILY = "family", _("Family history and functioning")
    HOUSING = "housing", _("Housing, work and income")
    SOCIAL_INTEGRATION = "social_integration", _("Social integration and community resources")


class Need(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="needs")
    area = models.CharField(_("focus area"), max_length=10, choices=FocusArea.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=NeedKind.choices)
    aspect = models.CharField(_("BBIC aspect"), max_length=30, choices=BbicAspect.choices, blank=True)
    text = models.TextField(_("description"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("need, strength or risk")
        verbose_name_plural = _("needs analysis")
        ordering = ["area", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_kind_display()}"


class InterventionKind(models.TextChoices):
    SCHOOL_SUPPORT = "school_support", _("Support in school")
    HOME_ROUTINES = "home_routines", _("Routines at home")
    CONFLICT_TOOLS = "conflict_tools", _("Tools for handling conflicts")
    LEISURE = "leisure", _("Leisure activity")
    PARENT_SUPPORT = "parent_support", _("Parenting support")
    OTHER = "other", _("Other")


class InterventionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")


class Intervention(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="interventions")
    area = models.CharField(_("focus area"), max_length=10, choices=FocusArea.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=InterventionKind.choices)
    description = models.TextField(_("what is done"))
    responsible = models.CharField(_("responsible"), max_length=200)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InterventionStatus.choices, default=InterventionStatus.PROPOSED
    )

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["area", "start_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")), name="intervention_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_area_display()})"


class MeetingKind(models.TextChoices):
    INFORMATION = "information", _("Information meeting")
    NETWORK = "network", _("Network meeting")
    FOLLOW_UP = "follow_up", _("Follow-up meeting")


class Meeting(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("kind of meeting"), max_length=20, choices=MeetingKind.choices)
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    neutral_arena = models.BooleanField(_("on a neutral arena"), default=False)
    held = models.BooleanField(_("held"), default=False)
    notes = models.TextField(_("agreed notes"), blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d}"

    @property
    def has_begun(self) -> bool:
        """Has the meeting's time come (its notes can be written)?"""
        return self.starts_at <= timezone.now()


class ParticipantRole(models.TextChoices):
    GUARDIAN = "guardian", _("Guardian")
    CHILD = "child", _("The child")
    TRUSTED_ADULT = "trusted_adult", _("A school adult the child trusts")
    SCHOOL_STAFF = "school_staff", _("School staff")
    TEAM = "team", _("TSI team")
    OTHER = "other", _("Other")


class Participant(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its meeting's
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("taking part as"), max_length=20, choices=ParticipantRole.choices)
    invited = models.BooleanField(_("invited"), default=True)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["role", "name"]

    def __str__(self) -> str:
        return self.name


class PlanVersion(models.Model):
    """One agreed version of the joint plan. Versions are never changed: a new agreement is a new version, so
    "what did the plan say on date X" is the newest version agreed on or before X."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="plan_versions")
    number = models.PositiveIntegerField(_("version"))
    agreed_on = models.DateField(_("agreed on"))
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    goals = models.JSONField(_("goals"), default=list)  # [{"text": ..., "child_words": ...}]
    actions = models.JSONField(_("actions"), default=list)  # [{"text": ..., "responsible": ..., "due": "YYYY-MM-DD"}]
    next_follow_up = models.DateField(_("next follow-up"))
    overall_responsible = models.CharField(_("overall responsibility"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    # "" when the municipality asks no approval of plans; otherwise the unit manager's (kring.casework.approvals)
    approval = models.CharField(_("approval"), max_length=10, blank=True, default="")

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "case", "number"], name="plan_version_unique_number"),
            models.CheckConstraint(
                condition=Q(next_follow_up__gte=F("agreed_on")), name="plan_follow_up_after_agreement"
            ),
        ]

    def __str__(self) -> str:
        return f"Plan v{self.number} ({self.agreed_on})"


class Occasion(models.TextChoices):
    START = "start", _("At the start")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSURE = "closure", _("At closure")


class RatingGiver(models.TextChoices):
    TEAM = "team", _("The team")
    GUARDIAN = "guardian", _("A guardian, on their own page")
    CHILD = "child", _("The child")


class OutcomeMeasure(models.Model):
    """The outcome measures Magneten follows: attendance, conflicts at home, and whether the child feels heard."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="outcomes")
    measured_on = models.DateField(_("date"))
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    attendance_percent = models.PositiveSmallIntegerField(_("school attendance (%)"), null=True, blank=True)
    home_conflicts = models.PositiveSmallIntegerField(
        _("conflicts at home (1 = none, 5 = every day)"), null=True, blank=True
    )
    listened_to = models.PositiveSmallIntegerField(
        _("the child feels listened to (1 = not at all, 5 = completely)"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who gave the measure: the team, a guardian on their own page (their rating of conflicts at home), or the child.
    given_by = models.CharField(_("given by"), max_length=10, choices=RatingGiver.choices, default=RatingGiver.TEAM)
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # The child's own words or rating, given in confidence: secret towards the guardians (OSL 12 kap 3 §).
    secret_from_guardians = models.BooleanField(_("secret towards the guardians"), default=False)

    class Meta:
        verbose_name = _("outcome measure")
        verbose_name_plural = _("outcome measures")
        ordering = ["measured_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance_percent__isnull=True) | Q(attendance_percent__lte=100),
                name="outcome_attendance_percent",
            ),
            models.CheckConstraint(
                condition=Q(home_conflicts__isnull=True) | Q(home_conflicts__gte=1, home_conflicts__lte=5),
                name="outcome_home_conflicts_scale",
            ),
            models.CheckConstraint(
                condition=Q(listened_to__isnull=True) | Q(listened_to__gte=1, listened_to__lte=5),
                name="outcome_listened_to_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.measured_on}"


class FollowUp(models.Model):
    """A follow-up date set in the plan; done when the team has followed up the actions and measures."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("due"))
    done_on = models.DateField(_("done"), null=True, blank=True)
    notes = models.TextField(_("what the follow-up found"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return f"{self.due_on}"


class ChildVoice(models.Model):
    """The child's own voice: "how is it going?" with faces 1–5, whether the adults listen, and their own words;
    before the network meeting and at each follow-up, with a trusted adult on a tablet or by the young person
    logged in. The rating of being listened to becomes the child's outcome measure."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="child_voices")
    given_on = models.DateField(_("date"))
    occasion = models.CharField(_("occasion"), max_length=20, choices=Occasion.choices)
    how_it_goes = models.PositiveSmallIntegerField(_("how it is going (1 = very bad, 5 = very good)"))
    listened_to = models.PositiveSmallIntegerField(
        _("the adults listen (1 = not at all, 5 = completely)"), null=True, blank=True
    )
    words = models.TextField(_("in the child's own words"), blank=True)
    secret_from_guardians = models.BooleanField(_("secret towards the guardians"), default=False)
    with_adult = models.CharField(_("filled in with"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("the child's voice")
        verbose_name_plural = _("the child's voice")
        ordering = ["given_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(how_it_goes__gte=1, how_it_goes__lte=5), name="child_voice_scale"),
            models.CheckConstraint(
                condition=Q(listened_to__isnull=True) | Q(listened_to__gte=1, listened_to__lte=5),
                name="child_voice_listened_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.given_on}"


class ConsentRequestStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the family's answers")
    ANSWERED = "answered", _("Answered")
    REPLACED = "replaced", _("Replaced by a newer request")


class ConsentRequest(models.Model):
    """The team's proposal of a consent, sent to the family to answer with e-ID (ConsentMethod.DIGITAL): each
    guardian with custody gives or refuses it on their own page, and from 15 the young person too. When every one
    has answered, the consent is recorded as their answers say (a refusal: the guardians disagree, no consent)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its case's
    case = models.ForeignKey(TsiCase, on_delete=models.CASCADE, related_name="consent_requests")
    parties = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    share_with = models.JSONField(default=list)
    share_categories = models.JSONField(default=list)
    final_plan_to_school = models.BooleanField(default=False)
    valid_until = models.DateField(_("valid until"))
    child_agreement = models.CharField(_("the child's view"), max_length=20, choices=ChildAgreement.choices)
    child_view_note = models.TextField(_("what the child said"), blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=ConsentRequestStatus.choices, default=ConsentRequestStatus.OPEN)
    consent = models.OneToOneField(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="request")

    class Meta:
        verbose_name = _("consent request")
        verbose_name_plural = _("consent requests")
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "case"], condition=Q(status="open"), name="consent_request_one_open_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"Consent request {self.pk} ({self.case})"


class ConsentRequestAnswer(models.Model):
    """One family member's own answer to a consent request, given logged in with e-ID."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")  # as its request's
    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="answers")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    young_person = models.BooleanField(default=False)
    answer = models.CharField(_("answer"), max_length=10, choices=GuardianAnswer.choices)
    answered_at = models.DateTimeField()
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["municipality", "request", "guardian"], name="consent_request_answer_once"),
            models.UniqueConstraint(
                fields=["municipality", "request"],
                condition=Q(young_person=True),
                name="consent_request_young_person_once",
            ),
            models.CheckConstraint(
                condition=Q(guardian__isnull=False, young_person=False) | Q(guardian__isnull=True, young_person=True),
                name="consent_request_answer_by_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.answer} ({self.request_id})"
