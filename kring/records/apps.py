from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "kring.records"
    verbose_name = _("Records")

    def ready(self) -> None:
        from kring.access.review import register_target_labels
        from kring.directory.today import register_work_source
        from kring.records.extracts.today import extract_work
        from kring.records.retention.today import retention_work

        register_work_source(retention_work)
        register_work_source(extract_work)
        register_target_labels(
            {
                "retention": _("Records cleared (gallring)"),
                "retention_rule": _("Retention rule"),
                "register_extract": _("Register extract"),
                "register_extract_list": _("Register extracts"),
                "archive_package": _("Archive package (handed to the archive)"),
                "archive_candidates": _("Closed cases for the archive (list)"),
            }
        )
