"""The text of the NOS common template as stored columns, declared once.

`NosTemplateText` is an abstract model with one column per text field of the template and one
per Welsh counterpart, generated from `noshub.core.model`'s section tuples: the title, list
sections as JSON lists of statements, the other sections as HTML, then the same again suffixed
``_cy`` with the Welsh keywords. Catalogue versions (`NosVersion`) and lifecycle drafts
(`lifecycle.Draft`) inherit it, so a section added to the core model reaches both.
"""

from __future__ import annotations

from django.db import models

from noshub.core.model import LIST_SECTIONS, TEXT_SECTIONS, WELSH_SECTIONS, welsh_column


def _column(name: str, *, required: bool = False) -> models.Field:
    if name in LIST_SECTIONS or name == "keywords":
        return models.JSONField(default=list, blank=True)
    return models.TextField(blank=not required)


def template_columns() -> dict[str, models.Field]:
    """A new field for each text column of the template, by column name, English then Welsh."""
    columns = {name: _column(name, required=name == "title") for name in TEXT_SECTIONS}
    columns.update({welsh_column(name): _column(name) for name in WELSH_SECTIONS})
    return columns


class NosTemplateText(models.Model):
    """The template's English and Welsh text (title, overview, statements, scope … keywords_cy)."""

    class Meta:
        abstract = True


def _declare_columns(model: type[models.Model]) -> None:
    for name, field in template_columns().items():
        model.add_to_class(name, field)


_declare_columns(NosTemplateText)
