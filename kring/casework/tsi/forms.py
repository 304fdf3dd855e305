"""Forms of the TSI flow: they validate input and keep what was typed; the workflow rules are in the actions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kring.access.roles import Category, Origin
from kring.casework.models import (
    BbicAspect,
    ChildAgreement,
    ClosureReason,
    ConsentMethod,
    DeclineAdvice,
    FocusArea,
    GuardianAnswer,
    InterventionKind,
    InterventionStatus,
    MeetingKind,
    NeedKind,
    Occasion,
    ParticipantRole,
    Teller,
    YoungPersonAnswer,
)
from kring.casework.tsi.actions import Decision, GuardianAct, WithdrawalNotice
from kring.casework.workflow import DATE_WIDGET, DATETIME_WIDGET, TEXT
from kring.directory.models import Unit
from kring.forms import KringForm
from kring.legal import cite
from kring.people.identity import parse_identity_number
from kring.people.languages import FAMILY_LANGUAGE_CHOICES
from kring.people.models import Guardian

CONSENT_PARTIES = [
    (Origin.SCHOOL, _("School")),
    (Origin.STUDENT_HEALTH, _("Student health")),
    (Origin.SOCIAL_SERVICES, _("Social services")),
    (Origin.HEALTH_CARE, _("Health care (e.g. BUP)")),
    (Origin.POLICE, _("Police")),
]
CONSENT_CATEGORIES = [
    (Category.STORY, _("Stories")),
    (Category.NEEDS, _("Needs analysis")),
    (Category.INTERVENTION, _("Interventions")),
    (Category.MEETING, _("Meetings")),
    (Category.PLAN, _("Plan")),
    (Category.OUTCOME, _("Outcome measures")),
    (Category.ATTENDANCE, _("Attendance")),
    (Category.CASE_NOTE, _("Case notes")),
]


# Whom the team may tell about its work with the child, and what of its own records (the other direction).
SHARE_WITH_PARTIES = [
    (Origin.SCHOOL, _("The school (the principal and student health of the requesting school)")),
    (Origin.SOCIAL_SERVICES, _("Social services")),
    (Origin.HEALTH_CARE, _("Health care (e.g. BUP)")),
]
SHARE_CATEGORIES = [
    (Category.PLAN, _("The plan")),
    (Category.MEETING, _("Meetings and their notes")),
    (Category.OUTCOME, _("Outcome measures")),
    (Category.NEEDS, _("Needs analysis")),
    (Category.STORY, _("The stories (the guardians', the school's and the child's)")),
    (Category.INTERVENTION, _("Interventions")),
]


class DatesInOrderMixin:
    """Adds an error on the later field when two dates are in the wrong order."""

    date_order: tuple[str, str, Any] = ("", "", "")

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        first, second, message = self.date_order
        start, end = cleaned.get(first), cleaned.get(second)
        if first and start and end and end < start:
            self.add_error(second, message)  # type: ignore[attr-defined]
        return cleaned


class RequestForm(KringForm):
    team = forms.ModelChoiceField(label=_("TSI team"), queryset=Unit.objects.none(), empty_label=_("Choose a team"))
    reason = forms.CharField(
        label=_("Why do you ask for help?"),
        widget=TEXT,
        max_length=5000,
        help_text=_("What have you noticed? Describe the child's situation in school, as concretely as you can."),
    )
    tried = forms.CharField(label=_("What has the school tried?"), widget=TEXT, max_length=5000, required=False)
    child_view = forms.CharField(
        label=_("The child's own view, if known"), widget=TEXT, max_length=5000, required=False
    )

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        only = list(teams[:2])
        if len(only) == 1 and not self.is_bound:
            self.initial.setdefault("team", only[0].pk)  # the only team the school can ask is chosen already


class AssessmentForm(KringForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.ACCEPT, _("Accept: the case fits TSI")),
            (Decision.MORE_INFO, _("Ask the school for more information")),
            (Decision.DECLINE, _("Decline, with advice")),
        ],
    )
    note = forms.CharField(label=_("The team's assessment"), widget=TEXT, max_length=5000)
    advice = forms.ChoiceField(
        label=_("Advice when declining"), choices=[("", "–"), *DeclineAdvice.choices], required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == Decision.DECLINE and not cleaned.get("advice"):
            self.add_error("advice", _("Say what the school should do instead."))
        return cleaned


class MoreInformationForm(KringForm):
    information = forms.CharField(label=_("Your answer to the team"), widget=TEXT, max_length=5000)


class ConsentScopeForm(KringForm):
    """What a consent covers: the two directions of what is shared, for how long, and the child's view."""

    parties = forms.MultipleChoiceField(
        label=_("1. Parties that may share information with the team"),
        choices=CONSENT_PARTIES,
        widget=forms.CheckboxSelectMultiple,
    )
    categories = forms.MultipleChoiceField(
        label=_("… the information they may share with the team"),
        choices=CONSENT_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
    )
    share_with = forms.MultipleChoiceField(
        label=_("2. Parties the team may tell about its work with the child"),
        choices=SHARE_WITH_PARTIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("A separate question: leave it empty and the team tells nobody what it learns or records."),
    )
    share_categories = forms.MultipleChoiceField(
        label=_("… what of the team's records it may share with them"),
        choices=SHARE_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    final_plan_to_school = forms.BooleanField(
        label=_("3. After the case closes, the requesting school keeps the final plan"),
        required=False,
        help_text=_("Without this, the school sees only that the case was closed, and why."),
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE_WIDGET)
    child_agreement = forms.ChoiceField(label=_("The child's view"), choices=ChildAgreement.choices)
    child_view_note = forms.CharField(label=_("What the child said"), widget=TEXT, max_length=5000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "valid_until": today + timedelta(days=365),
                "parties": [Origin.SCHOOL, Origin.STUDENT_HEALTH, Origin.SOCIAL_SERVICES],
                "categories": [c for c, _label in CONSENT_CATEGORIES[:6]],
                "share_with": [],
                "share_categories": [],
            },
        )
        super().__init__(*args, **kwargs)


