"""The families' side of the demo: each TSI case in the language its guardians read (Persian families read Dari,
Kurdish families Sorani), a case whose plan the family reads in Arabic with a story the child told in confidence
(never on the guardians' pages), and a case whose consent waits for the guardians' own answers with e-ID. Written
through the casework actions by each case's lead."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import prefetch_related_objects

from kring.access.roles import Origin
from kring.casework.models import CaseStage, ChildAgreement, ConsentMethod, Teller, TsiCase
from kring.casework.tsi import actions
from kring.casework.tsi.basis import active_consent
from kring.demo.cases import (
    AUDIT_REQUEST_ID,
    CONSENT_CATEGORIES,
    CONSENT_PARTIES,
    SHARED_WITH_SCHOOL,
    audit_request_id,
)
from kring.demo.structure import Structure
from kring.people.languages import FAMILY_LANGUAGE_CODES
from kring.people.models import Guardian

# A family's mother tongue (the demo's codes) -> the language of their pages.
PAGE_LANGUAGE = {"fa": "fa-af", "ku": "ckb"}
SECRET_STORY = (
    "Jag vill inte att mamma och pappa ska veta det här, men jag är ofta ensam hemma på kvällarna och då vågar "
    "jag inte sova. Därför är jag så trött i skolan."
)


@dataclass(frozen=True)
class FamilyLogin:
    """A guardian the demo suggests logging in as with the test e-ID, and what they will see."""

    guardian: str
    child: str
    shows: str
    identity_number: str  # for the test e-ID's list (never printed)


def _page_language(guardians: list[Guardian]) -> str:
    for guardian in guardians:
        language = PAGE_LANGUAGE.get(guardian.language, guardian.language)
        if language != "sv" and language in FAMILY_LANGUAGE_CODES:
            return language
    return "sv"


def _cases(structure: Structure) -> list[TsiCase]:
    """The cases with a lead, their children's guardians fetched 500 cases at a time (SQLite refuses the query of a
    thousand cases' guardians at once: "Expression tree is too large")."""
    cases = TsiCase.objects.filter(municipality=structure.municipality, lead__isnull=False)
    found = list(cases.select_related("child", "lead").order_by("pk"))
    for start in range(0, len(found), 500):
        prefetch_related_objects(found[start : start + 500], "child__custodies__guardian")
    return found


def write_families(structure: Structure, today: date) -> Counter[str]:
    counts: Counter[str] = Counter()
    cases = _cases(structure)
    with audit_request_id(AUDIT_REQUEST_ID):
        for case in cases:
            language = _page_language([custody.guardian for custody in case.child.custodies.all()])
            if language != "sv" and case.lead is not None and case.is_open:
                actions.set_family_language(by=case.lead, case=case, language=language)
                counts["family_languages"] += 1
        showcase = _showcase(cases, today)
        if showcase is not None and showcase.lead is not None:
            actions.set_family_language(by=showcase.lead, case=showcase, language="ar")
            actions.record_story(
                by=showcase.lead, case=showcase, teller=Teller.CHILD, told_by=showcase.child.first_name,
                told_on=today, text=SECRET_STORY, secret_from_guardians=True,
            )  # fmt: skip
            counts["stories_secret_from_guardians"] += 1
        waiting = next((c for c in cases if c.stage == CaseStage.INFORMATION and c.lead is not None), None)
        if waiting is not None and waiting.lead is not None:
            actions.request_consent(by=waiting.lead, case=waiting, given=_proposal(today))
            counts["consent_requests"] += 1
    return counts


def _showcase(cases: list[TsiCase], today: date) -> TsiCase | None:
    """The first case in analysis or follow-up with a plan and a consent in force."""
    in_work = [c for c in cases if c.stage in (CaseStage.ACTIVE, CaseStage.FOLLOW_UP)]
    in_work.sort(key=lambda c: c.family_language != "ar")  # an Arabic-speaking family first, if there is one
    return next(
        (c for c in in_work if active_consent(c, today) is not None and actions.plan_on(c, today) is not None), None
    )


def _proposal(today: date) -> actions.ConsentInput:
    return actions.ConsentInput(
        guardians=[], parties=CONSENT_PARTIES, categories=CONSENT_CATEGORIES, method=ConsentMethod.DIGITAL,
        given_on=today, valid_until=today + timedelta(days=365), child_agreement=ChildAgreement.AGREES,
        share_with=(Origin.SCHOOL,), share_categories=SHARED_WITH_SCHOOL,
    )  # fmt: skip


def family_logins(structure_municipality_id: int, today: date) -> list[FamilyLogin]:
    """Who to log in as with the test e-ID to see the family pages: the guardian of the case in Arabic, and a
    guardian whose consent is asked for."""
    logins: list[FamilyLogin] = []
    cases = TsiCase.objects.filter(municipality_id=structure_municipality_id).select_related("child").order_by("pk")
    showcase = cases.filter(stories__secret_from_guardians=True).first()
    waiting = cases.filter(consent_requests__status="open").first()
    for case, shows in ((showcase, "the plan in Arabic, meetings, consent"), (waiting, "a consent to give with e-ID")):
        guardian = Guardian.objects.filter(custodies__child=case.child).order_by("pk").first() if case else None
        if case is not None and guardian is not None:
            logins.append(FamilyLogin(guardian.full_name, case.child.full_name, shows, guardian.identity_number))
    return logins
