"""Each access decision has one home (docs/architecture.md): these tests fail when a predicate is written out again
outside it, or when a view queries a child's data itself instead of calling a `get_<thing>_for_user` helper."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kring.access.policy import registry

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(path for path in (ROOT / "kring").rglob("*.py") if "migrations" not in path.parts)


def _where(pattern: str) -> list[str]:
    """The source files (relative paths) in which the pattern occurs."""
    regex = re.compile(pattern)
    return [str(path.relative_to(ROOT)) for path in SOURCES if regex.search(path.read_text())]


def test_role_to_units_is_decided_only_in_the_policy() -> None:
    """`units_where(user, roles)` and `grants_where(user, roles)`; nobody loops over role grants to pick units."""
    assert _where(r"grant\.unit_id for grant in|for grant in role_grants\(") == ["kring/access/policy.py"]


def test_placed_now_is_written_only_in_the_placement_queryset() -> None:
    """`Placement.objects.current(day)`; nobody compares a placement's end date with today themselves."""
    assert _where(r"end_date__gte=|end_date__lt=|end_date__lte=|end_date__gt=") == ["kring/people/models.py"]


@pytest.mark.parametrize(
    ("predicate", "home"),
    [
        ("active_consent", "kring/casework/tsi/basis.py"),
        ("requesting_units", "kring/casework/tsi/basis.py"),
        ("concern_units", "kring/casework/reports/basis.py"),
        ("can_triage_concern", "kring/casework/reports/basis.py"),
        ("is_contact_person", "kring/casework/reports/basis.py"),
        ("placed_unit_ids", "kring/casework/reports/basis.py"),
        ("units_where", "kring/access/policy.py"),
        ("municipality_of", "kring/access/policy.py"),
    ],
)
def test_each_access_predicate_is_defined_once_in_its_home(predicate: str, home: str) -> None:
    assert _where(rf"\ndef {predicate}\(") == [home]


def _view_modules() -> list[Path]:
    return [path for path in SOURCES if path.stem.endswith("views") or "admin_views" in path.parts]


def test_views_never_query_a_childs_data_themselves() -> None:
    """A model that holds a child's information is reached from a view only through a queries helper."""
    child_models = sorted(model.__name__ for model in (*registry.child_models, *registry.party_models))
    query = re.compile(rf"\b({'|'.join(child_models)})\.objects\b")

    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _view_modules()
        for match in query.finditer(path.read_text())
    ]

    assert len(child_models) > 15 and len(_view_modules()) > 10
    assert offenders == []
