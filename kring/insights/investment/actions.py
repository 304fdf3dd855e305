"""Entering the teams' costs and the unit costs: keyword-only, atomic, audited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.directory.models import Unit, User
from kring.insights.investment.models import TeamCost, UnitCosts


@dataclass(frozen=True)
class CostInput:
    team: Unit
    year: int
    staff: Decimal
    hours: int
    cost: int
    shares: list[dict[str, object]]


@transaction.atomic
def save_team_cost(*, by: User, given: CostInput) -> TeamCost:
    """The team's cost of the year, replacing what was entered for it before."""
    saved, _created = TeamCost.objects.update_or_create(
        municipality_id=given.team.municipality_id, team=given.team, year=given.year,
        defaults={"staff": given.staff, "hours": given.hours, "cost": given.cost, "shares": given.shares,
                  "entered_by": by, "entered_at": timezone.now()},
    )  # fmt: skip
    record_event(actor=by, action=AuditAction.WRITE, target_type="team_cost", target_id=saved.pk,
                 details={"team": given.team.pk, "year": given.year, "cost": given.cost})  # fmt: skip
    return saved


@dataclass(frozen=True)
class PricesInput:
    investigation: int
    placement_per_year: int
    placement_years: Decimal
    placement_share_low: int
    placement_share_high: int


@transaction.atomic
def save_unit_costs(*, by: User, municipality_id: int, given: PricesInput) -> UnitCosts:
    saved, _created = UnitCosts.objects.update_or_create(
        municipality_id=municipality_id,
        defaults={**given.__dict__, "updated_by": by, "updated_at": timezone.now()},
    )
    record_event(actor=by, action=AuditAction.WRITE, target_type="unit_costs", target_id=saved.pk,
                 details={key: str(value) for key, value in given.__dict__.items()})  # fmt: skip
    return saved
