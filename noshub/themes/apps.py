from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "noshub.themes"
    verbose_name = "Themes: the reach of NOS and the five pan-sector themes"
