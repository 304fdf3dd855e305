"""Forms of the prevention programmes: they validate and keep what was typed; the rules are in `actions`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kring.casework.workflow import DATE_WIDGET, TEXT
from kring.directory.models import Organisation, User
from kring.forms import KringForm
from kring.people.models import Child, Group
from kring.prevention.models import ManualSession, Programme
from kring.prevention.tryggbas.forms import StaffChoiceField

GRADES = {"F", "1", "2", "3", "4", "5", "6", "7", "8", "9", "1G", "2G", "3G"}


class ProgrammeForm(KringForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    aim = forms.CharField(label=_("Aim"), widget=TEXT, max_length=4000)
    target_grades = forms.CharField(
        label=_("Target grades"),
        max_length=60,
        required=False,
        help_text=_("Separated by commas, e.g. 5 or 7, 8, 9. Empty: every grade."),
    )
    organisations = forms.ModelMultipleChoiceField(
        label=_("Run by"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    manual = forms.CharField(
        label=_("The sessions of the manual"),
        widget=TEXT,
        max_length=8000,
        required=False,
        help_text=_("One session a line, in order."),
    )
    trains_all_staff = forms.BooleanField(label=_("All staff are to be trained"), required=False)
    has_pupil_mentors = forms.BooleanField(label=_("Pupils are appointed as mentors"), required=False)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisations"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Organisation.objects.filter(municipality_id=municipality_id).order_by("name")

    @classmethod
    def initial_of(cls, programme: Programme) -> dict[str, Any]:
        return {
            "name": programme.name,
            "aim": programme.aim,
            "target_grades": ", ".join(programme.target_grades),
            "organisations": list(programme.organisations.all()),
            "source": programme.source,
            "manual": "\n".join(session.topic for session in programme.manual.all()),
            "trains_all_staff": programme.trains_all_staff,
            "has_pupil_mentors": programme.has_pupil_mentors,
        }

    def clean_target_grades(self) -> list[str]:
        grades = [grade.strip().upper() for grade in self.cleaned_data["target_grades"].split(",") if grade.strip()]
        unknown = [grade for grade in grades if grade not in GRADES]
        if unknown:
            raise forms.ValidationError(_("Not a grade: %(grades)s.") % {"grades": ", ".join(unknown)})
        return sorted(set(grades), key=lambda g: (len(g), g))

    def clean_manual(self) -> list[str]:
        return [line.strip()[:200] for line in self.cleaned_data["manual"].splitlines() if line.strip()]


class TrainingForm(KringForm):
    trained_on = forms.DateField(label=_("Trained on"), widget=DATE_WIDGET)
    hours = forms.DecimalField(label=_("Hours"), min_value=Decimal("0.5"), max_value=Decimal("200"), decimal_places=1)
    trainer = forms.CharField(label=_("Trainer"), max_length=120)

    def __init__(self, *args: Any, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"] = StaffChoiceField(
            label=_("Member of staff"), queryset=User.objects.filter(pk__in=[u.pk for u in staff])
        )
        self.order_fields(["user", "trained_on", "hours", "trainer"])


class SessionForm(KringForm):
    held_on = forms.DateField(label=_("Held on"), widget=DATE_WIDGET)
    topic = forms.CharField(label=_("or another topic"), max_length=200, required=False)
    pupils_present = forms.IntegerField(label=_("Pupils present"), min_value=0, max_value=500)

    def __init__(
        self,
        *args: Any,
        groups: QuerySet[Group],
        manual: QuerySet[ManualSession],
        facilitators: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"] = forms.ModelChoiceField(label=_("Class"), queryset=groups)
        self.fields["manual_session"] = forms.ModelChoiceField(
            label=_("Session of the manual"), queryset=manual, required=False
        )
        self.fields["facilitators"] = forms.ModelMultipleChoiceField(
            label=_("Led by"),
            queryset=facilitators,
            widget=forms.SelectMultiple(attrs={"size": 6}),
            help_text=_("Everyone who led it, from each organisation."),
        )
        self.order_fields(["group", "held_on", "manual_session", "topic", "facilitators", "pupils_present"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("manual_session") and not (data.get("topic") or "").strip():
            self.add_error("manual_session", _("Choose a session of the manual, or write the topic."))
        return data


class MentorForm(KringForm):
    appointed_on = forms.DateField(label=_("Appointed on"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, pupils: QuerySet[Child], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"] = forms.ModelChoiceField(label=_("Pupil"), queryset=pupils)
        self.order_fields(["child", "appointed_on"])
