"""Writing the municipality's absence thresholds (`AbsenceSettings`).

The thresholds are local policy under Skollagen 7 kap 19 a §: the law asks that repeated or long absence be
investigated promptly but sets no figures. A change is saved and audited (old and new values) in one transaction,
and then every pupil's absence indicator of the municipality is recomputed, so that the early-warning pages show the
new levels at once.

The recomputation runs after the transaction: it can take seconds for a large municipality, and the audit event's
transaction holds the lock on the head of the audit chain, which every other audited request waits for. Should it
fail, the settings stay saved and the next import recomputes with them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import can
from kring.access.roles import Permission
from kring.directory.models import Municipality, User
from kring.schooldata.indicators import recompute_indicators
from kring.schooldata.models import AbsenceSettings

# The sensible range of each threshold, both ends included (the form shows them; the action enforces them too).
LIMITS: dict[str, tuple[int, int]] = {
    "window_days": (7, 90),
    "window_percent": (1, 100),
    "term_percent": (1, 100),
    "unexcused_per_month": (1, 31),
    "consecutive_days": (2, 30),
    "school_day_minutes": (60, 600),
}
FIELDS = tuple(LIMITS)


def default_values() -> dict[str, int]:
    """The thresholds Kring ships (the common defaults), as the model declares them."""
    blank = AbsenceSettings()
    return {name: getattr(blank, name) for name in FIELDS}


def current_values(settings: AbsenceSettings) -> dict[str, int]:
    return {name: getattr(settings, name) for name in FIELDS}


def settings_for(municipality: Municipality) -> AbsenceSettings:
    """The municipality's saved thresholds, or the defaults (unsaved) if it has saved none yet."""
    saved = AbsenceSettings.objects.filter(municipality=municipality).first()
    return saved or AbsenceSettings(municipality=municipality)


def _check(values: dict[str, Any]) -> None:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not an absence threshold: {', '.join(sorted(unknown))}")
    for name, value in values.items():
        low, high = LIMITS[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise ValidationError({name: f"{value!r} is not a whole number from {low} to {high}"})


def update_absence_settings(*, municipality: Municipality, by: User, **values: int) -> AbsenceSettings:
    """Set the municipality's thresholds to `values` (any of `FIELDS`; the others keep their value), audit the change
    with the old and new values, and recompute the municipality's absence indicators.

    Only a user who may import school data, and only in their own municipality. Saving the values it already has
    writes nothing and recomputes nothing."""
    if by.municipality_id != municipality.pk or not can(by, Permission.SCHOOLDATA_IMPORT):
        raise PermissionDenied
    _check(values)
    with transaction.atomic():
        settings, _created = AbsenceSettings.objects.get_or_create(municipality=municipality)
        settings = AbsenceSettings.objects.select_for_update().get(pk=settings.pk)
        old = current_values(settings)
        changed = sorted(name for name, value in values.items() if old[name] != value)
        if not changed:
            return settings
        for name in changed:
            setattr(settings, name, values[name])
        settings.save(update_fields=changed)
        record_event(
            actor=by,
            action=AuditAction.WRITE,
            target_type="absence_settings",
            target_id=settings.pk,
            municipality_id=municipality.pk,
            details={"changed": changed, "old": old, "new": current_values(settings)},
        )
    recompute_indicators(municipality.pk)
    return settings
