"""The collaboration's child rows carry their municipality themselves (ready for Citus, docs/adr/0019): the
municipality of the agreement, assessment, group, meeting or identified discussion each row belongs to, filled from
it, then required; their unique constraints include it, and on PostgreSQL their foreign keys to tenant tables get the
composite keys (`kring.tenant_keys`).

The many-to-many tables become explicit models (`through=`) over the same tables and columns, so that they can carry
the municipality too: the state changes, the database does not, until the column is added."""

from __future__ import annotations

import django.db.models.deletion
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kring.tenant_keys import add_tenant_keys, fill_from_parents, municipality_field, remove_tenant_keys

# (model, its foreign key to the row it belongs to, that row's model), parents before their children
LINKS = [
    ("collaboration.AgreementVersion", "agreement", "collaboration.Agreement"),
    ("collaboration.AgreementVersionParty", "agreementversion", "collaboration.AgreementVersion"),
    ("collaboration.AgreementVersionGroup", "agreementversion", "collaboration.AgreementVersion"),
    ("collaboration.Commitment", "version", "collaboration.AgreementVersion"),
    ("collaboration.Signatory", "version", "collaboration.AgreementVersion"),
    ("collaboration.AssessmentVersion", "assessment", "collaboration.ImpactAssessment"),
    ("collaboration.GroupOrganisation", "collaborationgroup", "collaboration.CollaborationGroup"),
    ("collaboration.GroupSchool", "collaborationgroup", "collaboration.CollaborationGroup"),
    ("collaboration.GroupMember", "group", "collaboration.CollaborationGroup"),
    ("collaboration.GroupMeeting", "group", "collaboration.CollaborationGroup"),
    ("collaboration.Attendance", "meeting", "collaboration.GroupMeeting"),
    ("collaboration.MeetingAction", "meeting", "collaboration.GroupMeeting"),
    ("collaboration.Discussion", "meeting", "collaboration.GroupMeeting"),
    ("collaboration.ConsentOrganisation", "identifieddiscussion", "collaboration.IdentifiedDiscussion"),
    ("collaboration.ConsentGuardian", "identifieddiscussion", "collaboration.IdentifiedDiscussion"),
    ("collaboration.PoliceDisclosure", "identified", "collaboration.IdentifiedDiscussion"),
]
MODELS = [child.split(".")[1].lower() for child, _key, _parent in LINKS]

# Tenant tables that new composite keys point to, without UNIQUE (municipality_id, id) yet (records/0006 made the
# others': collaboration_agreement, collaboration_collaborationgroup, people_guardian).
REFERENCED = [
    "collaboration_agreementversion",
    "collaboration_discussion",
    "collaboration_groupmeeting",
    "collaboration_identifieddiscussion",
    "collaboration_impactassessment",
]
FOREIGN_KEYS = [
    ("collaboration_agreementversion", "agreement_id", "collaboration_agreement"),
    ("collaboration_agreementversion_groups", "agreementversion_id", "collaboration_agreementversion"),
    ("collaboration_agreementversion_groups", "collaborationgroup_id", "collaboration_collaborationgroup"),
    ("collaboration_agreementversion_parties", "agreementversion_id", "collaboration_agreementversion"),
    ("collaboration_assessmentversion", "assessment_id", "collaboration_impactassessment"),
    ("collaboration_attendance", "meeting_id", "collaboration_groupmeeting"),
    ("collaboration_collaborationgroup_organisations", "collaborationgroup_id", "collaboration_collaborationgroup"),
    ("collaboration_collaborationgroup_schools", "collaborationgroup_id", "collaboration_collaborationgroup"),
    ("collaboration_commitment", "version_id", "collaboration_agreementversion"),
    ("collaboration_discussion", "meeting_id", "collaboration_groupmeeting"),
    ("collaboration_groupmeeting", "group_id", "collaboration_collaborationgroup"),
    ("collaboration_groupmember", "group_id", "collaboration_collaborationgroup"),
    ("collaboration_identifieddiscussion", "discussion_id", "collaboration_discussion"),
    (
        "collaboration_identifieddiscussion_consent_guardians",
        "identifieddiscussion_id",
        "collaboration_identifieddiscussion",
    ),
    ("collaboration_identifieddiscussion_consent_guardians", "guardian_id", "people_guardian"),
    (
        "collaboration_identifieddiscussion_consent_organisations",
        "identifieddiscussion_id",
        "collaboration_identifieddiscussion",
    ),
    ("collaboration_meetingaction", "meeting_id", "collaboration_groupmeeting"),
    ("collaboration_policedisclosure", "identified_id", "collaboration_identifieddiscussion"),
    ("collaboration_signatory", "version_id", "collaboration_agreementversion"),
]


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    fill_from_parents(apps, schema_editor, LINKS)


def add_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    add_tenant_keys(schema_editor, referenced=REFERENCED, foreign_keys=FOREIGN_KEYS)


def remove_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove_tenant_keys(schema_editor, referenced=REFERENCED, foreign_keys=FOREIGN_KEYS)


def _id() -> models.BigAutoField:
    return models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")


def _to(model: str) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to=model)


