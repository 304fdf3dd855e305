"""Everything Kring holds about one person, compiled for a register extract (GDPR art. 15).

The extract is found, not listed by hand: for a child, every model the access policy knows holds a child's data
(`register_child_model`) and the records hanging from them (a case's voices, a consent's givers); for a guardian,
every record that points at the guardian; for a member of staff, their account, roles and a count of the records
that name them. Each section says where the data comes from (its origin), what it is (its category) and why Kring
holds it (its purpose). Beside the records: the reads of them from the audit log, grouped by who read, which are the
recipients the extract must name, and the corrections made on the person's request.

What the person may not have is marked before the officer reviews it: another guardian's identity is masked in
every record, a reporter's identity in the reports of concern, and whole items that are secret towards the guardians
when a guardian asks (a child's story kept from them, a decision to block the guardian). The officer reviews every
item and may withhold more, with a ground; the extract cannot be released before that review
(`kring.records.extracts.actions`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from kring.access.models import AuditAction, AuditEvent
from kring.access.policy import registry
from kring.access.review import TARGET_LABELS
from kring.access.roles import Category, Origin
from kring.directory.models import Membership, Unit, User
from kring.legal import cite
from kring.people.models import Child, Custody, Guardian
from kring.records.extracts.details import detail_label
from kring.records.extracts.purposes import purpose_of
from kring.records.models import Correction, ExtractSubject, RegisterExtract

MASK = "▇▇▇▇"
# A section with more rows than this is one item: a table (the absence rows of years).
TABLE_AFTER = 20
# Never part of an extract: keys, indexes and secrets of Kring's own, not data about the person.
HIDDEN_FIELDS = frozenset(
    {"id", "municipality", "identity_index", "name_key", "ss12000_id", "password", "hash", "previous_hash",
     "submit_token", "content"}
)  # fmt: skip
# Fields naming who reported or gave information about a child: masked (OSL 26 kap 5 §), whoever asks.
REPORTER_FIELDS: dict[str, frozenset[str]] = {
    "casework.reportofconcern": frozenset({"reporter", "reporter_unit", "when_and_where"}),
}
# Models whose rows are secret towards a guardian who asks: a decision to block the guardian says why.
GUARDIAN_SECRET_MODELS = frozenset({"family.accessblock"})
# A child with protected identity: where they live is never in an extract (OSL 21 kap 3 §; no export of Kring holds
# it), and where they go to school is withheld until the officer decides.
ADDRESS_FIELDS: dict[str, frozenset[str]] = {"people.child": frozenset({"street_address", "postal_code", "city"})}
ADDRESS_DETAILS = frozenset({"street_address", "postal_code", "city"})
WHERE_THE_CHILD_IS = frozenset({"people.placement"})
# Target types of the audit events a reporter writes when filing: who wrote them is the reporter, and that is secret.
REPORT_TARGETS = frozenset({"reportofconcern", "report"})


@dataclass(frozen=True)
class Source:
    """One kind of record in the extract: its model, the filter that finds the person's rows, and its labels."""

    model: type[models.Model]
    lookup: dict[str, Any]
    origin: str
    category: str


def compile_extract(extract: RegisterExtract) -> dict[str, Any]:
    """The extract as data (JSON): the subject, the sections and their items, the reads, the corrections."""
    compiler = _Compiler(extract)
    return {
        "subject": compiler.subject(),
        "compiled_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "sections": [section for section in compiler.sections() if section["items"]],
        "legal": {"access": cite("register_extract"), "rectification": cite("rectification")},
    }


