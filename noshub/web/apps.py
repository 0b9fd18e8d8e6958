from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class WebConfig(AppConfig):
    """The public site: every public page, URL, template and static file (noshub/web/README.md)."""

    name = "noshub.web"
    verbose_name = "NOS Hub public site"


class StaticFilesConfig(BaseStaticFilesConfig):
    """Django's staticfiles, leaving out GOV.UK Frontend's sources (Sass, Nunjucks, fixtures, docs):
    the site serves its compiled CSS and JS only, and each file collected is compressed twice."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "*.scss", "*.njk", "*.md", "*.html", "*.json"]


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose site also lets NOS Hub's administrator role in (noshub/web/admin_site.py).
    Named in settings.INSTALLED_APPS; not this app's own configuration (that is WebConfig)."""

    default = False
    default_site = "noshub.web.admin_site.AdminSite"
