"""A register extract waiting for the data protection coordinator: a guardian of a child with a TSI case asked nine
days ago, at the reception, for what Kring holds about them (registered through the extracts' own action)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from kring.access.roles import Role
from kring.demo.cases import demo_users
from kring.demo.staff import DemoLogin
from kring.demo.structure import Structure
from kring.people.models import Guardian
from kring.records.extracts import actions
from kring.records.models import ExtractSubject


def write_extract_requests(structure: Structure, logins: list[DemoLogin], today: date) -> Counter[str]:
    counts: Counter[str] = Counter()
    officer = demo_users(logins).get(Role.PRIVACY_OFFICER)
    guardian = (
        Guardian.objects.filter(municipality=structure.municipality, custodies__child__tsi_cases__isnull=False)
        .order_by("pk")
        .first()
    )
    if officer is None or guardian is None:
        return counts
    given = actions.ExtractInput(
        structure.municipality, ExtractSubject.GUARDIAN, guardian,
        "Vårdnadshavaren personligen i kommunens reception, id-kort kontrollerat", False, today - timedelta(days=9),
    )  # fmt: skip
    actions.register_request(by=officer, given=given)
    counts["register_extract_requests"] += 1
    return counts
