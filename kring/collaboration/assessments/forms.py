"""The child impact assessment's form: every step on one page, and the consequences as a grid of the options and the
articles of the version being changed (new options or articles get their cells once saved)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kring.casework.workflow import DATE_WIDGET, TEXT
from kring.collaboration import crc
from kring.collaboration.assessments.actions import TEXT_FIELDS, AssessmentInput
from kring.collaboration.models import Agreement, AssessmentVersion, CollaborationGroup, Effect, Term
from kring.directory.models import User
from kring.forms import KringForm
from kring.prevention.tryggbas.forms import StaffChoiceField


def _text(label: Any, help_text: Any = "", *, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, widget=TEXT, max_length=8000, required=required, help_text=help_text)


class AssessmentForm(KringForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    responsible = StaffChoiceField(label=_("Responsible"), queryset=User.objects.none())
    group = forms.ModelChoiceField(
        label=_("A change of this collaboration group"), queryset=CollaborationGroup.objects.none(), required=False
    )
    agreement = forms.ModelChoiceField(
        label=_("A change of this agreement"), queryset=Agreement.objects.none(), required=False
    )
    matter = _text(_("1. The matter"), _("What is to be decided, and why now."), required=True)
    decision_to_make = _text(_("The decision to be made"), required=True)
    children_affected = _text(_("2. Which children are affected"), _("Ages, groups, schools, areas."))
    vulnerable_children = _text(
        _("Children in vulnerable situations"), _("Children with disabilities, in care, new arrivals, at risk …")
    )
    views_method = _text(_("3. How the children's views were obtained"), _("Method: talks, surveys, workshops."))
    views_count = forms.IntegerField(label=_("How many children were asked"), min_value=0, required=False)
    views_summary = _text(_("The children's views, in their own words"))
    guardians_views = _text(_("4. The guardians' views"))
    articles = forms.TypedMultipleChoiceField(
        label=_("5. The articles of the Convention on the Rights of the Child"),
        coerce=int,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Always articles 2, 3, 6 and 12, and those the matter touches."),
    )
    options = _text(
        _("6. The options considered"),
        _("One option a line: its name, a colon, what it means. For example: Keep today's groups: …"),
    )
    weighing = _text(
        _("8. The weighing"), _("The child's best interests first: how they were weighed against other interests.")
    )
    departs_from_views = forms.BooleanField(label=_("The decision departs from the children's views"), required=False)
    departure_reasons = _text(_("Why it departs from the children's views"))
    compensating_measures = _text(
        _("9. Compensating measures"), _("What is done for the children the decision weakens.")
    )
    decision = _text(_("10. The decision"))
    decided_by = forms.CharField(label=_("Decided by"), max_length=150, required=False)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE_WIDGET, required=False)
    feedback_how = _text(_("11. How the children are told the outcome"))
    feedback_on = forms.DateField(label=_("The children are told by"), widget=DATE_WIDGET, required=False)
    follow_up_on = forms.DateField(label=_("12. Follow-up date"), widget=DATE_WIDGET, required=False)
    change_note = forms.CharField(label=_("What changed in this version"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        base: AssessmentVersion | None,
        responsibles: QuerySet[User],
        groups: QuerySet[CollaborationGroup],
        agreements: QuerySet[Agreement],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("responsible", responsibles), ("group", groups), ("agreement", agreements)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        articles = self.fields["articles"]
        assert isinstance(articles, forms.TypedMultipleChoiceField)
        articles.choices = crc.choices()
        self.grid: list[tuple[int, int, str, str]] = []  # (option index, article, option name, article label)
        if base is not None:
            self._add_grid(base)

    def _add_grid(self, base: AssessmentVersion) -> None:
        cells = {(c["option"], c["article"]): c for c in base.consequences}
        for index, option in enumerate(base.options):
            for article in base.articles:
                cell = cells.get((index, article), {})
                key = f"{index}_{article}"
                self.fields[f"effect_{key}"] = forms.ChoiceField(
                    label=_("Effect"), choices=[("", "–"), *Effect.choices], required=False,
                    initial=cell.get("effect", ""),
                )  # fmt: skip
                self.fields[f"term_{key}"] = forms.ChoiceField(
                    label=pgettext_lazy("consequence", "Term"), choices=[("", "–"), *Term.choices], required=False,
                    initial=cell.get("term", ""),
                )  # fmt: skip
                self.fields[f"note_{key}"] = forms.CharField(
                    label=_("Note"), max_length=500, required=False, initial=cell.get("note", "")
                )
                self.grid.append((index, article, option["name"], crc.label(article)))

    def grid_rows(self) -> list[dict[str, Any]]:
        return [
            {"option": name, "article": label, "effect": self[f"effect_{i}_{a}"], "term": self[f"term_{i}_{a}"],
             "note": self[f"note_{i}_{a}"]}
            for i, a, name, label in self.grid
        ]  # fmt: skip

    @classmethod
    def initial_of(cls, version: AssessmentVersion) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(version, name) for name in TEXT_FIELDS if name != "change_note"}
        assessment = version.assessment
        initial.update(
            title=assessment.title, responsible=assessment.responsible, group=assessment.group,
            agreement=assessment.agreement, views_count=version.views_count, articles=version.articles,
            options="\n".join(f"{o['name']}: {o['description']}" if o["description"] else o["name"]
                              for o in version.options),
            departs_from_views=version.departs_from_views, decided_on=version.decided_on,
            feedback_on=version.feedback_on, follow_up_on=version.follow_up_on,
        )  # fmt: skip
        return initial

    def clean_options(self) -> list[dict[str, str]]:
        options = []
        for line in self.cleaned_data["options"].splitlines():
            name, _colon, description = line.partition(":")
            if name.strip():
                options.append({"name": name.strip()[:150], "description": description.strip()[:1000]})
        return options

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("departs_from_views") and not cleaned.get("departure_reasons", "").strip():
            self.add_error("departure_reasons", _("Say why the decision departs from the children's views."))
        return cleaned

    def assessment_input(self) -> AssessmentInput:
        data = self.cleaned_data
        consequences = [
            {"option": i, "article": a, "effect": data.get(f"effect_{i}_{a}", ""),
             "term": data.get(f"term_{i}_{a}", ""), "note": data.get(f"note_{i}_{a}", "")}
            for i, a, _name, _label in self.grid
        ]  # fmt: skip
        return AssessmentInput(
            title=data["title"], responsible=data["responsible"], matter=data["matter"],
            decision_to_make=data["decision_to_make"], group=data["group"], agreement=data["agreement"],
            articles=list(data["articles"]), options=data["options"], consequences=consequences,
            texts={name: data.get(name, "") for name in TEXT_FIELDS}, views_count=data["views_count"],
            departs_from_views=data["departs_from_views"], decided_on=data["decided_on"],
            feedback_on=data["feedback_on"], follow_up_on=data["follow_up_on"],
        )  # fmt: skip