class ConsentForm(ConsentScopeForm):
    """One answer per guardian with custody (each its own act: consents or not, when, how, before whom), the two
    directions of what is shared, and from 15 the young person's own consent."""

    young_person = forms.ChoiceField(
        label=_("From 15: the young person's own consent"),
        choices=YoungPersonAnswer.choices,
        required=False,
        help_text=_("A young person of 15 or older consents (or not) for themselves, besides the guardians."),
    )

    def __init__(self, *args: Any, guardians: Any, **kwargs: Any) -> None:
        today = timezone.localdate()
        super().__init__(*args, **kwargs)
        self.guardians = list(guardians)
        for guardian in self.guardians:
            self._add_guardian_fields(guardian, today)

    def _add_guardian_fields(self, guardian: Guardian, today: Any) -> None:
        name = guardian.full_name
        self.fields[f"answer_{guardian.pk}"] = forms.ChoiceField(
            label=_("%(name)s: consents?") % {"name": name}, choices=GuardianAnswer.choices, widget=forms.RadioSelect
        )
        self.fields[f"given_on_{guardian.pk}"] = forms.DateField(
            label=_("%(name)s: on") % {"name": name}, widget=DATE_WIDGET, initial=today
        )
        self.fields[f"method_{guardian.pk}"] = forms.ChoiceField(
            label=_("%(name)s: how") % {"name": name}, choices=ConsentMethod.choices
        )
        self.fields[f"witness_{guardian.pk}"] = forms.CharField(
            label=_("%(name)s: witness (for verbal consent)") % {"name": name}, max_length=200, required=False
        )

    def guardian_fields(self) -> list[tuple[Guardian, list[Any]]]:
        """Each guardian's four fields together, for the page."""
        return [
            (guardian, [self[f"{name}_{guardian.pk}"] for name in ("answer", "given_on", "method", "witness")])
            for guardian in self.guardians
        ]

    def other_fields(self) -> list[Any]:
        own = {f"{name}_{g.pk}" for g in self.guardians for name in ("answer", "given_on", "method", "witness")}
        return [self[name] for name in self.fields if name not in own]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        until = cleaned.get("valid_until")
        for guardian in self.guardians:
            given_on = cleaned.get(f"given_on_{guardian.pk}")
            if until and given_on and until < given_on:
                self.add_error("valid_until", _("The consent must end after it was given."))
            verbal = cleaned.get(f"method_{guardian.pk}") == ConsentMethod.VERBAL
            if verbal and not cleaned.get(f"witness_{guardian.pk}", "").strip():
                self.add_error(f"witness_{guardian.pk}", _("Verbal consent needs a named witness."))
        if cleaned.get("share_with") and not cleaned.get("share_categories"):
            self.add_error("share_categories", _("Choose what the team may share, or no party."))
        if cleaned.get("share_categories") and not cleaned.get("share_with"):
            self.add_error("share_with", _("Choose with whom the team may share it, or nothing."))
        return cleaned

    def acts(self) -> list[GuardianAct]:
        data = self.cleaned_data
        return [
            GuardianAct(
                guardian, data[f"answer_{guardian.pk}"], data[f"given_on_{guardian.pk}"],
                data[f"method_{guardian.pk}"], data[f"witness_{guardian.pk}"],
            )
            for guardian in self.guardians
        ]  # fmt: skip


