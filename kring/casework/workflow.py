"""What the two halves of casework (TSI cases; concerns and reports) share: the refusal of a step the workflow
does not allow now, running an action from a form so that a refusal becomes a form error, the form widgets, and
the name under which background work acts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

SYSTEM_ACTOR = "Kring (system)"

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TEXT = forms.Textarea(attrs={"rows": 4})


class WorkflowError(ValidationError):
    """A step the TSI workflow does not allow now; the message says why, in the user's language."""


def run_action(form: Any, action: Callable[[], Any], field: str | None = None) -> Any:
    """Run an action; a workflow refusal becomes a form error (on `field` when given and the refusal is about
    identifying data, else at the top), so nothing typed is lost. Returns the action's result, or None."""
    try:
        return action()
    except WorkflowError as error:
        form.add_error(field if field and error.code == "identifying" else None, error)
        return None
