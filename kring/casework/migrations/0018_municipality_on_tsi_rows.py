"""The rows of a TSI case (its stories, needs, interventions, meetings and their participants, outcomes, follow-ups,
the child's voice, consent's scopes and givers, requests for consent and their answers) carry their municipality
themselves (ready for Citus, docs/adr/0019): filled from the case, the consent, the meeting or the request, then
required, in their unique constraints, and on PostgreSQL in composite keys with the rows they point to."""

from __future__ import annotations

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import Q

from kring.tenant_keys import add_tenant_keys, fill_from_parents, municipality_field, remove_tenant_keys

LINKS = [
    ("casework.ChildVoice", "case", "casework.TsiCase"),
    ("casework.ConsentGiver", "consent", "casework.Consent"),
    ("casework.ConsentRequest", "case", "casework.TsiCase"),
    ("casework.ConsentRequestAnswer", "request", "casework.ConsentRequest"),
    ("casework.ConsentScope", "consent", "casework.Consent"),
    ("casework.FollowUp", "case", "casework.TsiCase"),
    ("casework.Intervention", "case", "casework.TsiCase"),
    ("casework.Meeting", "case", "casework.TsiCase"),
    ("casework.Need", "case", "casework.TsiCase"),
    ("casework.OutcomeMeasure", "case", "casework.TsiCase"),
    ("casework.Participant", "meeting", "casework.Meeting"),
    ("casework.Story", "case", "casework.TsiCase"),
]
ROWS = [label.split(".")[1].lower() for label, _key, _parent in LINKS]
REFERENCED = ["casework_consent", "casework_consentrequest", "casework_meeting"]
FOREIGN_KEYS = [
    ("casework_childvoice", "case_id", "casework_tsicase"),
    ("casework_consentgiver", "consent_id", "casework_consent"),
    ("casework_consentgiver", "guardian_id", "people_guardian"),
    ("casework_consentrequest", "case_id", "casework_tsicase"),
    ("casework_consentrequest", "consent_id", "casework_consent"),
    ("casework_consentrequestanswer", "request_id", "casework_consentrequest"),
    ("casework_consentrequestanswer", "guardian_id", "people_guardian"),
    ("casework_consentscope", "consent_id", "casework_consent"),
    ("casework_followup", "case_id", "casework_tsicase"),
    ("casework_intervention", "case_id", "casework_tsicase"),
    ("casework_meeting", "case_id", "casework_tsicase"),
    ("casework_need", "case_id", "casework_tsicase"),
    ("casework_outcomemeasure", "case_id", "casework_tsicase"),
    ("casework_outcomemeasure", "guardian_id", "people_guardian"),
    ("casework_participant", "meeting_id", "casework_meeting"),
    ("casework_story", "case_id", "casework_tsicase"),
    ("casework_planversion", "meeting_id", "casework_meeting"),  # an older tenant table pointing to a meeting
]
UNIQUE = {
    "consentscope": models.UniqueConstraint(
        fields=("municipality", "consent", "direction", "party", "category"), name="consent_scope_unique_direction"
    ),
    "consentgiver": models.UniqueConstraint(
        fields=("municipality", "consent", "guardian"), name="consent_giver_unique"
    ),
    "consentrequest": models.UniqueConstraint(
        fields=("municipality", "case"), condition=Q(status="open"), name="consent_request_one_open_per_case"
    ),
    "consentrequestanswer": models.UniqueConstraint(
        fields=("municipality", "request", "guardian"), name="consent_request_answer_once"
    ),
}
YOUNG_PERSON_ONCE = models.UniqueConstraint(
    fields=("municipality", "request"), condition=Q(young_person=True), name="consent_request_young_person_once"
)


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    fill_from_parents(apps, schema_editor, LINKS)


def add_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    add_tenant_keys(schema_editor, referenced=REFERENCED, foreign_keys=FOREIGN_KEYS)


def remove_keys(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    remove_tenant_keys(schema_editor, referenced=REFERENCED, foreign_keys=FOREIGN_KEYS)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0017_municipality_on_report_and_case_rows"),
        ("people", "0008_municipality_on_people_rows"),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="municipality", field=municipality_field(null=True))
            for name in ROWS
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=name, name="municipality", field=municipality_field(null=False))
            for name in ROWS
        ),
        *(migrations.RemoveConstraint(model_name=model, name=constraint.name) for model, constraint in UNIQUE.items()),
        migrations.RemoveConstraint(model_name="consentrequestanswer", name=YOUNG_PERSON_ONCE.name),
        *(migrations.AddConstraint(model_name=model, constraint=constraint) for model, constraint in UNIQUE.items()),
        migrations.AddConstraint(model_name="consentrequestanswer", constraint=YOUNG_PERSON_ONCE),
        migrations.RunPython(add_keys, remove_keys),
    ]
