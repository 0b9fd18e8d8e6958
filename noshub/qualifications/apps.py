from django.apps import AppConfig


class QualificationsConfig(AppConfig):
    name = "noshub.qualifications"
    verbose_name = "Qualifications: units linked to NOS, reuse and change alerts"

    def ready(self) -> None:
        from noshub.catalogue.signals import standards_changed

        from .alerts import on_standards_changed

        standards_changed.connect(on_standards_changed, dispatch_uid="qualifications-alerts", weak=False)
