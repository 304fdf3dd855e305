"""The children's own voice for the report: a few of the pupils' own words from the latest pupil survey, only as the
survey's results show them (free texts for the whole survey, and only when it has enough answers to be shown at all;
never a class's or a group's under the threshold), and only for someone who may read the surveys' results."""

from __future__ import annotations

from django.utils.translation import gettext as _

from kring.directory.models import User
from kring.prevention.surveys.queries import may_use_surveys, series_for_user, survey_results

QUOTES = 3


def children_quotes(user: User) -> tuple[str, list[str]]:
    """The survey's name and up to `QUOTES` of the words its pupils wrote, from its latest wave with any shown for
    the whole survey; ("", []) when there are none the user may read."""
    if not may_use_surveys(user):
        return "", []
    series = series_for_user(user).order_by("-pk").first()
    if series is None:
        return "", []
    results = survey_results(user, series)
    for wave in reversed(results.waves):
        texts = wave.free_texts.get(_("All"), [])
        if texts:
            return series.name, texts[:QUOTES]
    return "", []
