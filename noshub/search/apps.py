from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "noshub.search"
    verbose_name = "Search"
