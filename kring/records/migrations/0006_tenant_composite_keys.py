"""Foreign keys between tenant tables include the municipality (PostgreSQL only; docs/adr/0019).

Each referenced tenant table gets UNIQUE (municipality_id, id), and each foreign key between tenant tables a
composite key (municipality_id, x_id) → (municipality_id, id) beside Django's own: the database itself refuses a row
that points into another municipality, and these are the keys Citus needs when the tables are distributed on
municipality_id. Deferred to the end of the transaction, like Django's. SQLite keeps Django's keys only.

Not here: `schooldata_absencerecord` (partitioned on PostgreSQL, its keys are made with its partitions)."""

from __future__ import annotations

import hashlib

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

REFERENCED = [
    "casework_concern",
    "casework_consultation",
    "casework_planversion",
    "casework_reportofconcern",
    "casework_tsicase",
    "collaboration_agreement",
    "collaboration_collaborationgroup",
    "people_child",
    "people_guardian",
    "prevention_classreview",
    "prevention_programme",
    "prevention_programmerun",
    "prevention_questionnaire",
    "records_registerextract",
]
FOREIGN_KEYS = [
    ("casework_approval", "case_id", "casework_tsicase"),
    ("casework_approval", "plan_id", "casework_planversion"),
    ("casework_approval", "report_id", "casework_reportofconcern"),
    ("casework_concern", "child_id", "people_child"),
    ("casework_consent", "case_id", "casework_tsicase"),
    ("casework_consent", "withdrawn_by_id", "people_guardian"),
    ("casework_consultation", "concern_id", "casework_concern"),
    ("casework_consultationmessage", "consultation_id", "casework_consultation"),
    ("casework_handover", "case_id", "casework_tsicase"),
    ("casework_handover", "report_id", "casework_reportofconcern"),
    ("casework_planversion", "case_id", "casework_tsicase"),
    ("casework_reportassessment", "report_id", "casework_reportofconcern"),
    ("casework_reportfeedback", "report_id", "casework_reportofconcern"),
    ("casework_reportofconcern", "child_id", "people_child"),
    ("casework_reportofconcern", "concern_id", "casework_concern"),
    ("casework_reportofconcern", "consultation_id", "casework_consultation"),
    ("casework_tsicase", "child_id", "people_child"),
    ("collaboration_identifieddiscussion", "child_id", "people_child"),
    ("collaboration_impactassessment", "agreement_id", "collaboration_agreement"),
    ("collaboration_impactassessment", "group_id", "collaboration_collaborationgroup"),
    ("prevention_agreedrating", "child_id", "people_child"),
    ("prevention_agreedrating", "review_id", "prevention_classreview"),
    ("prevention_programmerun", "programme_id", "prevention_programme"),
    ("prevention_pupilmentor", "child_id", "people_child"),
    ("prevention_pupilmentor", "run_id", "prevention_programmerun"),
    ("prevention_relationassignment", "child_id", "people_child"),
    ("prevention_safeadultentry", "child_id", "people_child"),
    ("prevention_surveyseries", "programme_id", "prevention_programme"),
    ("prevention_surveyseries", "questionnaire_id", "prevention_questionnaire"),
    ("prevention_wellbeingrating", "child_id", "people_child"),
    ("records_correction", "extract_id", "records_registerextract"),
    ("records_registerextract", "child_id", "people_child"),
    ("records_registerextract", "guardian_id", "people_guardian"),
    ("schooldata_absenceindicator", "child_id", "people_child"),
    ("schooldata_absenceinvestigation", "child_id", "people_child"),
    ("schooldata_sourceresponsible", "child_id", "people_child"),
]


def _name(*parts: str, suffix: str) -> str:
    """A constraint name within PostgreSQL's 63 characters, readable where it fits."""
    name = "_".join([*parts, suffix])
    if len(name) <= 63:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: 63 - len(suffix) - 10]}_{digest}_{suffix}"


def tenant_key_name(table: str) -> str:
    return _name(table, suffix="tenant_key")


def tenant_fk_name(table: str, column: str) -> str:
    return _name(table, column, suffix="tenant_fk")


def add(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in REFERENCED:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{tenant_key_name(table)}" UNIQUE ("municipality_id", "id")'
        )
    for table, column, referenced in FOREIGN_KEYS:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{tenant_fk_name(table, column)}" '
            f'FOREIGN KEY ("municipality_id", "{column}") REFERENCES "{referenced}" ("municipality_id", "id") '
            "DEFERRABLE INITIALLY DEFERRED"
        )


def remove(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, _referenced in FOREIGN_KEYS:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{tenant_fk_name(table, column)}"')
    for table in REFERENCED:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{tenant_key_name(table)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0005_anonymous_counts"),
        ("casework", "0017_municipality_on_report_and_case_rows"),
        ("people", "0007_identity_index"),
        ("collaboration", "0004_disclosure_conditions"),
        ("prevention", "0003_question_bank"),
        ("schooldata", "0004_standard_guardians_lessons"),
    ]

    operations = [migrations.RunPython(add, remove)]
