"""The default retention rules: a typical municipal document management plan (dokumenthanteringsplan) for these
records, each with its source. A municipality replaces them with its own plan's (the archivist role)."""

from __future__ import annotations

from dataclasses import dataclass

from kring.directory.models import Municipality
from kring.records.models import CountedFrom, RecordType, RetentionAction, RetentionRule


@dataclass(frozen=True)
class DefaultRule:
    keep_years: int
    counted_from: str
    action: str
    source: str


# Stored data in the municipality's language (Swedish), as its own plan's items will be.
_TYPICAL = "Typisk dokumenthanteringsplan (Riksarkivet, SKR): stäm av mot kommunens egen plan"
DEFAULTS: dict[str, DefaultRule] = {
    RecordType.CONSULTATION: DefaultRule(1, CountedFrom.RECORDED, RetentionAction.DELETE,
                                         f"{_TYPICAL}; avidentifierade konsultationer gallras tidigt"),
    RecordType.CONCERN: DefaultRule(5, CountedFrom.CLOSED, RetentionAction.DELETE, _TYPICAL),
    RecordType.REPORT: DefaultRule(5, CountedFrom.CLOSED, RetentionAction.DELETE,
                                   f"{_TYPICAL}; en anmälan som inte ledde till utredning, 5 år efter beslutet"),
    RecordType.TSI_CASE: DefaultRule(5, CountedFrom.CLOSED, RetentionAction.DELETE, _TYPICAL),
    RecordType.ABSENCE: DefaultRule(3, CountedFrom.SCHOOL_YEAR_END, RetentionAction.DELETE, _TYPICAL),
    RecordType.ABSENCE_INDICATOR: DefaultRule(1, CountedFrom.SCHOOL_YEAR_END, RetentionAction.DELETE, _TYPICAL),
    RecordType.INVESTIGATION: DefaultRule(5, CountedFrom.CLOSED, RetentionAction.DELETE, _TYPICAL),
    RecordType.SURVEY_ANSWERS: DefaultRule(1, CountedFrom.CLOSED, RetentionAction.DELETE,
                                           f"{_TYPICAL}; enkäters rådata gallras när resultaten är redovisade"),
}  # fmt: skip


def rules_of(municipality: Municipality) -> list[RetentionRule]:
    """The municipality's rules, the defaults for every record type it has no rule for yet (stored)."""
    existing = {rule.record_type: rule for rule in municipality.retention_rules.all()}
    missing = [
        RetentionRule(
            municipality=municipality, record_type=record_type, keep_years=default.keep_years,
            counted_from=default.counted_from, action=default.action, source=default.source,
        )
        for record_type, default in DEFAULTS.items()
        if record_type not in existing
    ]  # fmt: skip
    RetentionRule.objects.bulk_create(missing)
    return sorted([*existing.values(), *missing], key=lambda rule: list(DEFAULTS).index(rule.record_type))
