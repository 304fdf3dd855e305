"""A closed TSI case's documents as one ZIP for social services' case system: every agreed version of the joint
plan and the information letter as PDFs, and `index.json` describing the case and each file (with its SHA-256).

Made as the token's system user through the same document functions as the pages (each PDF is audited as an export
there), and the bundle itself is audited as one export. A case still open is refused (409). Once the case's basis
has been found on the primary, the documents are read from the reporting database (a replica if
`DATABASE_REPLICA_URL` is set)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.audit import record_event
from kring.access.models import AuditAction
from kring.access.policy import basis_among
from kring.access.roles import Category, Origin
from kring.api.problems import NOT_CLOSED, Conflict
from kring.casework.models import TsiCase
from kring.casework.tsi.documents import (
    case_part_for_user,
    letter_pdf_for_user,
    plan_pdf_for_user,
    plan_versions_for_user,
)
from kring.casework.tsi.queries import get_case_for_user
from kring.database import reading_from_replica
from kring.directory.models import User

LETTER_LANGUAGE = "sv"


@dataclass(frozen=True)
class Bundle:
    case: TsiCase
    content: bytes

    @property
    def filename(self) -> str:
        return f"kring-tsi-case-{self.case.pk}.zip"


def _plan_pdfs(user: User, case: TsiCase) -> list[tuple[str, bytes, dict[str, Any]]]:
    try:
        access = case_part_for_user(user, case.pk, Category.PLAN)
    except Http404:  # no basis for the plan: the bundle holds what the user may see
        return []
    files = []
    for version in reversed(plan_versions_for_user(user, access)):
        _case, pdf = plan_pdf_for_user(user, case.pk, version.number)
        meta = {"kind": "plan", "version": version.number, "agreed_on": version.agreed_on.isoformat()}
        files.append((f"plan-v{version.number}.pdf", pdf, meta))
    return files


def _letter_pdf(user: User, case: TsiCase) -> list[tuple[str, bytes, dict[str, Any]]]:
    try:
        _letter, pdf = letter_pdf_for_user(user, case.pk, LETTER_LANGUAGE)
    except (Http404, PermissionDenied):  # the letter is for the case's own team
        return []
    return [("information-letter.pdf", pdf, {"kind": "information_letter", "language": LETTER_LANGUAGE})]


def _index(case: TsiCase, files: list[tuple[str, bytes, dict[str, Any]]]) -> dict[str, Any]:
    child = case.child
    return {
        "case": {
            "id": case.pk,
            "team": case.team.name,
            "requested_at": case.requested_at.isoformat(),
            "closed_at": case.closed_at.isoformat() if case.closed_at else None,
            "closure_reason": case.closure_reason,
        },
        "child": {
            "identity_number": child.identity_number if child.has_identity_number else None,
            "first_name": child.first_name,
            "last_name": child.last_name,
            "birth_date": child.birth_date.isoformat(),
            "protected_identity": child.protected_identity,
        },
        "created_at": timezone.now().isoformat(),
        "documents": [
            {"file": name, "sha256": hashlib.sha256(pdf).hexdigest(), "bytes": len(pdf), **meta}
            for name, pdf, meta in files
        ],
    }


def closed_case_bundle_for_user(user: User, pk: int) -> Bundle:
    """The bundle of a closed case the user has a basis for; 404 without one, 409 while the case is open."""
    case, bases = get_case_for_user(user, pk)
    if case.closed_at is None:
        raise Conflict(NOT_CLOSED, _("The case is not closed: only a closed case's documents are handed over."))
    with reading_from_replica():  # access was decided on the primary; the documents may come from a replica
        files = _plan_pdfs(user, case) + _letter_pdf(user, case)
        index = _index(case, files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.json", json.dumps(index, ensure_ascii=False, indent=2))
        for name, pdf, _meta in files:
            archive.writestr(name, pdf)
    record_event(
        actor=user,
        action=AuditAction.EXPORT,
        target_type="tsi_case_bundle",
        target_id=case.pk,
        child_id=case.child_id,
        basis=basis_among(bases, Origin.STUDENT_HEALTH, Category.REQUEST),
        details={"case": case.pk, "documents": [entry["file"] for entry in index["documents"]]},
    )
    return Bundle(case, buffer.getvalue())