class _Compiler:
    def __init__(self, extract: RegisterExtract) -> None:
        self.extract = extract
        self.kind = extract.subject_kind
        self.protected = extract.child_id is not None and bool(
            Child.objects.filter(pk=extract.child_id, protected_identity=True).exists()
        )
        self.own_children: set[int] = set()
        if extract.guardian_id is not None:
            self.own_children = set(
                Custody.objects.filter(guardian_id=extract.guardian_id).values_list("child_id", flat=True)
            )

    def subject(self) -> dict[str, Any]:
        extract = self.extract
        return {
            "kind": self.kind,
            "kind_label": str(ExtractSubject(self.kind).label),
            "name": extract.subject_name,
            "requested_by": extract.requested_by,
            "received_on": extract.received_on.isoformat(),
        }

    def sections(self) -> Iterator[dict[str, Any]]:
        for source in self._sources():
            yield self._section(source)
        yield self._reads_section()
        if self.kind == ExtractSubject.STAFF:
            yield self._authored_section()
        yield self._corrections_section()

    # -- where the person's data is

    def _sources(self) -> list[Source]:
        if self.kind == ExtractSubject.CHILD:
            return _child_sources(self.extract.child_id or 0, self.extract.municipality_id)
        if self.kind == ExtractSubject.GUARDIAN:
            return _guardian_sources(self.extract.guardian_id or 0)
        return [
            Source(User, {"pk": self.extract.staff_id}, "", "account"),
            Source(Membership, {"user_id": self.extract.staff_id}, "", "account"),
        ]

    def _section(self, source: Source) -> dict[str, Any]:
        model = source.model
        rows = list(model._default_manager.filter(**source.lookup).order_by("pk"))
        fields = [field for field in model._meta.concrete_fields if field.name not in HIDDEN_FIELDS]
        names = self._names(rows, fields)
        label = model._meta.label_lower
        items = [self._item(label, row, fields, names) for row in rows]
        if len(items) > TABLE_AFTER and not any(item["withheld"] or item["masked"] for item in items):
            items = [self._table(label, rows, fields, names)]
        title = str(model._meta.verbose_name_plural)
        return {
            "key": label,
            "title": title[:1].upper() + title[1:],
            "origin": str(Origin(source.origin).label) if source.origin in Origin.values else "",
            "category": str(Category(source.category).label) if source.category in Category.values else "",
            "purpose": purpose_of(source.category),
            "items": items,
        }

    def _masked_fields(self, label: str) -> frozenset[str]:
        masked = REPORTER_FIELDS.get(label, frozenset())
        return masked | ADDRESS_FIELDS.get(label, frozenset()) if self.protected else masked

    def _item(self, label: str, row: models.Model, fields: list[Any], names: dict[Any, str]) -> dict[str, Any]:
        masked = self._masked_fields(label)
        values = [
            [_field_label(field), MASK if field.name in masked else self._value(row, field, names)] for field in fields
        ]
        withheld = self._withheld_from_start(label, row)
        return {
            "key": f"{label}:{row.pk}",
            "title": _title(row),
            "fields": [pair for pair in values if pair[1] != ""],
            "masked": [_field_label(field) for field in fields if field.name in masked],
            "withheld": withheld,
            "withheld_from_start": bool(withheld),
        }

    def _table(self, label: str, rows: list[Any], fields: list[Any], names: dict[Any, str]) -> dict[str, Any]:
        """Many rows of a kind with nothing masked or withheld in any of them (the absence rows of years)."""
        return {
            "key": f"{label}:all",
            "title": _("%(count)d rows") % {"count": len(rows)},
            "columns": [_field_label(field) for field in fields],
            "rows": [[self._value(row, field, names) for field in fields] for row in rows],
            "withheld": "",
            "withheld_from_start": False,
        }

    def _withheld_from_start(self, label: str, row: models.Model) -> str:
        """The ground on which an item is withheld before the officer's review ("" for none)."""
        if self.kind == ExtractSubject.GUARDIAN and label in GUARDIAN_SECRET_MODELS:
            return "others_privacy"
        if self.protected and label in WHERE_THE_CHILD_IS:
            return "protected_identity"
        if label == "casework.reportofconcern" and getattr(row.reporter, "is_system", False):  # type: ignore[attr-defined]
            # passed on from a member of the public by the e-service: the text names them (OSL 26 kap 5 §)
            return "reporter_identity"
        asked_by_guardian = self.kind == ExtractSubject.GUARDIAN or self.extract.by_guardian
        if asked_by_guardian and (getattr(row, "secret_from_guardians", False) or label in GUARDIAN_SECRET_MODELS):
            return "secrecy_towards_guardians"
        return ""

    # -- values

    def _names(self, rows: list[Any], fields: list[Any]) -> dict[Any, str]:
        """The name behind each foreign key in the rows, one query per kind of person or unit (never one per row)."""
        wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        for field in fields:
            if field.is_relation:
                wanted[field.related_model].update(getattr(row, field.attname) for row in rows)
        names: dict[Any, str] = {}
        for model, ids in wanted.items():
            ids.discard(None)
            if ids:
                names.update(self._names_of(model, ids))
        return names

    def _names_of(self, model: type[models.Model], ids: set[Any]) -> dict[Any, str]:
        if model is Guardian:
            guardians = Guardian.objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name")
            return {(Guardian, pk): self._guardian_name(pk, f"{first} {last}") for pk, first, last in guardians}
        if model is Child:
            children = Child.objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name")
            return {(Child, pk): self._child_name(pk, f"{first} {last}") for pk, first, last in children}
        if model is User:
            return {(User, user.pk): str(user) for user in User.objects.filter(pk__in=ids)}
        if model is Unit:
            return {(Unit, pk): name for pk, name in Unit.objects.filter(pk__in=ids).values_list("pk", "name")}
        verbose = str(model._meta.verbose_name)
        return {(model, pk): f"{verbose} {pk}" for pk in ids}

    def _guardian_name(self, pk: int, name: str) -> str:
        """Another guardian is masked in a guardian's extract (their data is not the asker's)."""
        if self.kind == ExtractSubject.GUARDIAN and pk != self.extract.guardian_id:
            return MASK
        return name

    def _child_name(self, pk: int, name: str) -> str:
        if self.kind == ExtractSubject.GUARDIAN and pk not in self.own_children:
            return MASK
        return name

    def _value(self, row: models.Model, field: Any, names: dict[Any, str]) -> str:
        raw = getattr(row, field.attname)
        if raw is None or raw == "":
            return ""
        if field.is_relation:
            return names.get((field.related_model, raw), "")
        if field.choices:
            return str(getattr(row, f"get_{field.name}_display")())
        return _plain(raw)

    # -- beside the records

    def _reads_section(self) -> dict[str, Any]:
        """Who read or exported the person's data, when and under which basis: one item for each reader."""
        events = _reads_of(self.extract)
        readers = {user.pk: str(user) for user in User.objects.filter(pk__in={e.actor_id for e in events})}
        by_reader: dict[str, list[list[str]]] = defaultdict(list)
        for event in events:
            when = timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M")
            reader = readers.get(event.actor_id or 0) or event.actor_label or _("Kring")
            if event.target_type in REPORT_TARGETS and event.action == AuditAction.WRITE:
                reader = _("A reporter (who reported is secret)")
            by_reader[reader].append(
                [
                    when,
                    str(AuditAction(event.action).label),
                    str(TARGET_LABELS.get(event.target_type, event.target_type)),
                    event.basis,
                ]
            )
        columns = [_("When"), _("What was done"), _("What"), _("Basis")]
        # who reads a protected child's data, and under which basis, says where the child is (their school)
        hidden = "protected_identity" if self.protected else ""
        items = [
            {"key": f"reads:{index}", "title": reader, "columns": columns, "rows": rows, "withheld": hidden,
             "withheld_from_start": bool(hidden)}
            for index, (reader, rows) in enumerate(sorted(by_reader.items()))
        ]  # fmt: skip
        return {
            "key": "reads",
            "title": _("Who has read or recorded the data (recipients)"),
            "origin": "",
            "category": "",
            "purpose": _("The audit log of Kring: every read and export of a child's data is logged."),
            "items": items,
        }

    def _authored_section(self) -> dict[str, Any]:
        """A member of staff: how many records name them and as what, never what the records say of children."""
        rows = []
        for model, field in _relations_to(User):
            count = model._default_manager.filter(**{field.name: self.extract.staff_id}).count()
            if count:
                rows.append([str(model._meta.verbose_name_plural), _field_label(field), str(count)])
        activity = (
            AuditEvent.objects.filter(actor_id=self.extract.staff_id)
            .annotate(month=TruncMonth("occurred_at"))
            .values("month", "action")
            .annotate(count=Count("pk"))
            .order_by("month", "action")
        )
        log_rows = [
            [row["month"].strftime("%Y-%m"), str(AuditAction(row["action"]).label), str(row["count"])]
            for row in activity
        ]
        items = []
        if rows:
            items.append(_table_item("authored:records", _("Records naming you"),
                                     [_("Record type"), _("As"), _("How many")], rows))  # fmt: skip
        if log_rows:
            items.append(_table_item("authored:log", _("Your events in the audit log, by month"),
                                     [_("Month"), _("Event"), _("How many")], log_rows))  # fmt: skip
        return {
            "key": "authored",
            "title": _("Your work in Kring"),
            "origin": "",
            "category": "",
            "purpose": _("Kring logs who did what, to protect the children's data (the audit log)."),
            "items": items,
        }

    def _correction_values(self, correction: Correction) -> list[str]:
        """A protected child's address is not shown in the corrections either."""
        if self.protected and correction.field in ADDRESS_DETAILS:
            return [MASK, MASK]
        return [correction.old_value, correction.new_value]

    def _corrections_section(self) -> dict[str, Any]:
        subject_id = _subject_id(self.extract)
        corrections = Correction.objects.filter(subject_kind=self.kind, subject_id=subject_id).select_related("made_by")
        rows = [
            [when(c.made_at), detail_label(self.kind, c.field), *self._correction_values(c), c.reason]
            for c in corrections
        ]
        columns = [_("Date"), _("Detail"), _("Was"), _("Is now"), _("Why")]
        items = [_table_item("corrections", _("Corrections made"), columns, rows)] if rows else []
        return {
            "key": "corrections",
            "title": _("Corrections"),
            "origin": "",
            "category": "",
            "purpose": cite("rectification"),
            "items": items,
        }


