"""The register details a correction may change (GDPR art. 16), by whose data they are, with their labels."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from kring.records.models import ExtractSubject

# What may be corrected here, by whose data it is: register details. A record (a story, an assessment) is never
# rewritten; what a person disputes in it is noted beside it by the case team.
CORRECTABLE: dict[str, dict[str, Any]] = {
    ExtractSubject.CHILD: {
        "first_name": gettext_lazy("first name"), "last_name": gettext_lazy("last name"),
        "street_address": gettext_lazy("street address"), "postal_code": gettext_lazy("postal code"),
        "city": gettext_lazy("city"),
    },
    ExtractSubject.GUARDIAN: {
        "first_name": gettext_lazy("first name"), "last_name": gettext_lazy("last name"),
        "phone": gettext_lazy("phone"), "email": gettext_lazy("e-mail"),
        "street_address": gettext_lazy("street address"), "postal_code": gettext_lazy("postal code"),
        "city": gettext_lazy("city"),
    },
    ExtractSubject.STAFF: {
        "first_name": gettext_lazy("first name"), "last_name": gettext_lazy("last name"),
        "phone": gettext_lazy("phone"),
    },
}  # fmt: skip


def detail_label(subject_kind: str, field: str) -> str:
    return str(CORRECTABLE.get(subject_kind, {}).get(field, field))