YOUNG_PERSON_CHOICE = "young_person"


class WithdrawalForm(KringForm):
    who = forms.ChoiceField(label=_("Who withdraws the consent"))
    note = forms.CharField(
        label=_("Note"),
        widget=TEXT,
        max_length=5000,
        required=False,
        help_text=_("How and when you were told, for example 'the mother phoned the school today'."),
    )

    def __init__(self, *args: Any, guardians: Any, young_person: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guardians = {str(guardian.pk): guardian for guardian in guardians}
        choices = [(pk, guardian.full_name) for pk, guardian in self.guardians.items()]
        if young_person:
            choices.append((YOUNG_PERSON_CHOICE, str(_("The young person (15 or older)"))))
        self.fields["who"].choices = choices  # type: ignore[attr-defined]

    def withdrawal(self) -> dict[str, Any]:
        """The keyword arguments of `withdraw_consent` for who was chosen."""
        who = self.cleaned_data["who"]
        if who == YOUNG_PERSON_CHOICE:
            return {"young_person": True, "note": self.cleaned_data["note"]}
        return {"guardian": self.guardians[who], "note": self.cleaned_data["note"]}


class WithdrawalNoticeForm(KringForm):
    """A contact person records a withdrawal they were told of, naming the child and who withdraws by number."""

    child_identity_number = forms.CharField(label=_("The child's identity number"), max_length=20)
    who = forms.ChoiceField(
        label=_("Who withdraws the consent"),
        choices=[("guardian", _("A guardian with custody")), ("young_person", _("The young person (15 or older)"))],
        widget=forms.RadioSelect,
    )
    guardian_identity_number = forms.CharField(label=_("The guardian's identity number"), max_length=20, required=False)
    note = forms.CharField(
        label=_("Note"),
        widget=TEXT,
        max_length=5000,
        required=False,
        help_text=_("How and when you were told, for example 'the mother phoned the school today'."),
    )

    def clean_child_identity_number(self) -> str:
        return parse_identity_number(self.cleaned_data["child_identity_number"]).canonical

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = cleaned.get("guardian_identity_number", "").strip()
        if cleaned.get("who") == "guardian":
            if not typed:
                self.add_error("guardian_identity_number", _("Give the identity number of the guardian."))
            else:
                try:
                    cleaned["guardian_identity_number"] = parse_identity_number(typed).canonical
                except forms.ValidationError as error:
                    self.add_error("guardian_identity_number", error)
        return cleaned

    def notice(self) -> WithdrawalNotice:
        data = self.cleaned_data
        young = data["who"] == "young_person"
        return WithdrawalNotice(
            data["child_identity_number"], "" if young else data["guardian_identity_number"], young, data["note"]
        )


class StoryForm(KringForm):
    teller = forms.ChoiceField(label=_("Whose story"), choices=Teller.choices)
    told_by = forms.CharField(label=_("Told by"), max_length=200, help_text=_("Who told it, for example 'mother'."))
    told_on = forms.DateField(label=_("Told on"), widget=DATE_WIDGET, initial=timezone.localdate)
    text = forms.CharField(label=_("The story"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    secret_from_guardians = forms.BooleanField(
        label=_("Secret towards the guardians"),
        required=False,
        help_text=format_lazy(
            _(
                "The child told it in confidence, and telling the guardians would harm the child ({law}): it is never "
                "shown on the guardians' pages or in what they download."
            ),
            law=lazy(cite, str)("secrecy_towards_guardians"),
        ),
    )

    def clean_told_on(self) -> date:
        told_on: date = self.cleaned_data["told_on"]
        if told_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return told_on


class NeedForm(KringForm):
    area = forms.ChoiceField(label=_("Focus area"), choices=FocusArea.choices)
    kind = forms.ChoiceField(label=_("Need, strength or risk"), choices=NeedKind.choices)
    aspect = forms.ChoiceField(label=_("BBIC aspect"), choices=[("", "–"), *BbicAspect.choices], required=False)
    text = forms.CharField(label=_("Description"), widget=TEXT, max_length=5000)


class InterventionForm(DatesInOrderMixin, KringForm):
    area = forms.ChoiceField(label=_("Focus area"), choices=FocusArea.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=InterventionKind.choices)
    description = forms.CharField(label=_("What is done"), widget=TEXT, max_length=5000)
    responsible = forms.CharField(label=_("Responsible"), max_length=200)
    start_on = forms.DateField(label=_("Start date"), widget=DATE_WIDGET, initial=timezone.localdate)
    end_on = forms.DateField(label=_("End date"), widget=DATE_WIDGET, required=False)
    date_order = ("start_on", "end_on", _("The end must be on or after the start."))


class InterventionStatusForm(KringForm):
    status = forms.ChoiceField(label=_("Status"), choices=InterventionStatus.choices)


PARTICIPANT_ROWS = 6


class MeetingForm(KringForm):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices)
    starts_at = forms.DateTimeField(label=_("Time"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("A neutral arena where possible."))
    neutral_arena = forms.BooleanField(label=_("The place is a neutral arena"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(PARTICIPANT_ROWS):
            self.fields[f"participant_{row}_name"] = forms.CharField(
                label=_("Participant %(number)s") % {"number": row + 1}, max_length=200, required=False
            )
            self.fields[f"participant_{row}_role"] = forms.ChoiceField(
                label=_("Taking part as"), choices=ParticipantRole.choices, required=False
            )

    def participant_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"participant_{row}_name"], self[f"participant_{row}_role"]) for row in range(PARTICIPANT_ROWS)]

    def participants(self) -> list[tuple[str, str]]:
        rows = [
            (self.cleaned_data.get(f"participant_{row}_name", ""), self.cleaned_data.get(f"participant_{row}_role"))
            for row in range(PARTICIPANT_ROWS)
        ]
        return [(name.strip(), role or ParticipantRole.OTHER) for name, role in rows if name and name.strip()]


class MeetingNotesForm(KringForm):
    notes = forms.CharField(label=_("Agreed notes"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    attended = forms.MultipleChoiceField(
        label=_("Who attended"), widget=forms.CheckboxSelectMultiple, required=False, choices=[]
    )

    def __init__(self, *args: Any, participants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(p.pk, p.name) for p in participants]  # type: ignore[attr-defined]


PLAN_ROWS = 5


class PlanForm(DatesInOrderMixin, KringForm):
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DATE_WIDGET, initial=timezone.localdate)
    next_follow_up = forms.DateField(label=_("Next follow-up"), widget=DATE_WIDGET)
    overall_responsible = forms.CharField(label=_("Overall responsibility"), max_length=200)
    date_order = ("agreed_on", "next_follow_up", _("The follow-up must be on or after the day the plan was agreed."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(PLAN_ROWS):
            number = {"number": row + 1}
            self.fields[f"goal_{row}"] = forms.CharField(
                label=_("Goal %(number)s") % number, max_length=1000, required=False
            )
            self.fields[f"goal_{row}_child_words"] = forms.CharField(
                label=_("Goal %(number)s in the child's own words") % number, max_length=1000, required=False
            )
            self.fields[f"action_{row}"] = forms.CharField(
                label=_("Action %(number)s") % number, max_length=1000, required=False
            )
            self.fields[f"action_{row}_responsible"] = forms.CharField(
                label=_("Responsible for action %(number)s") % number, max_length=200, required=False
            )
            self.fields[f"action_{row}_due"] = forms.DateField(
                label=_("Date for action %(number)s") % number, widget=DATE_WIDGET, required=False
            )

    def goal_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"goal_{row}"], self[f"goal_{row}_child_words"]) for row in range(PLAN_ROWS)]

    def action_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"action_{row}"], self[f"action_{row}_responsible"], self[f"action_{row}_due"])
            for row in range(PLAN_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not any(cleaned.get(f"goal_{row}") for row in range(PLAN_ROWS)):
            self.add_error("goal_0", _("Write at least one goal."))
        if not any(cleaned.get(f"action_{row}") for row in range(PLAN_ROWS)):
            self.add_error("action_0", _("Write at least one action."))
        for row in range(PLAN_ROWS):
            if cleaned.get(f"action_{row}") and not cleaned.get(f"action_{row}_responsible"):
                self.add_error(f"action_{row}_responsible", _("Say who is responsible for the action."))
        return cleaned

    def goals(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {"text": data[f"goal_{row}"], "child_words": data.get(f"goal_{row}_child_words", "")}
            for row in range(PLAN_ROWS)
            if data.get(f"goal_{row}")
        ]

    def actions(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "text": data[f"action_{row}"],
                "responsible": data.get(f"action_{row}_responsible", ""),
                "due": data[f"action_{row}_due"].isoformat() if data.get(f"action_{row}_due") else "",
            }
            for row in range(PLAN_ROWS)
            if data.get(f"action_{row}")
        ]

    @staticmethod
    def initial_from(version: Any) -> dict[str, Any]:
        """Start a new version from the one in force."""
        initial: dict[str, Any] = {"overall_responsible": version.overall_responsible}
        for row, goal in enumerate(version.goals[:PLAN_ROWS]):
            initial[f"goal_{row}"] = goal.get("text", "")
            initial[f"goal_{row}_child_words"] = goal.get("child_words", "")
        for row, action in enumerate(version.actions[:PLAN_ROWS]):
            initial[f"action_{row}"] = action.get("text", "")
            initial[f"action_{row}_responsible"] = action.get("responsible", "")
            initial[f"action_{row}_due"] = action.get("due", "")
        return initial


