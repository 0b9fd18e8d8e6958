from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig as BaseStaticFilesConfig


class WebConfig(AppConfig):
    """The public site: every public page, URL, template and static file (noshub/web/README.md)."""

    name = "noshub.web"
    verbose_name = "NOS Hub public site"


class StaticFilesConfig(BaseStaticFilesConfig):
    """Django's staticfiles, leaving out GOV.UK Frontend's sources (Sass, Nunjucks, fixtures, docs):
    the site serves its compiled CSS and JS only, and each file collected is compressed twice."""

    ignore_patterns = [*BaseStaticFilesConfig.ignore_patterns, "*.scss", "*.njk", "*.md", "*.html", "*.json"]
