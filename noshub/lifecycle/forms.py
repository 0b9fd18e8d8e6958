"""Forms of the lifecycle pages. Lists of statements are edited one a line."""

from __future__ import annotations

import re

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
        forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
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


def organisation_choices():
    """The organisations a new project may belong to: one per name (spellings with one
    `noshub.core.names.name_key` are one organisation: the spelling most NOS use is offered),
    and never a name with fewer than two letters or digits (the catalogue's stray "x")."""
    from django.db.models import Count

    from noshub.catalogue.models import Organisation
    from noshub.core.names import name_key

    best: dict[str, tuple[int, int, str]] = {}
    for org in Organisation.objects.annotate(n=Count("versions")).order_by("name"):
        key = name_key(org.name)
        if len(key) < 2:
            continue
        if key not in best or org.n > best[key][0]:
            best[key] = (org.n, org.pk, org.name)
    return sorted(((pk, name) for _, pk, name in best.values()), key=lambda c: c[1].lower())


class ProjectForm(GovukForm):
    """A new project. An administrator chooses its organisation; a developer's organisation is
    fixed (its profile's), so the form offers no choice (`fixed_organisation`)."""

    title = forms.CharField(max_length=255, label=_("Title"))
    kind = forms.ChoiceField(choices=display.choices("kind"), label=_("Kind"))
    organisation = forms.TypedChoiceField(choices=(), coerce=int, required=True, label=_("Organisation"))
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("Description"))

    def __init__(self, *args, fixed_organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if fixed_organisation is not None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [("", "")] + organisation_choices()


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


class SignOffForm(GovukForm):
    """The project's sign-offs beyond the nations, and its steering group's members."""

    sign_offs = forms.MultipleChoiceField(
        choices=display.choices("sign_off"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label=_("Sign-offs beyond the four nations"),
        help_text=_("The steering group approves the drafts for consultation and the final NOS; the panel the final NOS."),
    )
    steering_group = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label=_("Steering group members"),
        help_text=_("User names, one a line, of people with the steering group role."),
    )


class EventForm(GovukForm):
    """A consultation event, recorded beside the online responses."""

    name = forms.CharField(max_length=200, label=_("Name of the event"))
    kind = forms.ChoiceField(choices=display.choices("event_kind"), label=_("Kind of event"))
    held_on = forms.DateField(label=_("Held on"), help_text=_("YYYY-MM-DD"))
    nation = forms.ChoiceField(
        choices=[("", _("UK-wide"))] + display.choices("nation"), required=False, label=_("Nation where it was held")
    )
    attendees = forms.IntegerField(min_value=1, max_value=100_000, label=_("People who took part"))
    organisations = forms.IntegerField(min_value=0, max_value=100_000, required=False, label=_("Organisations they came from"))
    sectors = forms.CharField(max_length=300, required=False, label=_("Sectors"))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, label=_("What was said, in short"))


class ReasonForm(GovukForm):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Reason"))


class WithdrawForm(ReasonForm):
    confirm = forms.BooleanField(required=False, label=_("I confirm these NOS become legacy"))


class ConsentForm(GovukForm):
    urn = forms.CharField(label=_("URN of your organisation's NOS"))
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("How and when your organisation consented"))


class ResponseForm(GovukForm):
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
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
META_FIELDS = (
    "category",
    "status",
    "original_urn",
    "soc_codes",
    "relevant_occupations",
    "suites",
    "keywords",
    "indicative_review_date",
)
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
        elif name == "status":
            from noshub.catalogue.models import STATUS_CHOICES

            fields[name] = forms.ChoiceField(choices=STATUS_CHOICES, required=False, label=label)
        elif name == "original_urn":
            fields[name] = forms.CharField(required=False, label=label)
        elif name == "soc_codes":
            fields[name] = forms.CharField(
                required=False,
                label=label,
                help_text=_("One a line: a SOC 2020 code (1139), or “SOC 2010 1139” for an older code."),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        elif name in ("urn", "title", "title_cy"):
            fields[name] = forms.CharField(required=name != "title_cy", label=label)
        else:
            rows = 6 if name in STATEMENT_FIELDS or name == "overview" else 3
            help_text = LINES_HELP if name in STATEMENT_FIELDS or name in LIST_FIELDS else ""
            fields[name] = forms.CharField(
                required=False, label=label, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
            )
    if "soc_codes" in fields:
        fields["clean_soc_codes"] = lambda self: soc_codes_from_lines(self.cleaned_data.get("soc_codes", ""))
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
        elif name == "soc_codes":
            value = "\n".join(
                c["code"] if c.get("classification") == "2020" else f"SOC {c.get('classification', '2010')} {c['code']}"
                for c in value or []
            )
        out[name] = value
    return out


_SOC_LINE = re.compile(r"^(?:SOC\s*(2010|2020)\s*)?(\d{4})$", re.IGNORECASE)


def soc_codes_from_lines(text: str) -> list[dict]:
    """SOC codes one a line: "1139" (SOC 2020) or "SOC 2010 1139"; raises ValidationError on anything else."""
    out = []
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        m = _SOC_LINE.match(line)
        if not m:
            raise forms.ValidationError(
                gettext("“%(line)s” is not a SOC code: write four digits, such as 1139.") % {"line": line}
            )
        code = {"code": m.group(2), "classification": m.group(1) or "2020"}
        if code not in out:
            out.append(code)
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
        elif name == "soc_codes":
            out[name] = value if isinstance(value, list) else soc_codes_from_lines(value)
        else:
            out[name] = value if value is not None else None
    return out


class CommentForm(GovukForm):
    draft = forms.IntegerField(widget=forms.HiddenInput)
    item_ref = forms.CharField(
        required=False, label=_("Which part (optional)"), help_text=_("For example P3 or K2; leave blank for the whole NOS.")
    )
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label=_("Your comment"), max_length=5000, required=False)
    respondent_nation = forms.ChoiceField(choices=[("", "")] + display.choices("nation"), required=False)
    sector = forms.CharField(required=False, max_length=200)
    organisation_size = forms.ChoiceField(
        choices=[("", ""), ("micro", "micro"), ("small", "small"), ("medium", "medium"), ("large", "large")], required=False
    )
    name = forms.CharField(required=False, max_length=120, label=_("Your name (optional)"))
    organisation = forms.CharField(required=False, max_length=200, label=_("Your organisation (optional)"))
    email = forms.EmailField(required=False, label=_("Email (optional, never shown)"))
    website = forms.CharField(required=False, label=_("Leave this blank"))  # honeypot


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(choices=display.choices("decision"), widget=forms.RadioSelect, label=_("Decision"))
    response = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("Response"))