def when(moment: datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


def _table_item(key: str, title: str, columns: list[str], rows: list[list[str]]) -> dict[str, Any]:
    return {"key": key, "title": title, "columns": columns, "rows": rows, "withheld": "", "withheld_from_start": False}


def _child_sources(child_id: int, municipality_id: int) -> list[Source]:
    """Every registered model holding a child's data, and the unregistered records that hang from them."""
    sources = []
    registered = set(registry.child_models) | set(registry.party_models)
    seen: set[type[models.Model]] = set()
    for model, info in registry.child_models.items():
        lookup = {info.child_path: child_id, info.municipality_path: municipality_id}
        sources.append(Source(model, lookup, info.origin, info.category or ""))
        seen.add(model)
        for child_model, path in _hanging_from(model, registered | seen):
            seen.add(child_model)
            hanging = {f"{path}__{info.child_path}": child_id}
            sources.append(Source(child_model, hanging, info.origin, info.category or ""))
    return sources


def _hanging_from(
    model: type[models.Model], known: set[type[models.Model]], depth: int = 2
) -> Iterator[tuple[type[models.Model], str]]:
    """The models whose rows belong to a row of `model` (a case's voices, a consent request's answers), to `depth`."""
    if depth == 0:
        return
    for related, field in _relations_to(model):
        if related in known or related._meta.app_label == "records":
            continue
        known = known | {related}
        yield related, field.name
        for deeper, path in _hanging_from(related, known, depth - 1):
            yield deeper, f"{path}__{field.name}"


def _relations_to(model: type[models.Model]) -> Iterator[tuple[type[models.Model], Any]]:
    """(model, foreign key) for every concrete foreign key that points at `model`, through tables left out (the
    auto-created ones, and those made explicit to carry the municipality)."""
    through = _through_models()
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.is_relation and relation.auto_created and not relation.concrete):
            continue
        related = relation.related_model
        field = getattr(relation, "field", None)
        if related is None or field is None or related._meta.auto_created or related in through or field.many_to_many:
            continue
        yield related, field


