from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "noshub.frameworks"
    verbose_name = "Frameworks: other occupational standards systems mapped on SOC 2020"
