"""The NOS template's text columns are declared once: every text field of the core model has an
English and a Welsh column in both catalogue versions and lifecycle drafts, of the same kind."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import models

from noshub.catalogue.models import NosVersion
from noshub.catalogue.template import NosTemplateText
from noshub.core.model import (
    BODY_SECTIONS,
    HTML_SECTIONS,
    LIST_SECTIONS,
    TEMPLATE_COLUMNS,
    TEXT_SECTIONS,
    WELSH_SECTIONS,
    NosDocument,
    WelshText,
    welsh_column,
)
from noshub.lifecycle.models import Draft

# What the core model's dataclasses say, independently of the section tuples.
WELSH_FIELDS = tuple(f.name for f in dataclasses.fields(WelshText))
TEXT_FIELDS = tuple(name for name in WELSH_FIELDS if name != "keywords")
EXPECTED_COLUMNS = (*TEXT_FIELDS, *(f"{name}_cy" for name in WELSH_FIELDS))


def _template_fields(model: type[models.Model]) -> list[models.Field]:
    names = set(EXPECTED_COLUMNS)
    return [f for f in model._meta.get_fields() if f.name in names]


def test_the_section_tuples_cover_every_text_field_of_the_core_model():
    assert WELSH_SECTIONS == WELSH_FIELDS
    assert TEXT_SECTIONS == TEXT_FIELDS
    assert set(TEXT_SECTIONS) <= {f.name for f in dataclasses.fields(NosDocument)}
    assert ("title", *BODY_SECTIONS) == TEXT_SECTIONS
    assert sorted(BODY_SECTIONS) == sorted((*HTML_SECTIONS, *LIST_SECTIONS))
    assert TEMPLATE_COLUMNS == EXPECTED_COLUMNS
    assert len(TEMPLATE_COLUMNS) == 27


@pytest.mark.parametrize("model", [NosTemplateText, NosVersion, Draft], ids=lambda m: m.__name__)
def test_every_text_field_has_an_english_and_a_welsh_column(model):
    assert [f.name for f in _template_fields(model)] == list(EXPECTED_COLUMNS)


@pytest.mark.parametrize("model", [NosVersion, Draft], ids=lambda m: m.__name__)
def test_the_columns_come_from_the_one_declaration(model):
    assert issubclass(model, NosTemplateText)
    assert NosTemplateText._meta.abstract


def test_versions_and_drafts_declare_the_template_columns_alike():
    def shape(model):
        return {f.name: (f.column, f.verbose_name, *f.deconstruct()[1:]) for f in _template_fields(model)}

    assert shape(NosVersion) == shape(Draft) == shape(NosTemplateText)


def test_each_column_has_the_kind_its_section_needs():
    fields = {f.name: f for f in _template_fields(NosVersion)}
    for name in WELSH_SECTIONS:
        columns = [welsh_column(name)] if name == "keywords" else [name, welsh_column(name)]
        for column in columns:
            field = fields[column]
            if name in LIST_SECTIONS or name == "keywords":
                assert isinstance(field, models.JSONField) and field.default is list, column
            else:
                assert isinstance(field, models.TextField), column
            assert field.blank is (column != "title"), column
            assert not field.null, column


def test_the_draft_admin_shows_the_text_after_the_urn_as_before():
    from django.contrib import admin
    from django.contrib.auth.models import User
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_active=True)
    fields = list(admin.site._registry[Draft].get_fields(request))
    assert fields[:5] == ["project", "action", "standard", "base_version", "urn"]
    assert fields[5:32] == list(TEMPLATE_COLUMNS)
    assert fields[32] == "category"