def _through_models() -> set[type[models.Model]]:
    from django.apps import apps

    through = (field.remote_field.through for other in apps.get_models() for field in other._meta.many_to_many)
    return {model for model in through if model is not None}


def _guardian_sources(guardian_id: int) -> list[Source]:
    sources = [Source(Guardian, {"pk": guardian_id}, "", Category.GUARDIANS)]
    for model, field in _relations_to(Guardian):
        if model._meta.app_label == "records":
            continue
        category = str(Category.CONSENT) if "consent" in str(model._meta.model_name) else str(Category.GUARDIANS)
        sources.append(Source(model, {field.name: guardian_id}, "", category))
    for field in _m2m_to(Guardian):
        sources.append(Source(field.model, {field.name: guardian_id}, "", Category.CONSENT))
    return sources


def _m2m_to(model: type[models.Model]) -> Iterable[Any]:
    from django.apps import apps

    for other in apps.get_models():
        for field in other._meta.many_to_many:
            if field.related_model is model:
                yield field


def _subject_id(extract: RegisterExtract) -> int:
    return int(extract.child_id or extract.guardian_id or extract.staff_id or 0)


def _reads_of(extract: RegisterExtract) -> list[AuditEvent]:
    """The events that read, exported or wrote the person's data: for a child also the pages listing several
    children (their ids are in the event's details), for a guardian the events naming the guardian."""
    actions = [AuditAction.READ, AuditAction.EXPORT, AuditAction.WRITE]
    events = AuditEvent.objects.filter(action__in=actions, municipality_id=extract.municipality_id)
    if extract.subject_kind == ExtractSubject.CHILD:
        child_id = extract.child_id or 0
        listed = events.filter(child_id__isnull=True, details__children__icontains=str(child_id))
        found = list(events.filter(child_id=child_id)) + [
            event for event in listed if child_id in (event.details.get("children") or [])
        ]
    elif extract.subject_kind == ExtractSubject.GUARDIAN:
        found = list(events.filter(details__guardian=extract.guardian_id))
    else:
        found = list(events.filter(target_type="user", target_id=str(extract.staff_id)))
    # the extract's own steps are left out: this extract is not yet a read of anything
    return sorted((e for e in found if e.target_type != "register_extract"), key=lambda event: event.sequence)


def _field_label(field: Any) -> str:
    """The field's own label; a foreign key left with the default one (its name) takes its model's, translated."""
    text = str(field.verbose_name)
    if field.is_relation and text == field.name.replace("_", " "):
        text = str(field.related_model._meta.verbose_name)
    return text[:1].upper() + text[1:]


def _title(row: models.Model) -> str:
    verbose = str(row._meta.verbose_name)
    when = next(
        (getattr(row, field.name) for field in row._meta.concrete_fields
         if isinstance(field, models.DateField) and getattr(row, field.name) is not None),
        None,
    )  # fmt: skip
    title = verbose[:1].upper() + verbose[1:]
    return f"{title}, {_plain(when)}" if when is not None else title


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list) and all(isinstance(part, str | int) for part in value):
        return ", ".join(str(part) for part in value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
