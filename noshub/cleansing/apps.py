from django.apps import AppConfig


class CleansingConfig(AppConfig):
    name = "noshub.cleansing"
    verbose_name = "Cleansing: duplicates and metadata quality"