# The auto-created tables as explicit models: (model, table, (field, referenced model), (field, referenced model))
THROUGH = [
    (
        "AgreementVersionParty",
        "collaboration_agreementversion_parties",
        ("agreementversion", "collaboration.agreementversion"),
        ("organisation", "directory.organisation"),
    ),
    (
        "AgreementVersionGroup",
        "collaboration_agreementversion_groups",
        ("agreementversion", "collaboration.agreementversion"),
        ("collaborationgroup", "collaboration.collaborationgroup"),
    ),
    (
        "GroupOrganisation",
        "collaboration_collaborationgroup_organisations",
        ("collaborationgroup", "collaboration.collaborationgroup"),
        ("organisation", "directory.organisation"),
    ),
    (
        "GroupSchool",
        "collaboration_collaborationgroup_schools",
        ("collaborationgroup", "collaboration.collaborationgroup"),
        ("unit", "directory.unit"),
    ),
    (
        "ConsentOrganisation",
        "collaboration_identifieddiscussion_consent_organisations",
        ("identifieddiscussion", "collaboration.identifieddiscussion"),
        ("organisation", "directory.organisation"),
    ),
    (
        "ConsentGuardian",
        "collaboration_identifieddiscussion_consent_guardians",
        ("identifieddiscussion", "collaboration.identifieddiscussion"),
        ("guardian", "people.guardian"),
    ),
]

# The unique constraints that now include the municipality: (model, name, the fields after it, condition)
UNIQUE = [
    ("agreementversion", "agreement_version_unique_number", ["agreement", "number"], None),
    ("assessmentversion", "assessment_version_unique_number", ["assessment", "number"], None),
    ("groupmember", "group_member_unique_user", ["group", "user"], models.Q(user__isnull=False)),
    ("policedisclosure", "police_disclosure_unique", ["identified", "police"], None),
]
THROUGH_UNIQUE = {
    "AgreementVersionParty": "agreement_version_party_unique",
    "AgreementVersionGroup": "agreement_version_group_unique",
    "GroupOrganisation": "group_organisation_unique",
    "GroupSchool": "group_school_unique",
    "ConsentOrganisation": "consent_organisation_unique",
    "ConsentGuardian": "consent_guardian_unique",
}


def _unique(fields: list[str], name: str, condition: models.Q | None) -> models.UniqueConstraint:
    if condition is None:
        return models.UniqueConstraint(fields=fields, name=name)
    return models.UniqueConstraint(fields=fields, condition=condition, name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("collaboration", "0004_disclosure_conditions"),
        ("directory", "0010_e_service_role_and_system_users"),
        ("people", "0007_identity_index"),
        ("records", "0006_tenant_composite_keys"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                *(
                    migrations.CreateModel(
                        name=name,
                        fields=[("id", _id()), (one, _to(one_to)), (other, _to(other_to))],
                        options={"db_table": table, "unique_together": {(one, other)}},
                    )
                    for name, table, (one, one_to), (other, other_to) in THROUGH
                ),
                migrations.AlterField(
                    model_name="agreementversion",
                    name="parties",
                    field=models.ManyToManyField(
                        related_name="+",
                        through="collaboration.AgreementVersionParty",
                        to="directory.organisation",
                        verbose_name="parties",
                    ),
                ),
                migrations.AlterField(
                    model_name="agreementversion",
                    name="groups",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="agreement_versions",
                        through="collaboration.AgreementVersionGroup",
                        to="collaboration.collaborationgroup",
                        verbose_name="groups that carry it out",
                    ),
                ),
                migrations.AlterField(
                    model_name="collaborationgroup",
                    name="organisations",
                    field=models.ManyToManyField(
                        related_name="+",
                        through="collaboration.GroupOrganisation",
                        to="directory.organisation",
                        verbose_name="member organisations",
                    ),
                ),
                migrations.AlterField(
                    model_name="collaborationgroup",
                    name="schools",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="collaboration.GroupSchool",
                        to="directory.unit",
                        verbose_name="schools",
                    ),
                ),
                migrations.AlterField(
                    model_name="identifieddiscussion",
                    name="consent_organisations",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="collaboration.ConsentOrganisation",
                        to="directory.organisation",
                        verbose_name="consent covers",
                    ),
                ),
                migrations.AlterField(
                    model_name="identifieddiscussion",
                    name="consent_guardians",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="collaboration.ConsentGuardian",
                        to="people.guardian",
                    ),
                ),
            ],
            database_operations=[],
        ),
        *(
            migrations.AddField(model_name=name, name="municipality", field=municipality_field(null=True))
            for name in MODELS
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=name, name="municipality", field=municipality_field(null=False))
            for name in MODELS
        ),
        *(migrations.RemoveConstraint(model_name=model, name=name) for model, name, _fields, _condition in UNIQUE),
        *(
            migrations.AddConstraint(
                model_name=model, constraint=_unique(["municipality", *fields], name, condition)
            )
            for model, name, fields, condition in UNIQUE
        ),
        *(migrations.AlterUniqueTogether(name=name, unique_together=set()) for name, *_rest in THROUGH),
        *(
            migrations.AddConstraint(
                model_name=name.lower(),
                constraint=models.UniqueConstraint(
                    fields=["municipality", one, other], name=THROUGH_UNIQUE[name]
                ),
            )
            for name, _table, (one, _one_to), (other, _other_to) in THROUGH
        ),
        migrations.RunPython(add_keys, remove_keys),
    ]
