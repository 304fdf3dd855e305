"""Who follows the social investment: those with the permission, in their own municipality (404 for anyone else)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from kring.access.policy import can
from kring.access.roles import Permission
from kring.directory.models import Unit, UnitKind, User
from kring.insights.investment.models import UnitCosts


def investment_municipality(user: User) -> int:
    if not can(user, Permission.INVESTMENT_MANAGE) or user.municipality_id is None:
        raise Http404
    return user.municipality_id


def teams(municipality_id: int) -> QuerySet[Unit]:
    """The municipality's joint (TSI) teams, whose costs are entered."""
    return Unit.objects.filter(municipality_id=municipality_id, kind=UnitKind.JOINT_TEAM).order_by("name")


def unit_costs_initial(municipality_id: int) -> dict[str, Any] | None:
    """The unit costs entered, as the form's initial values (None: none yet)."""
    found = UnitCosts.objects.filter(municipality_id=municipality_id).first()
    if found is None:
        return None
    names = ("investigation", "placement_per_year", "placement_years", "placement_share_low", "placement_share_high")
    return {name: getattr(found, name) for name in names}
