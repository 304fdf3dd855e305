"""What every kind of archived record shares: the archivist's basis for reading it, and its descriptive metadata
(`metadata/descriptive/record.xml`, schema `kring-record.xsd`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from xml.etree import ElementTree as ET

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kring.access.policy import Basis
from kring.legal import cite
from kring.records.archive.package import RECORD, XSI, Document
from kring.records.models import RecordType, RetentionRule

PDF_VARIANT = "pdf/a-2b"


def archive_basis(record: Any, *, case_id: int | None = None) -> Basis:
    """The archivist's basis for reading a closed record: the municipality hands its records to its archive."""
    return Basis(
        kind="archive",
        child_id=record.child_id,
        reason=_("The municipality hands the closed record to its archive"),
        legal_reference=cite("archives"),
        origins=frozenset(),
        case_id=case_id,
    )


def local_date(moment: datetime | None) -> date:
    return timezone.localdate(moment) if moment is not None else timezone.localdate()


@dataclass(frozen=True)
class Description:
    """What record.xml says of a record."""

    record_type: str  # a RecordType value
    title: str
    municipality_name: str
    municipality_code: str
    units: list[tuple[str, str]]  # (name, role)
    opened: date
    closed: date
    closure: str
    process: str
    secrecy: tuple[str, ...]  # keys of kring.legal


def _sub(parent: ET.Element, name: str, text: str = "", **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{RECORD}}}{name}", {k: v for k, v in attributes.items() if v})
    element.text = text
    return element


def descriptive_xml(described: Description, objid: str, documents: list[Document], rule: RetentionRule) -> bytes:
    """record.xml: what the record is, whose, when, how it is classified and kept, that it is secret and under which
    provisions, and its documents."""
    with translation.override(settings.LANGUAGE_CODE):
        record = ET.Element(
            f"{{{RECORD}}}record", {f"{{{XSI}}}schemaLocation": f"{RECORD} ../../schemas/kring-record.xsd"}
        )
        _sub(record, "identifier", objid)
        _sub(record, "recordType", str(RecordType(described.record_type).label), code=described.record_type)
        _sub(record, "title", described.title)
        _sub(record, "municipality", described.municipality_name, code=described.municipality_code)
        for name, role in described.units:
            _sub(record, "unit", name, role=role)
        _sub(record, "opened", described.opened.isoformat())
        _sub(record, "closed", described.closed.isoformat())
        _sub(record, "closure", described.closure)
        classification = _sub(record, "classification")
        _sub(classification, "process", described.process)
        _sub(classification, "retention", f"{rule.keep_years} / {rule.get_counted_from_display()} / "
             f"{rule.get_action_display()} ({rule.source})")  # fmt: skip
        secrecy = _sub(record, "secrecy", secret="true")  # noqa: S106 (a secrecy marking, not a password)
        _sub(secrecy, "marking", _("Secret: contains information about a child covered by secrecy"))
        for key in described.secrecy:
            _sub(secrecy, "provision", cite(key))
        for document in documents:
            item = _sub(record, "document", href=f"../../representations/rep1/data/{document.name}")
            _sub(item, "title", document.title)
            _sub(item, "date", document.dated)
    ET.indent(record)
    return bytes(ET.tostring(record, encoding="utf-8", xml_declaration=True)) + b"\n"
