"""What the TSI teams cost each year and who pays (entered by the manager), and the unit costs the municipality
sets for what a case may avoid (an investigation, a placement)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kring.directory.models import Municipality, Unit


class TeamCost(models.Model):
    """One team's staff, hours and cost in a year, and each payer's share of it (per cent, adding up to 100)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("team"))
    year = models.PositiveSmallIntegerField(_("year"))
    staff = models.DecimalField(_("staff (full-time equivalents)"), max_digits=5, decimal_places=2)
    hours = models.PositiveIntegerField(_("hours worked"))
    cost = models.PositiveIntegerField(_("cost (kronor)"))
    shares = models.JSONField(_("who pays"), default=list)  # [{"payer": "Socialförvaltningen", "percent": 25}, …]
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered"))

    class Meta:
        verbose_name = _("team cost")
        verbose_name_plural = _("team costs")
        ordering = ["year", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "team", "year"], name="team_cost_once_a_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="team_cost_year"),
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.year}: {self.cost}"


class UnitCosts(models.Model):
    """What the municipality reckons an investigation and a placement cost, and how many investigations end in a
    placement (a range: the avoided costs are never shown as one certain figure)."""

    municipality = models.OneToOneField(Municipality, on_delete=models.PROTECT, related_name="+")
    investigation = models.PositiveIntegerField(_("cost of an investigation (kronor)"))
    placement_per_year = models.PositiveIntegerField(_("cost of a placement for a year (kronor)"))
    placement_years = models.DecimalField(_("average length of a placement (years)"), max_digits=4, decimal_places=1)
    placement_share_low = models.PositiveSmallIntegerField(_("investigations ending in a placement, low (%)"))
    placement_share_high = models.PositiveSmallIntegerField(_("investigations ending in a placement, high (%)"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("unit costs")
        verbose_name_plural = _("unit costs")
        constraints = [
            models.CheckConstraint(
                condition=Q(placement_share_low__lte=models.F("placement_share_high"), placement_share_high__lte=100),
                name="unit_costs_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}"
