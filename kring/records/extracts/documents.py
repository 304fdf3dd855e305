"""The released extract as a PDF and as machine-readable JSON: only what the review released; each withheld item is
named with its ground, so the person knows that something was withheld and why (and may appeal)."""

from __future__ import annotations

import copy
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kring.legal import REFERENCES
from kring.pdf import render_pdf
from kring.records.models import RegisterExtract


def section_title_withheld() -> str:
    return _("Withheld item")


def released_content(extract: RegisterExtract) -> dict[str, Any]:
    content = copy.deepcopy(extract.content)
    for section in content.get("sections", []):
        for item in section["items"]:
            ground = item.pop("withheld", "")
            item.pop("withheld_from_start", None)
            if ground:
                reference = REFERENCES[ground]
                for key in ("fields", "columns", "rows", "masked"):
                    item.pop(key, None)
                item["title"] = str(section_title_withheld())  # a reader's name or a date may say what was withheld
                item["withheld"] = {"ground": str(reference.title), "provision": reference.cite()}
    content["reviewed_at"] = timezone.localtime(extract.reviewed_at).strftime("%Y-%m-%d %H:%M")
    content["municipality"] = extract.municipality.name
    return content


def extract_json(extract: RegisterExtract) -> bytes:
    return json.dumps(released_content(extract), ensure_ascii=False, indent=2).encode()


def extract_pdf(extract: RegisterExtract) -> bytes:
    return render_pdf("records/extract_pdf.html", {"extract": extract, "content": released_content(extract)})
