from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "noshub.lifecycle"
    verbose_name = "Lifecycle: development, approval and review of NOS"
