from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "kring.family"
    verbose_name = _("Families")

    def ready(self) -> None:
        from kring.access.review import register_access_change_types, register_target_labels
        from kring.family import signals  # noqa: F401 (connects the login of a family account)
        from kring.family.staff.labels import TARGET_LABELS

        register_target_labels(TARGET_LABELS)
        register_access_change_types({"guardian_access_block"})
