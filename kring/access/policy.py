"""THE access policy of Kring. Nothing else in the code decides who may see a child's information.

Three questions, and only these:

* `visible_to(user, queryset)` filters lists, counts and search to what the user has a basis for;
* `basis_for(user, obj)` names the basis under which the user sees one object (or None: no access);
* `can(user, permission, obj=None)` says whether the user may take an action.

A *basis* is who may see which child's information, of which origins and categories, why, and for how long.
Bases are derived by *providers* that the apps holding the data register in their `AppConfig.ready()` (a
placement in one's own school, membership of a case team, a guardian's consent, a statutory duty). Models that
hold information about a child are registered with `register_child_model` so the policy knows how to reach the
child, its municipality, and the information's origin and category. Anything not registered is denied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from kring.access.acting import StaffUser
from kring.access.request_scope import once_per_request
from kring.access.roles import permissions_of


@dataclass(frozen=True)
class RoleGrant:
    """One role a user holds in one unit (from the directory's memberships)."""

    role: str
    unit_id: int
    unit_name: str
    municipality_id: int
    organiser: str = ""  # the unit's organiser (huvudman), as the directory names it
    organisation_ids: frozenset[int] = frozenset()  # the organisations that own the unit (a joint team: two)
    organisation_kind: str = ""  # the kind of the unit's (first) owning organisation

    @property
    def role_label(self) -> str:
        from kring.access.roles import Role

        return str(Role(self.role).label)


@dataclass(frozen=True)
class Basis:
    """Why a user may see information about one child."""

    kind: str
    child_id: int
    reason: str
    legal_reference: str
    origins: frozenset[str]
    categories: frozenset[str] | None = None  # None: every category of the origins
    valid_from: date | None = None
    valid_until: date | None = None
    is_case_basis: bool = False
    case_id: int | None = None  # a basis from one case reaches that case's records only
    unit_ids: frozenset[int] | None = None  # of the records units keep: only these units' (None: any unit's) ...
    organiser: str | None = None  # ... and only those of units of this organiser (huvudman) (None: any)

    def reaches_case(self, case_id: int) -> bool:
        """May this basis be used for the records of this case (a basis of another case may not)?"""
        return self.case_id is None or self.case_id == case_id

    def reaches_unit(self, unit_id: int, organiser: str) -> bool:
        """May this basis be used for a record kept by this unit of this organiser?"""
        unit_ok = self.unit_ids is None or unit_id in self.unit_ids
        return unit_ok and (self.organiser is None or self.organiser == organiser)

    def covers(self, origin: str, category: str) -> bool:
        """Does this basis reach information of this origin ("" for register data any basis reaches)?"""
        origin_ok = not origin or origin in self.origins
        return origin_ok and (self.categories is None or category in self.categories)

    def describe(self) -> str:
        text = f"{self.reason} ({self.legal_reference})" if self.legal_reference else self.reason
        if self.valid_until:
            text += f", t.o.m. {self.valid_until.isoformat()}"
        return text


@dataclass(frozen=True)
class ChildModel:
    """How the policy reaches the child, tenant, origin and category of a registered model."""

    child_path: str
    municipality_path: str
    origin: str = ""  # a fixed origin ("" for register data that any basis for the child reaches) ...
    origin_field: str | None = None  # ... or the field holding it
    category: str | None = None
    category_field: str | None = None
    case_path: str | None = None  # for a case's records: the path to the case's id ("pk" for the case itself)
    unit_path: str | None = None  # for a record a unit keeps (attendance, concerns, reports): the path to its unit

    def origin_of(self, obj: models.Model) -> str:
        return str(getattr(obj, self.origin_field)) if self.origin_field else self.origin

    def category_of(self, obj: models.Model) -> str:
        return str(getattr(obj, self.category_field)) if self.category_field else str(self.category)


class BasisProvider(Protocol):
    """Derives bases of one kind. Must answer with a constant number of queries."""

    kind: str
    # True for a basis from the person's ordinary work with the child (placement in their unit, a case team);
    # log review lists every read of a child's data made under any other basis (consent only, a statutory
    # exception) or none.
    routine: bool

    def visibility_q(self, user: StaffUser, info: ChildModel) -> Q | None:
        """A filter over the registered model for the rows this basis reaches, or None.

        Use `__in` subqueries, not joins, so that rows are never duplicated (visible_to adds no DISTINCT)."""

    def bases(self, user: StaffUser, child_ids: list[int]) -> dict[int, list[Basis]]:
        """The bases this provider gives the user for each of the children."""


@dataclass
class _Registry:
    providers: list[BasisProvider] = field(default_factory=list)
    child_models: dict[type[models.Model], ChildModel] = field(default_factory=dict)
    role_source: Callable[[StaffUser], list[RoleGrant]] | None = None
    child_directory: ChildDirectory | None = None
    party_models: dict[type[models.Model], PartyModel] = field(default_factory=dict)
    organiser_of: Callable[[Any], str] | None = None  # a unit's organiser (huvudman), from the directory


@dataclass(frozen=True)
class PartyModel:
    """A model about no identified child (an anonymous consultation): visible only to its parties."""

    municipality_path: str
    parties: Callable[[StaffUser], Q]  # the rows the user is a party to


@dataclass(frozen=True)
class ChildDirectory:
    """How log review finds a child by identity number and names the children in the log (registered by people)."""

    # (municipality id, typed identity number) -> child id or None; raises ValidationError for an invalid number
    find_child_id: Callable[[int, str], int | None]
    child_labels: Callable[[Iterable[int]], dict[int, str]]


registry = _Registry()


def register_provider(provider: BasisProvider) -> None:
    if all(existing.kind != provider.kind for existing in registry.providers):
        registry.providers.append(provider)


def register_child_model(model: type[models.Model], info: ChildModel) -> None:
    registry.child_models[model] = info


def register_child_directory(directory: ChildDirectory) -> None:
    registry.child_directory = directory


def routine_basis_kinds() -> frozenset[str]:
    """The kinds of basis from ordinary work; a provider may give more than one kind (its `kinds`), and name the
    routine ones among them (its `routine_kinds`)."""
    kinds: set[str] = set()
    for provider in registry.providers:
        given = getattr(provider, "kinds", (provider.kind,))
        kinds.update(getattr(provider, "routine_kinds", given if provider.routine else ()))
    return frozenset(kinds)


def register_role_source(
    source: Callable[[StaffUser], list[RoleGrant]], organiser_of: Callable[[Any], str] | None = None
) -> None:
    registry.role_source = source
    registry.organiser_of = organiser_of


def register_party_model(model: type[models.Model], info: PartyModel) -> None:
    registry.party_models[model] = info


def child_model_info(model: type[models.Model]) -> ChildModel:
    try:
        return registry.child_models[model]
    except KeyError as error:
        raise LookupError(f"{model.__name__} is not registered with the access policy") from error


def is_staff_user(user: StaffUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.municipality_id)


def municipality_of(user: StaffUser) -> int:
    """The municipality a member of staff works in; anyone else may do nothing (PermissionDenied)."""
    if not is_staff_user(user) or user.municipality_id is None:
        raise PermissionDenied
    return user.municipality_id


def role_grants(user: StaffUser) -> list[RoleGrant]:
    """The user's active roles in their own municipality, memoised on the user for one request."""
    if not is_staff_user(user) or registry.role_source is None:
        return []
    cached = getattr(user, "_kring_role_grants", None)
    if cached is None:
        cached = [g for g in registry.role_source(user) if g.municipality_id == user.municipality_id]
        vars(user)["_kring_role_grants"] = cached
    return cached


def grants_where(user: StaffUser, roles: Iterable[str] | None = None) -> list[RoleGrant]:
    """The user's role grants of these roles (every role when None)."""
    wanted = None if roles is None else frozenset(roles)
    return [grant for grant in role_grants(user) if wanted is None or grant.role in wanted]


def organisations_where(user: StaffUser, roles: Iterable[str] | None = None, *, kind: str | None = None) -> set[int]:
    """The organisations (ids) owning the units where the user holds one of these roles now (any role when None),
    of this kind of organisation (any when None): the user's employers."""
    return {
        organisation
        for grant in grants_where(user, roles)
        if kind is None or grant.organisation_kind == kind
        for organisation in grant.organisation_ids
    }


def units_where(user: StaffUser, roles: Iterable[str] | None = None) -> list[int]:
    """The units (ids, in order) where the user holds one of these roles now (any role when None)."""
    return sorted({grant.unit_id for grant in grants_where(user, roles)})


def units_with_permission(user: StaffUser, permission: str) -> list[int]:
    """The units (ids, in order) where one of the user's roles grants this permission."""
    return sorted({grant.unit_id for grant in role_grants(user) if permission in permissions_of({grant.role})})


def roles_of(user: StaffUser) -> set[str]:
    return {grant.role for grant in role_grants(user)}


def visible_to(user: StaffUser, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Only the rows of a registered model that the user has a basis for (or is a party to); default deny."""
    party = registry.party_models.get(queryset.model)
    if party is not None:
        if not is_staff_user(user):
            return queryset.none()
        return queryset.filter(Q(**{party.municipality_path: user.municipality_id}) & party.parties(user))
    info = child_model_info(queryset.model)
    if not is_staff_user(user):
        return queryset.none()
    reach = once_per_request(("reach", user.pk, queryset.model), lambda: _reach(user, info))
    if reach is None:
        return queryset.none()
    return queryset.filter(Q(**{info.municipality_path: user.municipality_id}) & reach)


def _reach(user: StaffUser, info: ChildModel) -> Q | None:
    """The rows of the model the user has a basis for: every provider's condition, or None when none gives one."""
    reach: Q | None = None
    for provider in registry.providers:
        q = provider.visibility_q(user, info)
        if q is not None:
            reach = q if reach is None else reach | q
    return reach


def bases_for_children(user: StaffUser, child_ids: Iterable[int]) -> dict[int, list[Basis]]:
    """Every basis the user has for each child (an empty list: no access)."""
    ids = list(child_ids)
    found: dict[int, list[Basis]] = {child_id: [] for child_id in ids}
    if not is_staff_user(user) or not ids:
        return found
    for provider in registry.providers:
        for child_id, bases in provider.bases(user, ids).items():
            found[child_id].extend(bases)
    return found


def first_bases_for_children(user: StaffUser, child_ids: Iterable[int]) -> dict[int, Basis]:
    """The first of `bases_for_children`'s bases for each child the user has one for: the providers are asked in
    the same order, each only for the children no earlier provider gave a basis for (a list read's audit names one
    basis per child, and most children of a list have the first provider's)."""
    found: dict[int, Basis] = {}
    remaining = list(dict.fromkeys(child_ids))
    if not is_staff_user(user):
        return found
    for provider in registry.providers:
        if not remaining:
            break
        for child_id, bases in provider.bases(user, remaining).items():
            if bases and child_id not in found:
                found[child_id] = bases[0]
        remaining = [child_id for child_id in remaining if child_id not in found]
    return found


def basis_among(bases: Iterable[Basis], origin: str, category: str) -> Basis | None:
    """The first basis that covers information of this origin and category; case bases first."""
    ordered = sorted(bases, key=lambda basis: not basis.is_case_basis)
    return next((basis for basis in ordered if basis.covers(origin, category)), None)


def _resolve(obj: models.Model, path: str) -> Any:
    value: Any = obj
    for part in path.split("__"):
        value = getattr(value, part)
    return value


def child_id_of(obj: models.Model) -> int:
    path = child_model_info(type(obj)).child_path
    if path == "pk":
        return int(obj.pk)
    *parents, last = path.split("__")
    holder: Any = obj
    for part in parents:
        holder = getattr(holder, part)
    return int(getattr(holder, last + "_id"))


def basis_for(user: StaffUser, obj: models.Model) -> Basis | None:
    """The basis under which the user sees this object, or None."""
    info = child_model_info(type(obj))
    if not is_staff_user(user) or _resolve(obj, info.municipality_path) != user.municipality_id:
        return None
    child_id = child_id_of(obj)
    return basis_for_among(bases_for_children(user, [child_id])[child_id], obj)


def basis_for_among(bases: list[Basis], obj: models.Model) -> Basis | None:
    """As `basis_for`, from the user's bases for the object's child already at hand (a page of one child's records
    asks the providers once). The object must be one `visible_to` gave the user; a record a unit keeps needs its
    unit's organisation loaded (`select_related`)."""
    info = child_model_info(type(obj))
    if info.case_path is not None:
        case_id = int(_resolve(obj, info.case_path))
        bases = [basis for basis in bases if basis.reaches_case(case_id)]
    if info.unit_path is not None and registry.organiser_of is not None:
        unit = _resolve(obj, info.unit_path)
        organiser = registry.organiser_of(unit)
        bases = [basis for basis in bases if basis.reaches_unit(unit.pk, organiser)]
    return basis_among(bases, info.origin_of(obj), info.category_of(obj))


def can(user: StaffUser, permission: str, obj: models.Model | None = None) -> bool:
    """May the user take this action (on this object)? Role permission, tenant and basis."""
    if not is_staff_user(user) or permission not in permissions_of(roles_of(user)):
        return False
    if obj is None:
        return True
    if type(obj) in registry.child_models:
        return basis_for(user, obj) is not None
    if type(obj) in registry.party_models:
        return visible_to(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
    municipality_id = getattr(obj, "municipality_id", None)
    return municipality_id == user.municipality_id
