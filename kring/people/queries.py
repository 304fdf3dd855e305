"""Reading children through the access policy: the only way views reach a child's data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import Basis, bases_for_children, basis_among, can, visible_to
from kring.access.roles import Category, Permission
from kring.directory.models import User
from kring.people.identity import parse_identity_number
from kring.people.models import Child, Custody, Placement
from kring.people.picture import WholePicture, whole_picture

SEARCH_LIMIT = 50
_DIGITS = re.compile(r"\d")


def _search_filter(text: str) -> Q:
    digits = "".join(_DIGITS.findall(text))
    if len(digits) >= 6:
        # Birth dates and identity numbers: match the 12-digit form from the start, or the form without century.
        if len(digits) in (10, 6):
            return Q(identity_number__startswith=f"19{digits}") | Q(identity_number__startswith=f"20{digits}")
        return Q(identity_number__startswith=digits)
    query = Q()
    for word in text.casefold().split():
        query &= Q(name_key__startswith=word) | Q(name_key__contains=f" {word}")
    return query


def search_children_for_user(user: User, text: str) -> list[Child]:
    """Children the user may see that match a name or identity number; the search is audited."""
    if not can(user, Permission.CHILD_SEARCH) or len(text.strip()) < 2:
        return []
    found = list(
        visible_to(user, Child.objects.all())
        .filter(_search_filter(text.strip()))
        .order_by("last_name", "first_name", "pk")[:SEARCH_LIMIT]
    )
    bases = bases_for_children(user, [child.pk for child in found])
    record_event(
        actor=user,
        action=AuditAction.SEARCH,
        target_type="child",
        details={
            "query": text.strip()[:100],
            "results": [child.pk for child in found],
            "bases": {str(child.pk): _describe_first(bases[child.pk]) for child in found},
        },
    )
    return found


def _describe_first(bases: list[Basis]) -> str:
    return bases[0].describe() if bases else ""


@dataclass(frozen=True)
class Section:
    """One part of the child overview and the basis under which the user sees it; `says_basis` is False when the
    section before it is seen under the same basis ("You see this because" once per group, not per section)."""

    category: str
    basis: Basis
    says_basis: bool = True


@dataclass
class ChildOverview:
    child: Child
    sections: dict[str, Section]
    custodies: list[Custody]
    placements: list[Placement]
    picture: WholePicture


def get_child_for_user(user: User, pk: int) -> tuple[Child, list[Basis]]:
    """The child and the user's bases for them, or 404 (also when the child exists but the user has no basis)."""
    if not can(user, Permission.CHILD_VIEW):
        raise Http404
    child = visible_to(user, Child.objects.filter(pk=pk)).first()
    if child is None:
        raise Http404
    bases = bases_for_children(user, [child.pk])[child.pk]
    if not bases:
        raise Http404
    return child, bases


def _visible_related(user: User, queryset: QuerySet[Any]) -> list[Any]:
    return list(visible_to(user, queryset))


def child_overview_for_user(user: User, pk: int, source: str = "") -> ChildOverview:
    """Everything of the overview the user's bases cover, each section with its basis, and the child's whole
    picture and chronology (only `source`'s events when given); the read is audited with the records shown."""
    child, bases = get_child_for_user(user, pk)
    sections: dict[str, Section] = {}
    previous: Basis | None = None
    for category in (Category.IDENTITY, Category.GUARDIANS, Category.PLACEMENT):
        basis = basis_among(bases, "", category)
        if basis is not None:
            sections[category] = Section(category, basis, says_basis=basis != previous)
            previous = basis
    custodies: list[Custody] = []
    placements: list[Placement] = []
    if Category.GUARDIANS in sections:
        custodies = _visible_related(user, Custody.objects.filter(child=child).select_related("guardian"))
    if Category.PLACEMENT in sections:
        placements = _visible_related(
            user,
            Placement.objects.filter(child=child).select_related("unit", "group").order_by("-start_date"),
        )
    picture = whole_picture(user, child, bases, source)
    primary = sections[Category.IDENTITY].basis if Category.IDENTITY in sections else bases[0]
    record_event(
        actor=user,
        action=AuditAction.READ,
        target_type="child_overview",
        target_id=child.pk,
        child_id=child.pk,
        basis=primary,
        details={"sections": sorted(sections), "records": picture.keys, "chronology": len(picture.events)},
    )
    return ChildOverview(child, sections, custodies, placements, picture)


def find_child_id(municipality_id: int, typed_identity_number: str) -> int | None:
    """The child with this identity number in the municipality (log review only); ValidationError if it is not a
    valid personnummer or samordningsnummer."""
    canonical = parse_identity_number(typed_identity_number).canonical
    return (
        Child.objects.filter(municipality_id=municipality_id, identity_number=canonical)
        .values_list("pk", flat=True)
        .first()
    )


def protected_reference(child_id: int) -> str:
    """A stable reference for a child with protected identity, in place of the name (log review)."""
    return salted_hmac("kring.people.protected-reference", str(child_id)).hexdigest()[:8].upper()


def child_labels(child_ids: Iterable[int]) -> dict[int, str]:
    """Name and identity number of each child, in one query (log review names the children in the log); a child
    with protected identity by a reference only."""
    rows = Child.objects.filter(pk__in=list(child_ids)).values_list(
        "pk", "first_name", "last_name", "identity_number", "protected_identity"
    )
    return {
        pk: (
            _("Protected identity, ref. %(reference)s") % {"reference": protected_reference(pk)}
            if protected
            else f"{first} {last}, {number[:8]}-{number[8:]}"
        )
        for pk, first, last, number, protected in rows
    }
