"""The family's forms, with their own messages (in the family's catalogue, so they are in every family language)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kring.casework.models import Occasion
from kring.people.languages import FAMILY_LANGUAGE_CHOICES

SCALE_REQUIRED = _("Choose one of the five answers.")
HOME_CHOICES = [
    (1, _("1 – No conflicts")),
    (2, _("2 – Now and then")),
    (3, _("3 – Every week")),
    (4, _("4 – Several times a week")),
    (5, _("5 – Every day")),
]
FACE_CHOICES = [
    (1, _("Very bad")),
    (2, _("Bad")),
    (3, _("So-so")),
    (4, _("Good")),
    (5, _("Very good")),
]
LISTENED_CHOICES = [
    (1, _("Not at all")),
    (2, _("A little")),
    (3, _("Sometimes")),
    (4, _("Mostly")),
    (5, _("Completely")),
]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        choices=FAMILY_LANGUAGE_CHOICES, error_messages={"invalid_choice": _("Choose one of the languages.")}
    )


class ConsentAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("gives", _("Yes, I consent")), ("refuses", _("No, I do not consent"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Answer yes or no."), "invalid_choice": _("Answer yes or no.")},
    )


class HomeRatingForm(forms.Form):
    home_conflicts = forms.TypedChoiceField(
        label=_("How often are there conflicts at home now?"),
        choices=HOME_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": SCALE_REQUIRED, "invalid_choice": SCALE_REQUIRED},
    )


class VoiceForm(forms.Form):
    how_it_goes = forms.TypedChoiceField(
        label=_("How is it going?"),
        choices=FACE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": SCALE_REQUIRED, "invalid_choice": SCALE_REQUIRED},
    )
    listened_to = forms.TypedChoiceField(
        label=_("Do the adults listen to you?"),
        choices=LISTENED_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": SCALE_REQUIRED, "invalid_choice": SCALE_REQUIRED},
    )
    words = forms.CharField(
        label=_("Tell us in your own words (if you want to)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Write a little shorter, please.")},
    )
    secret_from_guardians = forms.BooleanField(
        label=_("Only for the team: do not show this to my parents"),
        required=False,
    )
    occasion = forms.ChoiceField(
        choices=[(Occasion.START, Occasion.START), (Occasion.FOLLOW_UP, Occasion.FOLLOW_UP)],
        initial=Occasion.FOLLOW_UP,
        widget=forms.HiddenInput,
    )
