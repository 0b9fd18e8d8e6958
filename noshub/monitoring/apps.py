from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "noshub.monitoring"
    verbose_name = "Monitoring: usage, measures of success, the annual report"

    def ready(self) -> None:
        from django.core.signals import request_finished

        from .usage import flush_if_due

        # Usage is noted in memory on a request's path and written in one go after responses.
        request_finished.connect(flush_if_due, dispatch_uid="noshub.monitoring.usage.flush_if_due")
