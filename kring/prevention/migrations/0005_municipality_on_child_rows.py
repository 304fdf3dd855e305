"""The prevention app's child rows carry their municipality themselves (ready for Citus, docs/adr/0019): the
municipality of the programme, run, questionnaire, survey, wave, class or response each row belongs to, filled from
it, then required; their unique constraints include it, and on PostgreSQL their foreign keys to tenant tables get the
composite keys (`kring.tenant_keys`), the classes (`people_group`, whose municipality and UNIQUE (municipality_id, id)
come with people/0008) included.

The many-to-many tables become explicit models (`through=`) over the same tables and columns, so that they can carry
the municipality too: the state changes, the database does not, until the column is added.

An answer code's hash is unique per municipality now, and indexed by itself: a pupil's code is looked up before its
municipality is known."""

from __future__ import annotations

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

from kring.tenant_keys import add_tenant_keys, fill_from_parents, municipality_field, remove_tenant_keys

# (model, its foreign key to the row it belongs to, that row's model), parents before their children
LINKS = [
    ("prevention.ManualSession", "programme", "prevention.Programme"),
    ("prevention.ProgrammeOrganisation", "programme", "prevention.Programme"),
    ("prevention.StaffTraining", "run", "prevention.ProgrammeRun"),
    ("prevention.SessionHeld", "run", "prevention.ProgrammeRun"),
    ("prevention.SessionFacilitator", "sessionheld", "prevention.SessionHeld"),
    ("prevention.QuestionnaireItem", "questionnaire", "prevention.Questionnaire"),
    ("prevention.SurveyWave", "series", "prevention.SurveySeries"),
    ("prevention.WaveClass", "wave", "prevention.SurveyWave"),
    ("prevention.AnswerCode", "wave_class", "prevention.WaveClass"),
    ("prevention.SurveyResponse", "wave_class", "prevention.WaveClass"),
    ("prevention.SurveyAnswer", "response", "prevention.SurveyResponse"),
]
MODELS = [child.split(".")[1].lower() for child, _key, _parent in LINKS]

# Tenant tables that new composite keys point to, without UNIQUE (municipality_id, id) yet (records/0006 made
# prevention_programme's, prevention_programmerun's and prevention_questionnaire's; people/0008 people_group's).
REFERENCED = [
    "prevention_manualsession",
    "prevention_sessionheld",
    "prevention_surveyresponse",
    "prevention_surveyseries",
    "prevention_surveywave",
    "prevention_waveclass",
]
FOREIGN_KEYS = [
    ("prevention_answercode", "wave_class_id", "prevention_waveclass"),
    ("prevention_manualsession", "programme_id", "prevention_programme"),
    ("prevention_programme_organisations", "programme_id", "prevention_programme"),
    ("prevention_questionnaireitem", "questionnaire_id", "prevention_questionnaire"),
    ("prevention_sessionheld", "group_id", "people_group"),
    ("prevention_sessionheld", "manual_session_id", "prevention_manualsession"),
    ("prevention_sessionheld", "run_id", "prevention_programmerun"),
    ("prevention_sessionheld_facilitators", "sessionheld_id", "prevention_sessionheld"),
    ("prevention_stafftraining", "run_id", "prevention_programmerun"),
    ("prevention_surveyanswer", "response_id", "prevention_surveyresponse"),
    ("prevention_surveyresponse", "wave_class_id", "prevention_waveclass"),
    ("prevention_surveywave", "series_id", "prevention_surveyseries"),
    ("prevention_waveclass", "group_id", "people_group"),
    ("prevention_waveclass", "wave_id", "prevention_surveywave"),
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
        "ProgrammeOrganisation",
        "prevention_programme_organisations",
        ("programme", "prevention.programme"),
        ("organisation", "directory.organisation"),
    ),
    (
        "SessionFacilitator",
        "prevention_sessionheld_facilitators",
        ("sessionheld", "prevention.sessionheld"),
        ("user", settings.AUTH_USER_MODEL),
    ),
]
THROUGH_UNIQUE = {
    "ProgrammeOrganisation": "programme_organisation_unique",
    "SessionFacilitator": "session_facilitator_unique",
}

# The unique constraints that now include the municipality: (model, name, the fields after it)
UNIQUE = [
    ("manualsession", "manual_session_unique", ["programme", "number"]),
    ("stafftraining", "staff_training_unique", ["run", "user", "trained_on"]),
    ("questionnaireitem", "questionnaire_item_position", ["questionnaire", "position"]),
    ("questionnaireitem", "questionnaire_item_once", ["questionnaire", "question"]),
    ("surveywave", "survey_wave_one_per_kind", ["series", "kind"]),
    ("waveclass", "wave_class_unique", ["wave", "group"]),
    ("surveyanswer", "survey_answer_once", ["response", "question"]),
]


class Migration(migrations.Migration):
    dependencies = [
        ("prevention", "0004_tenant_in_unique_constraints"),
        ("directory", "0010_e_service_role_and_system_users"),
        ("people", "0008_municipality_on_people_rows"),
        ("records", "0006_tenant_composite_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
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
                    model_name="programme",
                    name="organisations",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        through="prevention.ProgrammeOrganisation",
                        to="directory.organisation",
                        verbose_name="run by",
                    ),
                ),
                migrations.AlterField(
                    model_name="sessionheld",
                    name="facilitators",
                    field=models.ManyToManyField(
                        related_name="+",
                        through="prevention.SessionFacilitator",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="led by",
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
        *(migrations.RemoveConstraint(model_name=model, name=name) for model, name, _fields in UNIQUE),
        *(
            migrations.AddConstraint(
                model_name=model, constraint=models.UniqueConstraint(fields=["municipality", *fields], name=name)
            )
            for model, name, fields in UNIQUE
        ),
        *(migrations.AlterUniqueTogether(name=name, unique_together=set()) for name, *_rest in THROUGH),
        *(
            migrations.AddConstraint(
                model_name=name.lower(),
                constraint=models.UniqueConstraint(fields=["municipality", one, other], name=THROUGH_UNIQUE[name]),
            )
            for name, _table, (one, _one_to), (other, _other_to) in THROUGH
        ),
        migrations.AlterField(model_name="answercode", name="code_hash", field=models.CharField(max_length=64)),
        migrations.AddConstraint(
            model_name="answercode",
            constraint=models.UniqueConstraint(fields=["municipality", "code_hash"], name="answer_code_unique"),
        ),
        migrations.AddIndex(
            model_name="answercode", index=models.Index(fields=["code_hash"], name="answer_code_hash")
        ),
        migrations.RunPython(add_keys, remove_keys),
    ]
