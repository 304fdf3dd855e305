"""How Kring's tables would be laid out on Citus, distributed on `municipality_id` (docs/adr/0019): the tables that
are *not* distributed, each with its reason, and the gaps still open in the distributed ones.

Every other table is a tenant table: it holds one municipality's data, and so must carry `municipality_id`, include
it in every unique constraint, and reach other tenant tables through foreign keys that include it (on PostgreSQL a
composite key `(municipality_id, x_id) → (municipality_id, id)` beside Django's own). `tests/test_distribution.py`
holds every model to this, and the lists of gaps below to exactly what is still open: a new gap fails the test, and so
does a gap closed but still listed. Labels are `app_label.modelname` in lower case (Django's `label_lower`)."""

from __future__ import annotations

from typing import Final, Literal

Kind = Literal["reference", "local"]

# reference: replicated to every Citus node (small, read by nearly every query, or found before the municipality is
# known); distributed tables may point to them with plain foreign keys.
# local: kept on the coordinator only (technical tables no tenant table points to).
NOT_DISTRIBUTED: Final[dict[str, tuple[Kind, str]]] = {
    "directory.municipality": ("reference", "the tenants themselves"),
    "directory.organisation": ("reference", "the directory: a few rows per municipality, joined by most queries"),
    "directory.unit": ("reference", "the directory: units are joined by nearly every query and by the policy"),
    "directory.user": (
        "reference",
        "a login finds the user before it knows the municipality (email and SSO identity are unique across the "
        "deployment); every tenant table names users",
    ),
    "directory.membership": ("reference", "the directory (who works where in which role), read by the policy"),
    "directory.contactperson": ("reference", "the directory (a school's contact persons)"),
    "directory.user_groups": ("reference", "Django's permissions of a user"),
    "directory.user_user_permissions": ("reference", "Django's permissions of a user"),
    "access.auditevent": ("reference", "one hash chain for the whole deployment (ADR 0002): one writer, in order"),
    "access.auditchainhead": ("reference", "the head of the one audit chain"),
    "access.auditanchor": ("reference", "where the one audit chain begins after clearing"),
    "access.formsubmission": ("local", "once-per-submit tokens of forms, keyed by a random token"),
    "api.apitoken": ("reference", "an API token is found by its prefix before its municipality is known"),
    "family.familyaccount": ("reference", "a guardian's e-ID login, found by identity before any municipality"),
    "prevention.bankquestion": ("reference", "the question bank is the same for every municipality"),
    "auth.group": ("reference", "Django's permission groups"),
    "auth.permission": ("reference", "Django's permissions"),
    "auth.group_permissions": ("reference", "Django's permissions"),
    "contenttypes.contenttype": ("reference", "Django's content types"),
    "admin.logentry": ("local", "Django's admin log (the audit log is Kring's record)"),
    "sessions.session": ("local", "sessions, keyed by a random key"),
    "django_tasks_database.dbtaskresult": ("local", "the task queue, one for the deployment"),
    "mfa.authenticator": ("reference", "a user's second factor (login)"),
    "account.emailaddress": ("reference", "a user's email addresses (login)"),
    "account.emailconfirmation": ("reference", "a user's email confirmations (login)"),
    "socialaccount.socialapp": ("reference", "single sign-on providers (login)"),
    "socialaccount.socialaccount": ("reference", "a user's single sign-on identities (login)"),
    "socialaccount.socialtoken": ("reference", "a user's single sign-on tokens (login)"),
}

# Tenant tables that do not carry `municipality_id` yet: each reaches its municipality through its parent row.
# Closing a gap: a `municipality` foreign key filled from the parent, then NOT NULL, set wherever rows are made.
WITHOUT_MUNICIPALITY: Final[frozenset[str]] = frozenset()

# Unique constraints of tenant tables that do not include `municipality` yet ("label: field, field").
# One-to-one fields (Django's reverse accessor is a single object); on Citus each becomes a unique constraint with the
# municipality, which the model cannot say without giving up the one-to-one field.
UNIQUE_WITHOUT_MUNICIPALITY: Final[frozenset[str]] = frozenset(
    {
        "casework.consentrequest: consent",
        "casework.reportassessment: report",
        "casework.reportfeedback: report",
        "casework.reportofconcern: consultation",
        "collaboration.identifieddiscussion: discussion",
    }
)

# Foreign keys between tenant tables that have no composite key with `municipality_id` on PostgreSQL
# ("label.field"). `schooldata.absencerecord` is partitioned on PostgreSQL (its primary key is (id, date) there);
# its constraints are made with the partitions, not here.
WITHOUT_COMPOSITE_KEY: Final[frozenset[str]] = frozenset({"schooldata.absencerecord.child"})
