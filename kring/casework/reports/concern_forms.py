"""Forms of concerns, anonymous consultations and reports of concern. They validate input and keep what was typed;
the rules (anonymity, who may act, the duty to report) are in `kring.casework.reports.actions`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kring.casework.models import AgeBand, Concern, ConcernCategory, Consultation, Triage, Urgency
from kring.casework.reports.actions import ConcernInput, ReportedChild, ReportInput
from kring.casework.workflow import DATE_WIDGET, TEXT
from kring.directory.models import Unit
from kring.forms import KringForm
from kring.people.identity import parse_identity_number
from kring.people.models import Child

CHILD_WORDS_HELP = _("Write exactly what the child said, in the child's own words, without interpreting.")


class ConcernForm(KringForm):
    category = forms.ChoiceField(label=_("What is the concern about?"), choices=[("", "–"), *ConcernCategory.choices])
    observed = forms.CharField(
        label=_("What was seen or heard"),
        widget=TEXT,
        max_length=5000,
        help_text=_("Describe what happened as concretely as you can: facts, not conclusions."),
    )
    observed_on = forms.DateField(label=_("When"), widget=DATE_WIDGET, initial=timezone.localdate)
    observed_by = forms.CharField(
        label=_("By whom"), max_length=200, help_text=_("Who saw or heard it, for example 'I, in the schoolyard'.")
    )
    child_words = forms.CharField(
        label=_("The child's own words"), widget=TEXT, max_length=5000, required=False, help_text=CHILD_WORDS_HELP
    )

    def clean_observed_on(self) -> date:
        observed_on: date = self.cleaned_data["observed_on"]
        if observed_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return observed_on

    def to_input(self) -> ConcernInput:
        data = self.cleaned_data
        return ConcernInput(
            category=data["category"],
            observed=data["observed"],
            observed_on=data["observed_on"],
            observed_by=data["observed_by"],
            child_words=data["child_words"],
        )


class TriageForm(KringForm):
    triage = forms.ChoiceField(
        label=_("What happens next?"),
        widget=forms.RadioSelect,
        choices=[
            (Triage.STUDENT_HEALTH, _("Handle it within student health")),
            (Triage.TSI, _("Ask the TSI team for help (opens the request form)")),
            (Triage.CONSULTATION, _("Ask social services for advice in an anonymous consultation")),
            (Triage.REPORT, _("File a report of concern to social services")),
            (Triage.NO_ACTION, _("No further action (closes the concern)")),
        ],
    )
    note = forms.CharField(
        label=_("Note"),
        widget=TEXT,
        max_length=5000,
        required=False,
        help_text=_("Why, and what the school does. Not sent to anyone outside the school."),
    )


class CloseConcernForm(KringForm):
    note = forms.CharField(label=_("Closing note"), widget=TEXT, max_length=5000, required=False)


class ConsultationForm(KringForm):
    school = forms.ModelChoiceField(label=_("School"), queryset=Unit.objects.none(), empty_label=None)
    age_band = forms.ChoiceField(label=_("The child's age"), choices=[("", "–"), *AgeBand.choices])
    question = forms.CharField(
        label=_("Your question"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=5000,
        help_text=_(
            "Describe the situation without identifying the child: no name, identity number, class, address or "
            "family details that would let anyone know who it is."
        ),
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["school"]
        field.queryset = schools
        if len(schools) == 1:
            field.widget = forms.HiddenInput()
            field.initial = schools[0].pk
            field.required = False
            self.only_school = schools[0]

    only_school: Unit | None = None

    def clean_school(self) -> Unit | None:
        return self.cleaned_data.get("school") or self.only_school


class MessageForm(KringForm):
    text = forms.CharField(label=_("Your message"), widget=TEXT, max_length=5000)


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class ReportForm(KringForm):
    what_happened = forms.CharField(
        label=_("What has happened? What did you see or hear?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
    )
    when_and_where = forms.CharField(
        label=_("When and where, and by whom"),
        max_length=500,
        help_text=_("For example 'Monday 3 March, in the classroom, told to me (mentor)'."),
    )
    child_words = forms.CharField(
        label=_("The child's own words"), widget=TEXT, max_length=5000, required=False, help_text=CHILD_WORDS_HELP
    )
    guardians_informed = forms.ChoiceField(
        label=_("Do the guardians know about the report?"), widget=forms.RadioSelect, choices=YES_NO
    )
    guardians_not_informed_why = forms.CharField(
        label=_("If not, why?"),
        widget=TEXT,
        max_length=5000,
        required=False,
        help_text=_("For example: the concern is violence at home, and telling the guardians could harm the child."),
    )
    urgency = forms.ChoiceField(label=_("How urgent is it?"), widget=forms.RadioSelect, choices=Urgency.choices)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("guardians_informed") == "no" and not cleaned.get("guardians_not_informed_why", "").strip():
            self.add_error("guardians_not_informed_why", _("Say why the guardians have not been told."))
        return cleaned

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        informed = data["guardians_informed"] == "yes"
        return ReportInput(
            what_happened=data["what_happened"],
            when_and_where=data["when_and_where"],
            guardians_informed=informed,
            urgency=data["urgency"],
            child_words=data["child_words"],
            guardians_not_informed_why="" if informed else data["guardians_not_informed_why"],
        )

    @staticmethod
    def initial_from_concern(concern: Concern) -> dict[str, str]:
        what = _("%(category)s. Observed by %(by)s on %(date)s: %(observed)s") % {
            "category": concern.get_category_display(),
            "by": concern.observed_by,
            "date": f"{concern.observed_on:%Y-%m-%d}",
            "observed": concern.observed,
        }
        return {
            "what_happened": what,
            "when_and_where": _("%(date)s, observed by %(by)s (concern recorded at %(school)s)")
            % {"date": f"{concern.observed_on:%Y-%m-%d}", "by": concern.observed_by, "school": concern.unit.name},
            "child_words": concern.child_words,
        }

    @staticmethod
    def initial_from_consultation(consultation: Consultation) -> dict[str, str]:
        return {"what_happened": consultation.question}


class ReportByNumberForm(ReportForm):
    """For reporters without a basis for the child (the police), and for a child not in the register (no identity
    number, another municipality, not imported yet): the child is named by number, or by name and date of birth."""

    identity_number = forms.CharField(
        label=_("The child's identity number, if known"),
        max_length=20,
        required=False,
        help_text=_("YYYYMMDD-NNNN. Without it, give the name and date of birth."),
    )
    first_name = forms.CharField(label=_("The child's first name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("The child's last name"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("The child's date of birth"), widget=DATE_WIDGET, required=False)
    known = forms.CharField(
        label=_("What else you know of the child"),
        widget=TEXT,
        max_length=2000,
        required=False,
        help_text=_("For example the address, the home municipality, the school, the guardians' names."),
    )
    field_order = ["identity_number", "first_name", "last_name", "birth_date", "known"]

    def clean_identity_number(self) -> str:
        typed: str = self.cleaned_data["identity_number"].strip()
        return parse_identity_number(typed).canonical if typed else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        named = cleaned.get("first_name", "").strip() or cleaned.get("last_name", "").strip()
        if "identity_number" in cleaned and not cleaned["identity_number"]:
            if not named:
                self.add_error("first_name", _("Give the child's identity number, or the name and date of birth."))
            if not cleaned.get("birth_date"):
                self.add_error("birth_date", _("Give the child's date of birth, or the identity number."))
        return cleaned

    def reported_child(self) -> ReportedChild:
        data = self.cleaned_data
        return ReportedChild(
            identity_number=data["identity_number"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            known=data["known"],
        )


class ConsultationReportForm(ReportForm):
    """The advice was to report: choose the pupil, which discloses the child's identity to social services."""

    pupil = forms.ModelChoiceField(
        label=_("The pupil the consultation was about"),
        queryset=Child.objects.none(),
        empty_label=_("Choose the pupil"),
    )
    field_order = ["pupil"]

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["pupil"]
        field.queryset = pupils
        field.label_from_instance = lambda child: f"{child.full_name} ({child.birth_date:%Y-%m-%d})"
