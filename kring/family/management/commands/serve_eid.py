"""`kring serve-eid`: a local stand-in for a Swedish e-ID OpenID Connect provider (development only), offering the
guardians and young people of a municipality's TSI cases as test persons, so that the guardian login works on a
machine without internet. See `kring.family.eid.testprovider`."""

from __future__ import annotations

import re
import threading
from argparse import ArgumentParser
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from kring.casework.models import CaseStage, TsiCase
from kring.family.eid.testprovider import EidPerson, TestEidProvider, make_provider_server
from kring.people.identity import age_on
from kring.people.models import Child, Custody, Guardian

DEFAULT_PORT = 8766
# The demo municipality (kring.demo.names.MUNICIPALITY_CODE; family may not import the demo, a test keeps them equal).
DEMO_MUNICIPALITY_CODE = "9980"
DEV_CLIENT_ID = "kring-family-dev"
DEV_CLIENT_SECRET = "kring-family-dev-secret"  # noqa: S105 (a fixed credential of a development server on localhost)
REDIRECT_URI_PREFIXES = ("http://127.0.0.1:", "http://localhost:")
GUARDIAN_LIMIT = 30
YOUNG_LIMIT = 10
SEARCH_LIMIT = 20
YOUNG_AGE = 15
IDENTITY_NUMBER = re.compile(r"[0-9]{12}")


