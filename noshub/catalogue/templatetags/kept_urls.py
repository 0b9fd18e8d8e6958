"""`{% url %}` as Django's, its addresses kept: every page's header, menu and footer ask the same
dozen addresses, and a NOS page about twenty, each a `reverse` that matches the URLconf (about
50 µs: a tenth of a NOS page's time once its reads were prepared).

A builtin of the site's templates (`TEMPLATES` in `noshub.settings`), so it stands in for
Django's own tag everywhere, with the same syntax and output: the address of a view name,
arguments (strings and numbers only; any other argument is reversed as before), current app,
script prefix and URLconf is worked out by `reverse` once per process and kept (least recently
used out after 4,096). `tests/web/test_kept_urls.py` renders every `{% url %}` of the site's
templates both ways."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


def _plain(value) -> bool:
    """A string (a template's literal is a SafeString) or a number that is no bool (True == 1 as a key)."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


@lru_cache(maxsize=4096)
def _kept(view_name: str, args: tuple, kwargs: tuple, current_app: str | None, prefix: str, urlconf) -> str:
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


class KeptURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            if isinstance(view_name, str) and all(map(_plain, [*args, *kwargs.values()])):
                url = _kept(
                    view_name, tuple(args), tuple(sorted(kwargs.items())), current_app, get_script_prefix(), get_urlconf()
                )
            else:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's `{% url %}`, parsed by Django, its address kept (`KeptURLNode`)."""
    node = django_url(parser, token)
    return KeptURLNode(node.view_name, node.args, node.kwargs, node.asvar)
