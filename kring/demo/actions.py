"""Seeding and removing the demo municipality: the actions behind `kring seed` and `kring demo`."""

from __future__ import annotations

from django.apps import apps
from django.db import models, transaction
from django.db.models import ProtectedError, Q

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.demo.generator import DemoResult, Writable, generate_municipality
from kring.demo.names import MUNICIPALITY_CODE
from kring.directory.models import ContactPerson, Membership, Municipality, Organisation, Unit, User
from kring.directory.notifications import without_email
from kring.insights.actions import refresh_statistics
from kring.people.models import Child, Custody, Guardian, Placement


class DemoAlreadySeeded(Exception):
    """The database already holds the demo municipality (replace it, or start from a fresh database)."""


_CORE_MODELS = (Organisation, Unit, User, Child, Guardian)


def _other_tenant_tables() -> list[tuple[type[models.Model], str]]:
    """Models outside directory and people that carry a foreign key to the municipality (cases and the like)."""
    found = []
    for model in apps.get_models():
        if model in _CORE_MODELS:
            continue
        for field in model._meta.get_fields():
            if (field.many_to_one or field.one_to_one) and field.concrete and field.related_model is Municipality:
                found.append((model, field.name))
    return found


def _delete_other_tenant_rows(municipality: Municipality) -> None:
    """What people did in the demo (cases, say) goes first; a table whose rows another table protects waits for
    a later pass."""
    remaining = _other_tenant_tables()
    for _ in range(len(remaining) + 1):
        blocked = []
        for model, field_name in remaining:
            try:
                model._default_manager.filter(**{field_name: municipality}).delete()
            except ProtectedError:
                blocked.append((model, field_name))
        if not blocked:
            return
        remaining = blocked
    raise ProtectedError(f"could not delete {[model.__name__ for model, _ in remaining]}", set())


def delete_demo_municipality(municipality: Municipality) -> None:
    """Delete the demo municipality and everything in it, leaf tables first. Audit events are kept: they have no
    foreign keys, and the audit table is append-only."""
    if municipality.code != MUNICIPALITY_CODE:
        raise ValueError(f"{municipality} is not the demo municipality; refusing to delete it")
    with transaction.atomic():
        _delete_other_tenant_rows(municipality)
        Placement.objects.filter(Q(child__municipality=municipality) | Q(unit__municipality=municipality)).delete()
        Custody.objects.filter(child__municipality=municipality).delete()
        Child.objects.filter(municipality=municipality).delete()
        Guardian.objects.filter(municipality=municipality).delete()
        ContactPerson.objects.filter(school__municipality=municipality).delete()
        Membership.objects.filter(unit__municipality=municipality).delete()
        User.objects.filter(municipality=municipality).delete()
        Unit.objects.filter(municipality=municipality).delete()
        Organisation.objects.filter(municipality=municipality).delete()
        municipality.delete()


def seed_demo(
    *,
    size: str,
    seed: int,
    replace: bool = False,
    stdout: Writable | None = None,
    by_label: str = "kring seed",
    via_ss12000: bool = False,
) -> DemoResult:
    """Generate the demo municipality (replacing an earlier one if asked) and audit the seed run."""
    with transaction.atomic():
        existing = Municipality.objects.filter(code=MUNICIPALITY_CODE).first()
        if existing is not None:
            if not replace:
                raise DemoAlreadySeeded(f"{existing.name} ({existing.code}) is already in the database")
            delete_demo_municipality(existing)
        with without_email():  # the people are fictional: notify them in the app only
            result = generate_municipality(size=size, seed=seed, stdout=stdout, via_ss12000=via_ss12000)
        record_event(
            actor=None,
            action=AuditAction.WRITE,
            target_type="demo_seed",
            target_id=result.municipality.pk,
            municipality_id=result.municipality.pk,
            actor_label=by_label,
            details={
                "size": size,
                "seed": seed,
                "replaced": existing is not None,
                "via_ss12000": via_ss12000,
                "counts": result.counts,
            },
        )
        refresh_statistics(municipality=result.municipality, by_label=by_label)  # the statistics page has figures
    return result
