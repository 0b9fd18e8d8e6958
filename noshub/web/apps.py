from django.apps import AppConfig


class WebConfig(AppConfig):
    """The public site: every public page, URL, template and static file (noshub/web/README.md)."""

    name = "noshub.web"
    verbose_name = "NOS Hub public site"
