"""The first basis provider: staff of the unit where the child is placed (own activity, need to know)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kring.access.acting import StaffUser
from kring.access.policy import Basis, ChildModel, RoleGrant, grants_where
from kring.access.request_scope import once_per_request
from kring.access.roles import PLACEMENT_CATEGORIES, PLACEMENT_ORIGINS, PROTECTED_IDENTITY_ROLES, Origin, Role
from kring.directory.queries import organiser_units
from kring.legal import cite
from kring.people.models import Placement

PLACEMENT_BASIS = "placement"


def _legal_reference(origins: frozenset[str]) -> str:
    if Origin.STUDENT_HEALTH in origins:
        return _("own activity, need to know; student health under %(reference)s") % {
            "reference": cite("student_health_secrecy")
        }
    return _("own activity, need to know")


def _placed_children(unit_ids: tuple[int, ...], sees_protected: bool) -> QuerySet[Placement, Any]:
    """The children placed now at these units (a subquery), worked out once per request."""

    def work_out() -> QuerySet[Placement, Any]:
        placed = Placement.objects.current().filter(unit_id__in=unit_ids)
        if not sees_protected:
            placed = placed.filter(child__protected_identity=False)
        return placed.values("child_id")

    return once_per_request(("placed_children", unit_ids, sees_protected), work_out)


def _organiser_units(organiser: str) -> QuerySet[Any, Any]:
    return once_per_request(("organiser_units", organiser), lambda: organiser_units({organiser}))


class PlacementBasisProvider:
    """Staff of the school where the child is placed now see the child's register data and, of the records a
    school keeps (attendance, investigations of absence), those of their own organiser's schools: a record never
    crosses to another organiser (huvudman) through a placement."""

    kind = PLACEMENT_BASIS
    routine = True

    def _grants(self, user: StaffUser) -> list[RoleGrant]:
        return grants_where(user, PLACEMENT_ORIGINS)

    def visibility_q(self, user: StaffUser, info: ChildModel) -> Q | None:
        units_by_scope: dict[tuple[frozenset[str], frozenset[str], bool, str], set[int]] = defaultdict(set)
        for grant in self._grants(user):
            origins, categories = PLACEMENT_ORIGINS[grant.role], PLACEMENT_CATEGORIES[grant.role]
            if (info.origin and info.origin not in origins) or (info.category and info.category not in categories):
                continue
            units_by_scope[(origins, categories, grant.role in PROTECTED_IDENTITY_ROLES, grant.organiser)].add(
                grant.unit_id
            )
        reach: Q | None = None
        for (origins, categories, sees_protected, organiser), unit_ids in units_by_scope.items():
            part = Q(**{f"{info.child_path}__in": _placed_children(tuple(sorted(unit_ids)), sees_protected)})
            if info.origin_field:
                part &= Q(**{f"{info.origin_field}__in": sorted(origins)})
            if info.category_field:
                part &= Q(**{f"{info.category_field}__in": sorted(categories)})
            if info.unit_path:
                part &= Q(**{f"{info.unit_path}__in": _organiser_units(organiser)})
            reach = part if reach is None else reach | part
        return reach

    def bases(self, user: StaffUser, child_ids: list[int]) -> dict[int, list[Basis]]:
        grants_by_unit: dict[int, list[RoleGrant]] = defaultdict(list)
        for grant in self._grants(user):
            grants_by_unit[grant.unit_id].append(grant)
        found: dict[int, list[Basis]] = defaultdict(list)
        if not grants_by_unit:
            return found
        rows = (
            Placement.objects.current()
            .filter(child_id__in=child_ids, unit_id__in=list(grants_by_unit))
            .values_list("child_id", "unit_id", "child__protected_identity")
        )
        for child_id, unit_id, protected in rows:
            for grant in grants_by_unit[unit_id]:
                if protected and grant.role not in PROTECTED_IDENTITY_ROLES:
                    continue
                origins = PLACEMENT_ORIGINS[grant.role]
                reason = _("%(role)s at %(unit)s, where the child is placed") % {
                    "role": Role(grant.role).label,
                    "unit": grant.unit_name,
                }
                found[child_id].append(
                    Basis(
                        kind=PLACEMENT_BASIS,
                        child_id=child_id,
                        reason=reason,
                        legal_reference=_legal_reference(origins),
                        origins=origins,
                        categories=PLACEMENT_CATEGORIES[grant.role],
                        organiser=grant.organiser,
                    )
                )
        return found
