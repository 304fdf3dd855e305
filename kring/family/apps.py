from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamilyConfig(AppConfig):
    name = "kring.family"
    verbose_name = _("Families")

    def ready(self) -> None:
        from kring.family import signals  # noqa: F401 (connects the login of a family account)
