from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "noshub.catalogue"
    verbose_name = "NOS catalogue"
