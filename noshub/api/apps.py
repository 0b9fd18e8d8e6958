from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "noshub.api"
    verbose_name = "Public API"
