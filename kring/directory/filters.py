"""Filters of the organisation admin's lists; every choice is scoped to the manager's own municipality."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kring.access.roles import Role
from kring.directory.models import Membership, Organisation, Unit, UnitKind, User
from kring.directory.queries import organisations_for_manager, units_for_manager
from kring.forms import KringForm


def _organisations(request: HttpRequest | None) -> QuerySet[Organisation]:
    user = getattr(request, "user", None)
    return organisations_for_manager(user).order_by("name") if user else Organisation.objects.none()


def _units(request: HttpRequest | None) -> QuerySet[Unit]:
    user = getattr(request, "user", None)
    return units_for_manager(user).order_by("name") if user else Unit.objects.none()


class UnitFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("Name"), lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices, empty_label=_("All kinds"))
    organisation = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=_organisations,
        empty_label=_("All organisations"),
        method="filter_organisation",
    )

    class Meta:
        model = Unit
        fields: list[str] = []
        form = KringForm

    def filter_organisation(self, queryset: QuerySet[Unit], name: str, value: Organisation) -> QuerySet[Unit]:
        """Units the organisation owns, alone or as the second owner of a joint team."""
        return queryset.filter(Q(organisation=value) | Q(co_organisation=value))


class StaffFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or e-mail"))
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=_units, empty_label=_("All units"))
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Role.choices, empty_label=_("All roles"))
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("active", _("Active")), ("inactive", _("Deactivated"))],
        empty_label=_("All"),
    )

    class Meta:
        model = User
        fields: list[str] = []
        form = KringForm

    def filter_queryset(self, queryset: QuerySet[User]) -> QuerySet[User]:
        """Search words each match a name or the e-mail; unit and role must hold on the same active membership."""
        data: dict[str, Any] = self.form.cleaned_data
        for word in (data.get("q") or "").split():
            queryset = queryset.filter(
                Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(email__icontains=word)
            )
        if data.get("status"):
            queryset = queryset.filter(is_active=data["status"] == "active")
        memberships = Membership.objects.filter(active=True)
        if data.get("unit"):
            memberships = memberships.filter(unit=data["unit"])
        if data.get("role"):
            memberships = memberships.filter(role=data["role"])
        if data.get("unit") or data.get("role"):
            queryset = queryset.filter(pk__in=memberships.values("user_id"))
        return queryset
