from django.apps import AppConfig


class SocConfig(AppConfig):
    name = "noshub.soc"
    verbose_name = "SOC reference data"
