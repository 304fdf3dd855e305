"""The kinds of record Kring can hand to the archive as a package, each with what makes it closed, how it is read,
rendered and described (`tsi.py`, `reports.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from django.db.models import Model, QuerySet

from kring.access.policy import Basis
from kring.records.archive.common import Description
from kring.records.archive.package import Document
from kring.records.archive.reports import ReportPackager
from kring.records.archive.tsi import TsiPackager


class RecordFile(Protocol):
    def parts(self) -> dict[str, list[Model]]: ...


class Packager(Protocol):
    @property
    def record_type(self) -> str: ...
    @property
    def short(self) -> str: ...  # in the package's id
    @property
    def model(self) -> type[Model]: ...

    def closed_rows(self, municipality_id: int) -> QuerySet[Any]: ...
    def is_closed(self, record: Any) -> bool: ...
    def label(self, record: Any) -> str: ...
    def row(self, record: Any) -> tuple[str, datetime, datetime, str]: ...
    def basis(self, record: Any) -> Basis: ...
    def read(self, record: Any) -> Any: ...
    def render(self, record_file: Any, printed_by: str) -> list[Document]: ...
    def describe(self, record_file: Any) -> Description: ...


PACKAGERS: dict[str, Packager] = {packager.record_type: packager for packager in (TsiPackager(), ReportPackager())}
