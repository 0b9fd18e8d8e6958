"""Forms of the lifecycle pages. Lists of statements are edited one a line."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from noshub.core.model import HTML_SECTIONS, LIST_SECTIONS, STATEMENT_PREFIXES, welsh_column
from noshub.lifecycle import rules as lc

from . import display
from .models import Draft

LINES_HELP = _("One a line.")


class GovukForm(forms.Form):
    """A form whose widgets carry the GOV.UK Frontend classes."""

    CLASSES = {
        forms.Textarea: "govuk-textarea",
        forms.Select: "govuk-select",
        forms.RadioSelect: "govuk-radios__input",
        forms.CheckboxInput: "govuk-checkboxes__input",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = next((c for w, c in self.CLASSES.items() if isinstance(widget, w)), "govuk-input")
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()


class ProjectForm(GovukForm):
    title = forms.CharField(max_length=255, label=_("Title"))
    kind = forms.ChoiceField(choices=display.choices("kind"), label=_("Kind"))
    organisation = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Organisation"),
        help_text=_("Administrators choose; developers use their own."),
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Description"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from noshub.catalogue.models import Organisation

        self.fields["organisation"].queryset = Organisation.objects.all()


class ProjectEditForm(GovukForm):
    title = forms.CharField(max_length=255, label=_("Title"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Description"))
    checklist_accepted = forms.BooleanField(required=False, label=_("Checklist accepted"))
    welsh_language = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label=_("Welsh language"))
    consultation_closes = forms.DateTimeField(
        required=False,
        label=_("Consultation closes"),
        help_text=_("YYYY-MM-DD HH:MM"),
        input_formats=["%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )


def nation_part_form(stage: str):
    """Part A fields in the proposal stage, Part B fields in the Part B stage."""
    kind = "part_a" if stage == lc.PROPOSAL else "part_b"
    fields = {
        name: forms.CharField(label=display.label_lazy(kind, name), required=False, widget=forms.Textarea(attrs={"rows": 3}))
        for name in display.TABLES[kind]
    }
    return type("NationPartForm", (GovukForm,), fields)


class ResponseForm(GovukForm):
    response = forms.ChoiceField(choices=display.choices("response"), widget=forms.RadioSelect, label=_("Response"))
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Feedback"), help_text=_("Required unless you approve.")
    )


class NewDraftForm(GovukForm):
    from_urn = forms.CharField(
        required=False, label=_("URN of the existing NOS to revise"), help_text=_("For a new version of an existing NOS.")
    )
    withdraw = forms.BooleanField(required=False, label=_("Withdraw this NOS to legacy instead of revising it"))
    urn = forms.CharField(required=False, label=_("URN of the new NOS"))
    title = forms.CharField(required=False, label=_("Title of the new NOS"))

    def clean(self):
        data = super().clean()
        if not data.get("from_urn") and not (data.get("urn") and data.get("title")):
            raise forms.ValidationError(gettext("Give the URN of an existing NOS, or the URN and title of a new one."))
        return data


def _lines(value) -> str:
    return "\n".join(value or [])


def _statement_lines(value) -> str:
    return "\n".join(i["text"] for i in value or [])


ENGLISH_FIELDS = ("urn", "title", *HTML_SECTIONS, *LIST_SECTIONS)
META_FIELDS = ("category", "relevant_occupations", "suites", "keywords", "indicative_review_date")
WELSH_FORM_FIELDS = tuple(welsh_column(name) for name in ("title", "overview", *LIST_SECTIONS, "keywords"))
STATEMENT_FIELDS = {
    **STATEMENT_PREFIXES,
    **{welsh_column(name): prefix for name, prefix in STATEMENT_PREFIXES.items()},
}
LIST_FIELDS = ("relevant_occupations", "suites", "keywords", "keywords_cy")


def draft_form(draft: Draft, stage: str):
    """The draft form for the stage: every field while drafts may change, Welsh only after that."""
    if stage in lc.DRAFT_EDITABLE_STAGES:
        names = [*ENGLISH_FIELDS, *META_FIELDS, *WELSH_FORM_FIELDS]
        if draft.action != "new":
            names.remove("urn")
    elif stage in lc.WELSH_EDITABLE_STAGES:
        names = list(WELSH_FORM_FIELDS)
    else:
        names = []
    fields = {}
    for name in names:
        base = name.removesuffix("_cy")
        label = display.label_lazy("field", base)
        if name.endswith("_cy"):
            label = _lazy_welsh_label(base)
        if name == "indicative_review_date":
            fields[name] = forms.DateField(required=False, label=label, help_text=_("YYYY-MM-DD"))
        elif name == "category":
            from noshub.catalogue.models import CATEGORY_CHOICES

            fields[name] = forms.ChoiceField(choices=CATEGORY_CHOICES, required=False, label=label)
        elif name in ("urn", "title", "title_cy"):
            fields[name] = forms.CharField(required=name != "title_cy", label=label)
        else:
            rows = 6 if name in STATEMENT_FIELDS or name == "overview" else 3
            help_text = LINES_HELP if name in STATEMENT_FIELDS or name in LIST_FIELDS else ""
            fields[name] = forms.CharField(
                required=False, label=label, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
            )
    form_class = type("DraftForm", (GovukForm,), fields)
    return form_class


def _welsh_label(base: str) -> str:
    """A Welsh text field: its Welsh section name (the NOS system's own), marked as Welsh."""
    from noshub.core.model import SECTION_LABELS

    welsh = SECTION_LABELS.get(base, (base, ""))[1]
    return gettext("%(label)s (Welsh)") % {"label": welsh or display.label("field", base)}


_lazy_welsh_label = lazy(_welsh_label, str)


def draft_initial(draft: Draft, names) -> dict:
    out = {}
    for name in names:
        value = getattr(draft, name)
        if name in STATEMENT_FIELDS:
            value = _statement_lines(value)
        elif name in LIST_FIELDS:
            value = _lines(value)
        out[name] = value
    return out


def draft_values(cleaned: dict) -> dict:
    """Form values as `services.update_draft` takes them."""
    from .services import statements_from_lines

    out = {}
    for name, value in cleaned.items():
        if name in STATEMENT_FIELDS:
            out[name] = statements_from_lines(value, STATEMENT_FIELDS[name])
        elif name in LIST_FIELDS:
            out[name] = [line.strip() for line in (value or "").splitlines() if line.strip()]
        else:
            out[name] = value if value is not None else None
    return out


class CommentForm(GovukForm):
    draft = forms.IntegerField(widget=forms.HiddenInput)
    item_ref = forms.CharField(
        required=False, label=_("Which part (optional)"), help_text=_("For example P3 or K2; leave blank for the whole NOS.")
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label=_("Your comment"), max_length=5000)
    name = forms.CharField(required=False, max_length=120, label=_("Your name (optional)"))
    organisation = forms.CharField(required=False, max_length=200, label=_("Your organisation (optional)"))
    email = forms.EmailField(required=False, label=_("Email (optional, never shown)"))
    website = forms.CharField(required=False, label=_("Leave this blank"))  # honeypot


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(choices=display.choices("decision"), widget=forms.RadioSelect, label=_("Decision"))
    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Response"))
