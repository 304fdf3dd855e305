"""Who handles register extracts: the municipality's data protection coordinator (permission `records.extract`),
for their own municipality only. To everyone else the pages do not exist (404)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.policy import can
from kring.access.roles import Permission
from kring.directory.models import Municipality, User
from kring.people.identity import parse_identity_number
from kring.people.models import Child, Guardian
from kring.records.models import ExtractStatus, ExtractSubject, RegisterExtract


def may_handle_extracts(user: User) -> bool:
    return can(user, Permission.REGISTER_EXTRACT) and user.municipality_id is not None


def municipality_for_user(user: User) -> Municipality:
    if not may_handle_extracts(user) or user.municipality is None:
        raise Http404
    return user.municipality


def extracts_for_user(user: User) -> list[RegisterExtract]:
    municipality = municipality_for_user(user)
    return list(RegisterExtract.objects.filter(municipality=municipality).select_related("registered_by"))


def open_extracts_for_user(user: User) -> list[RegisterExtract]:
    """The requests not yet released, the oldest deadline first (the start page)."""
    if not may_handle_extracts(user):
        return []
    return list(
        RegisterExtract.objects.filter(municipality_id=user.municipality_id or 0)
        .exclude(status=ExtractStatus.RELEASED)
        .order_by("due_on", "pk")
    )


def extract_for_user(user: User, pk: int) -> RegisterExtract:
    municipality = municipality_for_user(user)
    extract = (
        RegisterExtract.objects.filter(municipality=municipality, pk=pk)
        .select_related("registered_by", "reviewed_by", "released_by")
        .first()
    )
    if extract is None:
        raise Http404
    return extract


def find_subject(user: User, kind: str, typed: str, today: date | None = None) -> Child | Guardian | User:
    """The person the request is about, in the officer's municipality: a child or guardian by identity number, a
    member of staff by e-mail. ValidationError (a message for the form) when there is no such person."""
    municipality = municipality_for_user(user)
    if kind == ExtractSubject.STAFF:
        staff = User.objects.filter(municipality=municipality, email__iexact=typed.strip()).first()
        if staff is None:
            raise ValidationError(_("No member of staff of the municipality has that e-mail address."))
        return staff
    number = parse_identity_number(typed, today=today or timezone.localdate()).canonical
    model = Child if kind == ExtractSubject.CHILD else Guardian
    person = model.objects.filter(municipality=municipality, identity_number=number).first()
    if person is None:
        raise ValidationError(_("Kring holds no one with that identity number in the municipality."))
    return person