RATING_HELP = _("1 to 5")


class OutcomeForm(KringForm):
    measured_on = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)
    occasion = forms.ChoiceField(label=_("Occasion"), choices=Occasion.choices)
    attendance_percent = forms.IntegerField(
        label=_("School attendance (%)"), min_value=0, max_value=100, required=False
    )
    home_conflicts = forms.IntegerField(
        label=_("Conflicts at home, the guardians' rating (1 = none, 5 = every day)"),
        min_value=1,
        max_value=5,
        required=False,
    )
    listened_to = forms.IntegerField(
        label=_("The child feels listened to, the child's rating (1 = not at all, 5 = completely)"),
        min_value=1,
        max_value=5,
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), widget=TEXT, max_length=5000, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        measures = ("attendance_percent", "home_conflicts", "listened_to")
        if not self.errors and all(cleaned.get(name) is None for name in measures):
            raise forms.ValidationError(_("Enter at least one of the measures."))
        return cleaned


class FollowUpForm(KringForm):
    done_on = forms.DateField(label=_("Followed up on"), widget=DATE_WIDGET, initial=timezone.localdate)
    notes = forms.CharField(label=_("What the follow-up found"), widget=TEXT, max_length=5000)
    next_due = forms.DateField(label=_("Next follow-up"), widget=DATE_WIDGET, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        done, following = cleaned.get("done_on"), cleaned.get("next_due")
        if done and following and following <= done:
            self.add_error("next_due", _("The next follow-up must be after this one."))
        return cleaned


class ClosureForm(KringForm):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[("", "–"), *ClosureReason.choices])
    note = forms.CharField(label=_("Closing note"), widget=TEXT, max_length=5000, required=False)


class FamilyLanguageForm(KringForm):
    family_language = forms.ChoiceField(label=_("The family's language"), choices=FAMILY_LANGUAGE_CHOICES)