def _born_on_or_before(day: date, years: int) -> date:
    """The last birth date of someone who is `years` old on `day` (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _valid(identity_number: str) -> bool:
    return IDENTITY_NUMBER.fullmatch(identity_number) is not None


def _case_children(municipality: str) -> Any:
    """The children of the municipality's open TSI cases (a closed case's family has nothing to answer)."""
    cases = TsiCase.objects.filter(child__municipality__code=municipality).exclude(stage=CaseStage.CLOSED)
    return cases.values("child_id")


def _guardians_of_cases(municipality: str) -> list[EidPerson]:
    custodies = (
        Custody.objects.filter(child_id__in=_case_children(municipality))
        .select_related("guardian", "child")
        .order_by("guardian__last_name", "guardian__first_name", "guardian_id", "child__first_name")
    )
    children: dict[Guardian, list[str]] = defaultdict(list)
    for custody in custodies:
        if _valid(custody.guardian.identity_number) and custody.child.first_name not in children[custody.guardian]:
            children[custody.guardian].append(custody.child.first_name)
    return [
        EidPerson(
            guardian.identity_number,
            guardian.first_name,
            guardian.last_name,
            f"vårdnadshavare till {' och '.join(names)}",
        )
        for guardian, names in children.items()
        if names
    ][:GUARDIAN_LIMIT]


def _young_people_of_cases(municipality: str, today: date) -> list[EidPerson]:
    young = Child.objects.filter(
        id__in=_case_children(municipality),
        municipality__code=municipality,
        birth_date__lte=_born_on_or_before(today, YOUNG_AGE),
    ).order_by("last_name", "first_name", "id")
    people = [
        EidPerson(
            child.identity_number,
            child.first_name,
            child.last_name,
            f"ung person, {age_on(child.birth_date, today)} år",
        )
        for child in young
        if _valid(child.identity_number)
    ]
    return people[:YOUNG_LIMIT]


def people_from_database(municipality: str) -> list[EidPerson]:
    """The test persons offered: guardians of children with an open TSI case (up to 30), then young people of 15 or
    more with one (up to 10), in the municipality with this code; only those with a twelve-digit identity number."""
    people = _guardians_of_cases(municipality) + _young_people_of_cases(municipality, timezone.localdate())
    seen: set[str] = set()
    unique = []
    for person in people:
        if person.identity_number not in seen:
            seen.add(person.identity_number)
            unique.append(person)
    return unique


def _name_filter(words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return condition


def _search(municipality: str, query: str) -> list[EidPerson]:
    words = query.split()[:5]
    if not words:
        return []
    today = timezone.localdate()
    guardians = Guardian.objects.filter(_name_filter(words), municipality__code=municipality).order_by(
        "last_name", "first_name", "id"
    )
    children = Child.objects.filter(_name_filter(words), municipality__code=municipality).order_by(
        "last_name", "first_name", "id"
    )
    found = [
        EidPerson(g.identity_number, g.first_name, g.last_name, "vårdnadshavare")
        for g in guardians[: SEARCH_LIMIT * 2]
        if _valid(g.identity_number)
    ]
    found += [
        EidPerson(c.identity_number, c.first_name, c.last_name, f"barn, {age_on(c.birth_date, today)} år")
        for c in children[: SEARCH_LIMIT * 2]
        if _valid(c.identity_number)
    ]
    return found[:SEARCH_LIMIT]


def search_database(municipality: str) -> Callable[[str], list[EidPerson]]:
    """A search for the chooser page: guardians and children of the municipality whose first or last name contains
    every word typed (up to 20). It runs in the server's request threads: each closes its database connection after
    (unless inside a transaction it does not own, as in a test)."""

    def search(query: str) -> list[EidPerson]:
        try:
            return _search(municipality, query)
        finally:
            if not connection.in_atomic_block:
                connection.close()

    return search


class Command(BaseCommand):
    help = (
        "Serve a local stand-in for a Swedish e-ID OpenID Connect provider (BankID/Freja through a broker) on this "
        "machine until Ctrl-C, offering the guardians and young people of a municipality's TSI cases as test "
        "persons. Only with KRING_DEBUG=true."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--municipality", default=DEMO_MUNICIPALITY_CODE, help="municipality code (default: the demo)"
        )
        parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
        parser.add_argument("--client-id", default=DEV_CLIENT_ID, help=f"OIDC client id (default {DEV_CLIENT_ID})")
        parser.add_argument("--client-secret", default=DEV_CLIENT_SECRET, help="OIDC client secret")

    def handle(
        self, *args: Any, municipality: str, host: str, port: int, client_id: str, client_secret: str, **options: Any
    ) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "kring serve-eid lets anyone log in as any guardian or young person of the municipality, without "
                "an e-ID, and hands out their personal identity numbers, so it only runs in development "
                "(KRING_DEBUG=true)."
            )
        people = people_from_database(municipality)
        if not people:
            self.stdout.write(
                f"No guardian or young person with a TSI case in municipality {municipality} "
                f"(`kring seed` makes the demo, {DEMO_MUNICIPALITY_CODE}); the search on the page still works."
            )
        provider = TestEidProvider(
            issuer="",
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri_prefixes=REDIRECT_URI_PREFIXES,
            people=people,
            search=search_database(municipality),
        )
        try:
            server = make_provider_server(provider, host, port)
        except OSError as error:
            raise CommandError(f"Cannot serve on {host}:{port}: {error}") from error
        self.stdout.write(
            f"Test e-ID provider (not BankID): {provider.issuer}\n"
            f"Discovery:     {provider.issuer}/.well-known/openid-configuration\n"
            f"Client id:     {client_id}\n"
            f"Client secret: {client_secret}\n"
            f"Test persons:  {len(people)}\n"
            "Ctrl-C to stop."
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
        finally:
            server.server_close()


def serve_in_background(
    municipality: str, host: str = "127.0.0.1", port: int = DEFAULT_PORT, first: tuple[str, ...] = ()
) -> str | None:
    """The provider in a daemon thread beside the development server (`kring demo`), offering the people with the
    identity numbers in `first` at the top: its URL, or None when the port is taken (another `kring serve-eid`)."""
    people = people_from_database(municipality)
    rank = {number: place for place, number in enumerate(first)}
    people.sort(key=lambda person: rank.get(person.identity_number, len(first)))  # stable: the rest keep their order
    provider = TestEidProvider(
        issuer="",
        client_id=DEV_CLIENT_ID,
        client_secret=DEV_CLIENT_SECRET,
        redirect_uri_prefixes=REDIRECT_URI_PREFIXES,
        people=people,
        search=search_database(municipality),
    )
    try:
        server = make_provider_server(provider, host, port)
    except OSError:
        return None
    threading.Thread(target=server.serve_forever, name="kring-eid", daemon=True).start()
    return provider.issuer
