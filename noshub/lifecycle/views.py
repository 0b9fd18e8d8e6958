"""Pages of the lifecycle. The pages that show something are page views (`noshub.pages`): the
same view serves the HTML and, at its ``.json`` URL, the context the HTML is rendered from.

Every page works without JavaScript; every form posts with a CSRF token; every write goes
through `services`, which checks the role. A rule that stops an action (a stage that is not
ready, a closed consultation) is shown on the page with status 400 (429 for too many comments).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from noshub.core.errors import NosHubError
from noshub.lifecycle import rules as lc
from noshub.pages import Page, page_view
from noshub.pages.errors import describe, json_error
from noshub.pages.jsonbody import request_data

from . import display, services
from . import forms as f
from . import permissions as perms
from .messages import Reason
from .models import Comment, Draft, Project
from .reviews import DEFAULT_WITHIN_DAYS, review_due
from .schemas import ADVANCE, COMMENT, RESPOND

JSON = {"json_dumps_params": {"ensure_ascii": False}}


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "")


def _project(request: HttpRequest, pk: int, action: str = perms.VIEW_PROJECT) -> Project:
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=pk)
    perms.require(request.user, action, project)
    return project


def _stage_error(request: HttpRequest, project: Project | None, reasons: list[str], status: int = 400) -> HttpResponse:
    # The rules' reasons are English (as the JSON API gives them); the page shows them translated.
    reasons = display.messages(reasons)
    return render(request, "lifecycle/not_allowed.html", {"project": project, "reasons": reasons}, status=status)


def _context(request: HttpRequest, project: Project | None = None, **extra) -> dict:
    user = request.user
    ctx = {
        "project": project,
        "roles": sorted(perms.roles(user)),
        "can_edit": project is not None and perms.can(user, perms.EDIT_PROJECT, project),
        "can_moderate": project is not None and perms.can(user, perms.MODERATE, project),
        "can_respond": project is not None and perms.can(user, perms.RESPOND, project),
        "my_nation": perms.nation(user),
        "nation_labels": display.labels("nation"),
        "response_labels": display.labels("response"),
        "approval_labels": display.labels("approval"),
        "stage_labels": display.labels("stage"),
    }
    ctx.update(extra)
    return ctx


def _page_context(request: HttpRequest, project: Project | None = None) -> dict:
    """What a page view adds about the reader, JSON-ready: their own roles (the menu shows the
    audit log to administrators) and, on a project's pages, what they may do there."""
    user = request.user
    ctx = {"roles": sorted(perms.roles(user))}
    if project is not None:
        ctx |= {
            "can_edit": perms.can(user, perms.EDIT_PROJECT, project),
            "can_moderate": perms.can(user, perms.MODERATE, project),
            "can_respond": perms.can(user, perms.RESPOND, project),
        }
    return ctx


def _project_caption(project: Project) -> dict:
    """The project a page belongs to, as its caption shows it."""
    return {"id": project.pk, "title": project.title, "stage": project.stage}


# -- projects -----------------------------------------------------------------------------------


def _project_rows(request: HttpRequest) -> dict:
    visible = perms.visible_projects(request.user, Project.objects.select_related("organisation"))
    consultations = [
        p for p in Project.objects.filter(stage=lc.CONSULTATION).select_related("organisation") if services.consultation_open(p)
    ]
    held = perms.roles(request.user)
    mine = [perms.nation(request.user)] if perms.REVIEWER in held and perms.nation(request.user) else []
    mine += [lc.STEERING_GROUP] if perms.STEERING_MEMBER in held else []
    mine += [lc.PANEL] if perms.PANEL_MEMBER in held else []
    active = visible.exclude(stage__in=[lc.PUBLISHED, lc.WITHDRAWN, lc.ABANDONED])
    waiting = [
        (p, responder) for responder in mine for p in services.waiting_for(responder, active, user=request.user)
    ]
    withdrawals = services.pending_withdrawals(request.user, visible)
    return {
        "projects": [
            {"id": p.pk, "title": p.title, "organisation": p.organisation.name, "stage": p.stage, "stage_label": p.stage_label}
            for p in visible
        ],
        # a nation's approvers: the approvals waiting for their response
        "waiting_for_you": [
            {"id": p.pk, "title": p.title, "stage": p.stage, "responder": responder} for p, responder in waiting
        ],
        # an administrator's: withdrawals to legacy waiting for approval (not their own requests)
        "withdrawals_waiting": [
            {
                "id": p.pk,
                "title": p.title,
                "organisation": p.organisation.name,
                "requested_by": p.withdrawal_requested_by.get_username() if p.withdrawal_requested_by else "",
                "requested_at": p.withdrawal_requested_at.isoformat(),
                "reason": p.withdrawal_reason,
            }
            for p in withdrawals
        ],
        "open_consultations": [
            {"id": p.pk, "title": p.title, "organisation": p.organisation.name, "closes": p.consultation_closes.isoformat()}
            for p in consultations
        ],
    }


@require_safe
@page_view
def project_list(request: HttpRequest) -> Page:
    """The projects the reader may see and the open consultations; twin /lifecycle/projects.json."""
    can_create = bool(perms.roles(request.user) & {perms.DEVELOPER, perms.ADMINISTRATOR})
    return Page("lifecycle/project_list.html", {**_project_rows(request), **_page_context(request), "can_create": can_create})


@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    """A new project: an administrator chooses its organisation; a developer's is its own, shown
    and not offered as a choice."""
    from noshub.catalogue.models import Organisation

    held = perms.roles(request.user)
    if not held & {perms.DEVELOPER, perms.ADMINISTRATOR}:
        raise PermissionDenied("Only standards developers and administrators start projects.")
    fixed = None
    if perms.ADMINISTRATOR not in held:
        profile = perms.profile(request.user)
        fixed = profile.organisation if profile else None
        if fixed is None:
            return _stage_error(request, None, [_("Your profile names no organisation: ask an administrator to set it.")], 403)
    form = f.ProjectForm(request.POST or None, fixed_organisation=fixed)
    if request.method == "POST" and form.is_valid():
        organisation = fixed or Organisation.objects.get(pk=form.cleaned_data["organisation"])
        project = services.create_project(
            request.user,
            title=form.cleaned_data["title"],
            organisation=organisation,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
        )
        return redirect("lifecycle:project", pk=project.pk)
    lead = _("For %(organisation)s.") % {"organisation": fixed.name} if fixed else ""
    return render(
        request,
        "lifecycle/form.html",
        _context(request, form=form, heading=_("Start a NOS project"), submit=_("Start project"), lead=lead),
    )


@require_safe
@page_view
def project_detail(request: HttpRequest, pk: int) -> Page:
    """A project: its stage, nations, approvals, NOS, consultation and changes; twin
    /lifecycle/projects/<pk>.json (the project and its last 50 audit entries)."""
    project = _project(request, pk)
    data = services.project_dict(project) | {"audit": services.audit_entries(project, limit=50)}
    # Stored values only: the template shows their labels in the page's language, so the twin
    # is the same in English and Welsh.
    responses = {(a["approval"], a["nation"]): a for a in data["approvals"]}
    approval_tables = [
        {"approval": approval, "rows": [{"nation": n, "r": responses.get((approval, n))} for n in who]}
        for approval in lc.APPROVAL_LABELS
        if (who := lc.responders(approval, project.sign_offs))
    ]
    part = "part_a" if project.stage == lc.PROPOSAL else "part_b"
    part_fields = list(display.TABLES[part])
    nation_rows = [
        {"nation": n, "values": [data["nations"].get(n, {}).get(name, "") for name in part_fields]} for n in lc.NATIONS
    ]
    return Page(
        "lifecycle/project.html",
        {
            **data,
            **_page_context(request, project),
            "approval_tables": approval_tables,
            "stages": list(lc.STAGES),
            "can_send_back": project.stage in lc.SEND_BACK_STAGES,
            "can_decide_withdrawal": project.withdrawal_pending
            and perms.can(request.user, perms.APPROVE_WITHDRAWAL, project)
            and project.withdrawal_requested_by_id != request.user.pk,
            "part": part,
            "part_fields": part_fields,
            "nation_rows": nation_rows,
        },
    )


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, perms.EDIT_PROJECT)
    initial = {n: getattr(project, n) for n in services.PROJECT_FIELDS}
    form = f.ProjectEditForm(request.POST or None, initial=initial)
    # the sign-offs are settled before the consultation: their fields are offered until then
    sign_off_initial = {
        "sign_offs": list(project.sign_offs),
        "steering_group": "\n".join(sorted(project.steering_group.values_list("username", flat=True))),
    }
    sign_off_form = (
        f.SignOffForm(request.POST or None, initial=sign_off_initial, prefix="so")
        if project.stage in services.SIGN_OFF_STAGES
        else None
    )
    forms_valid = form.is_valid() and (sign_off_form is None or sign_off_form.is_valid())
    if request.method == "POST" and forms_valid:
        changed = {k: v for k, v in form.cleaned_data.items() if v != initial.get(k)}
        try:
            if changed:
                services.update_project(request.user, project, **changed)
            if sign_off_form is not None and sign_off_form.has_changed():
                d = sign_off_form.cleaned_data
                services.set_sign_offs(request.user, project, d["sign_offs"], d["steering_group"].splitlines())
        except lc.StageError as exc:
            return _stage_error(request, project, exc.reasons)
        return redirect("lifecycle:project", pk=project.pk)
    return render(
        request,
        "lifecycle/form.html",
        _context(
            request,
            project,
            form=form,
            extra_form=sign_off_form,
            heading=_("Change “%(title)s”") % {"title": project.title},
            submit=_("Save"),
        ),
    )


@require_http_methods(["GET", "POST"])
def nation_part(request: HttpRequest, pk: int, nation: str) -> HttpResponse:
    project = _project(request, pk, perms.EDIT_PROJECT)
    if nation not in lc.NATIONS:
        raise Http404("No such nation")
    if project.stage not in (lc.PROPOSAL, lc.PART_B):
        return _stage_error(request, project, [_("Part A and Part B can only be changed in their own stages.")])
    part = project.nation_parts.get(nation=nation)
    form_class = f.nation_part_form(project.stage)
    initial = {name: getattr(part, name) for name in form_class.base_fields}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_nation_part(request.user, project, nation, **form.cleaned_data)
        except lc.StageError as exc:
            return _stage_error(request, project, exc.reasons)
        return redirect("lifecycle:project", pk=project.pk)
    part_name = _("Part A") if project.stage == lc.PROPOSAL else _("Part B")
    heading = _("%(part)s: %(nation)s") % {"part": part_name, "nation": display.label("nation", nation)}
    return render(request, "lifecycle/form.html", _context(request, project, form=form, heading=heading, submit=_("Save")))


@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    """A nation's response: the form shows the text being approved and carries its fingerprint,
    so a response to text that changed while it was read is refused."""
    project = get_object_or_404(Project, pk=pk)
    approval = lc.open_approval(project.stage, project.sign_offs)
    # for whom: ?as= (a nation or a sign-off the person holds), else the first of theirs that is asked
    mine = perms.responds_for(request.user, project)
    asked = [r for r in mine if r in lc.responders(approval, project.sign_offs)]
    nation = request.GET.get("as") or (asked or mine or ["-"])[0]
    perms.require(request.user, perms.RESPOND, project, for_nation=nation)
    if approval is None or nation not in lc.responders(approval, project.sign_offs):
        reason = _("There is no approval open for %(nation)s in %(stage)s.") % {
            "nation": display.label("responder", nation),
            "stage": display.label("stage", project.stage),
        }
        return _stage_error(request, project, [reason])
    text = services.approval_text(project, approval)
    fingerprint = services.fingerprint_of(text)
    form = f.ResponseForm(request.POST or None, initial={"seen": fingerprint})
    if request.method == "POST" and form.is_valid():
        try:
            services.respond(
                request.user,
                project,
                nation,
                form.cleaned_data["response"],
                form.cleaned_data["feedback"],
                seen=form.cleaned_data["seen"],
            )
        except lc.StageError as exc:
            form.add_error(None, " ".join(display.messages(exc.reasons)))
        else:
            return redirect("lifecycle:project", pk=project.pk)
    heading = _("%(approval)s approval: %(nation)s's response") % {
        "approval": display.label("approval", approval),
        "nation": display.label("responder", nation),
    }
    history = project.approvals.filter(approval=approval, nation=nation).select_related("responded_by").order_by("-id")
    return render(
        request,
        "lifecycle/respond.html",
        _context(
            request,
            project,
            form=form,
            heading=heading,
            submit=_("Send response"),
            approval=approval,
            approving_parts=text if isinstance(text, dict) else None,
            approving_drafts=[_approving(d, approval == lc.WELSH) for d in text] if isinstance(text, list) else None,
            fingerprint=fingerprint,
            history=history,
            part_fields=list(lc.PART_A_FIELDS if approval == lc.PART_A else lc.PART_B_FIELDS),
        ),
    )


def _approving(d: dict, welsh: bool) -> dict:
    """One draft as the response form shows it: its English text, or its Welsh for the Welsh NOS."""
    suffix = "_cy" if welsh else ""
    return {
        "urn": d["urn"],
        "title": d.get("title" + suffix, ""),
        "overview": d.get("overview" + suffix, ""),
        "performance_criteria": d.get("performance_criteria" + suffix) or [],
        "knowledge_and_understanding": d.get("knowledge_and_understanding" + suffix) or [],
        "lang": "cy" if welsh else "en",
    }


@require_POST
def advance(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, perms.EDIT_PROJECT)
    try:
        services.advance(request.user, project, to_stage=request.POST.get("to_stage") or None)
    except lc.StageError as exc:
        return _stage_error(request, project, exc.reasons)
    return redirect("lifecycle:project", pk=project.pk)


@require_POST
def send_back(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, perms.EDIT_PROJECT)
    try:
        services.send_back(request.user, project, request.POST.get("reason", ""))
    except lc.StageError as exc:
        return _stage_error(request, project, exc.reasons)
    return redirect("lifecycle:project", pk=project.pk)


def _closing_form(request: HttpRequest, project: Project, form, act, heading: str, lead: str, submit: str) -> HttpResponse:
    """A confirmed, reasoned step that closes a project (abandon, withdraw): the form, or `act`
    (the service call) once it is valid, then back to the project."""
    if request.method == "POST" and form.is_valid():
        try:
            act(form.cleaned_data)
        except lc.StageError as exc:
            return _stage_error(request, project, exc.reasons)
        return redirect("lifecycle:project", pk=project.pk)
    return render(
        request,
        "lifecycle/form.html",
        _context(request, project, form=form, heading=heading, lead=lead, submit=submit, warning=True),
    )


@require_http_methods(["GET", "POST"])
def abandon(request: HttpRequest, pk: int) -> HttpResponse:
    """Abandon a project before publishing: a reason is required."""
    project = _project(request, pk, perms.EDIT_PROJECT)
    return _closing_form(
        request,
        project,
        f.ReasonForm(request.POST or None),
        lambda data: services.abandon(request.user, project, data["reason"]),
        heading=_("Abandon “%(title)s”") % {"title": project.title},
        lead=_("The project stops for good; its drafts and history are kept."),
        submit=_("Abandon the project"),
    )


@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a published project's NOS to be withdrawn to legacy: confirmed, with a reason, by
    the owner; an administrator approves or refuses (`withdrawal_approve`, `withdrawal_refuse`)."""
    project = _project(request, pk, perms.EDIT_PROJECT)
    urns = ", ".join(project.drafts.exclude(standard=None).values_list("urn", flat=True))
    return _closing_form(
        request,
        project,
        f.WithdrawForm(request.POST or None),
        lambda data: services.request_withdrawal(request.user, project, data["reason"], confirmed=data["confirm"]),
        heading=_("Ask to withdraw the NOS of “%(title)s” to legacy") % {"title": project.title},
        lead=_("These NOS become legacy once an administrator approves: %(urns)s.") % {"urns": urns},
        submit=_("Ask for withdrawal to legacy"),
    )


@require_POST
def withdrawal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator (not the one who asked) approves the withdrawal: the NOS become legacy."""
    project = _project(request, pk)
    try:
        services.approve_withdrawal(request.user, project)
    except lc.StageError as exc:
        return _stage_error(request, project, exc.reasons)
    return redirect("lifecycle:project", pk=project.pk)


@require_http_methods(["GET", "POST"])
def withdrawal_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator (not the one who asked) refuses the withdrawal, with a reason."""
    project = _project(request, pk)
    perms.require(request.user, perms.APPROVE_WITHDRAWAL, project)
    return _closing_form(
        request,
        project,
        f.ReasonForm(request.POST or None),
        lambda data: services.refuse_withdrawal(request.user, project, data["reason"]),
        heading=_("Refuse the withdrawal of “%(title)s” to legacy") % {"title": project.title},
        lead=_("The request is closed and the NOS stay current."),
        submit=_("Refuse the withdrawal"),
    )


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    """The owning organisation consents to this project revising one of its NOS. The owner's
    developer may not see the project itself: the page names only its title and organisation."""
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=pk)
    if not perms.roles(request.user) & {perms.DEVELOPER, perms.ADMINISTRATOR}:
        raise PermissionDenied("Only a NOS's owner may consent.")
    form = f.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_consent(request.user, project, form.cleaned_data["urn"], form.cleaned_data["note"])
        except lc.StageError as exc:
            form.add_error(None, " ".join(display.messages(exc.reasons)))
        else:
            return redirect("lifecycle:home")
    return render(
        request,
        "lifecycle/form.html",
        _context(
            request,
            None,
            form=form,
            heading=_("Consent to “%(title)s” (%(organisation)s) revising your NOS")
            % {"title": project.title, "organisation": project.organisation.name},
            submit=_("Record consent"),
        ),
    )


# -- drafts -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def draft_new(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, perms.EDIT_PROJECT)
    form = f.NewDraftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            draft = services.add_draft(
                request.user,
                project,
                urn=d["urn"],
                title=d["title"],
                from_urn=d["from_urn"],
                action="withdraw" if d["withdraw"] and d["from_urn"] else "",
            )
        except lc.StageError as exc:
            form.add_error(None, " ".join(display.messages(exc.reasons)))
        else:
            return redirect("lifecycle:draft", pk=draft.pk)
    return render(
        request,
        "lifecycle/form.html",
        _context(request, project, form=form, heading=_("Add a NOS to the project"), submit=_("Add")),
    )


def _draft(request: HttpRequest, pk: int, action: str = perms.VIEW_PROJECT) -> Draft:
    draft = get_object_or_404(Draft.objects.select_related("project__organisation", "standard", "base_version"), pk=pk)
    perms.require(request.user, action, draft.project)
    return draft


@require_safe
@page_view
def draft_detail(request: HttpRequest, pk: int) -> Page:
    """A draft NOS with its quality checks and its changes from the version it started from;
    twin /lifecycle/drafts/<pk>.json."""
    draft = _draft(request, pk)
    return Page(
        "lifecycle/draft.html",
        {
            **services.draft_dict(draft),
            "diff_from_base": services.draft_diff(draft),
            # the NOS it revises or tailors; its function on a functional map (and the chooser's functions)
            "links": services.draft_links(draft),
            "map_functions": services.map_functions() if perms.can(request.user, perms.EDIT_PROJECT, draft.project) else [],
            # The date itself, which the page shows in its language; its JSON form is the ISO date.
            "indicative_review_date": draft.indicative_review_date,
            **_page_context(request, draft.project),
            "project_caption": _project_caption(draft.project),
        },
    )


@require_http_methods(["GET", "POST"])
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk, perms.EDIT_PROJECT)
    project = draft.project
    form_class = f.draft_form(draft, project.stage)
    if not form_class.base_fields:
        return _stage_error(request, project, [Reason("drafts_frozen", stage=project.stage)])  # _stage_error translates it
    initial = f.draft_initial(draft, form_class.base_fields)
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(request.user, draft, **f.draft_values(form.cleaned_data))
        except lc.StageError as exc:
            form.add_error(None, " ".join(display.messages(exc.reasons)))
        else:
            return redirect("lifecycle:draft", pk=draft.pk)
    return render(
        request,
        "lifecycle/form.html",
        _context(request, project, form=form, heading=_("Change draft %(urn)s") % {"urn": draft.urn}, submit=_("Save draft")),
    )


@require_POST
def draft_justify(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk, perms.EDIT_PROJECT)
    try:
        services.justify_duplicate(request.user, draft, request.POST.get("justification", ""))
    except lc.StageError as exc:
        return _stage_error(request, draft.project, exc.reasons)
    return redirect("lifecycle:draft", pk=draft.pk)


@require_POST
def draft_place(request: HttpRequest, pk: int) -> HttpResponse:
    """Place the draft on a function of a functional map (an empty choice takes it off)."""
    draft = _draft(request, pk, perms.EDIT_PROJECT)
    raw = request.POST.get("map_node", "").strip()
    try:
        services.place_draft(request.user, draft, int(raw) if raw else None)
    except ValueError:
        return _stage_error(request, draft.project, [_("Choose a function of a functional map.")])
    except lc.StageError as exc:
        return _stage_error(request, draft.project, exc.reasons)
    return redirect("lifecycle:draft", pk=draft.pk)


@require_POST
def draft_remove(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk, perms.EDIT_PROJECT)
    try:
        services.remove_draft(request.user, draft)
    except lc.StageError as exc:
        return _stage_error(request, draft.project, exc.reasons)
    return redirect("lifecycle:project", pk=draft.project_id)


# -- consultation -------------------------------------------------------------------------------


def _consultation(project: Project, typed: dict | None = None) -> dict:
    """The consultation as consulted: each NOS's text frozen when the consultation opened.
    `typed` ({draft id: {item: text}}) is what a refused submission held, shown again."""
    typed = typed or {}
    return {
        "nations": list(lc.NATIONS),
        "id": project.pk,
        "title": project.title,
        "organisation": project.organisation.name,
        "open": services.consultation_open(project),
        "opens": project.consultation_opens.isoformat() if project.consultation_opens else None,
        "closes": project.consultation_closes.isoformat() if project.consultation_closes else None,
        "drafts": [
            {
                "id": d.pk,
                **{
                    k: v
                    for k, v in services.consulted_text(d).items()
                    if k != "performance_criteria" and k != "knowledge_and_understanding"
                },
                "performance_criteria": _typed_items(services.consulted_text(d)["performance_criteria"], typed.get(d.pk, {})),
                "knowledge_and_understanding": _typed_items(
                    services.consulted_text(d)["knowledge_and_understanding"], typed.get(d.pk, {})
                ),
                "changes": services.changes_from_current(d),
                "typed_whole": typed.get(d.pk, {}).get("", ""),
                "typed_any": bool(typed.get(d.pk)),
            }
            for d in project.drafts.exclude(action="withdraw").select_related("base_version")
        ],
        "comments": [
            {
                "urn": g["draft"].urn,
                "item": g["item_ref"] or "whole NOS",
                "item_text": g["item_text"],
                "count": g["counts"]["published"],
                "comments": [
                    {
                        "name": c.name or "Anonymous",
                        "organisation": c.organisation,
                        "text": c.text,
                        "decision": c.decision,
                        "response": c.response,
                    }
                    for c in g["comments"]
                ],
            }
            for g in services.comments_by_item(project, published_only=True)
        ],
    }


def _typed_items(items: list[dict], typed: dict) -> list[dict]:
    return [{"ref": i["ref"], "text": i["text"], **({"typed": typed[i["ref"]]} if typed.get(i["ref"]) else {})} for i in items]


def _public_project(pk: int) -> Project:
    project = get_object_or_404(Project.objects.select_related("organisation"), pk=pk)
    if project.consultation_opens is None:
        raise Http404("This project has not been out to consultation.")
    return project


@require_http_methods(["GET", "HEAD", "POST"])
@page_view
def consultation(request: HttpRequest, pk: int) -> HttpResponse | Page:
    """The public consultation page: the drafts, a comment form while open, and published
    comments; twin /lifecycle/projects/<pk>/consultation.json. A comment is posted to the HTML
    page, which shows the form again with what went wrong, or its thanks."""
    allowed = ["GET", "HEAD"] if request.path.endswith(".json") else ["GET", "POST"]  # as the two URLs always did
    if request.method not in allowed:
        return HttpResponseNotAllowed(allowed)
    project = _public_project(pk)
    if request.method != "POST":
        return Page("lifecycle/consultation.html", {**_consultation(project), **_page_context(request), "sent": False})
    form = f.CommentForm(request.POST)
    status, sent = 200, False
    typed = {}
    if form.is_valid():
        d = form.cleaned_data
        draft = project.drafts.filter(pk=d["draft"]).first()
        # one item (item_ref + text), and/or one box per statement: comment_<ref>, comment_ for the whole NOS
        items = [(d["item_ref"], d["text"])] + [
            (key.removeprefix("comment_"), value) for key, value in request.POST.items() if key.startswith("comment_")
        ]
        typed = {d["draft"]: {ref: text for ref, text in items if text}}
        try:
            if draft is None:
                raise services.CommentRejected(Reason("draft_not_consulted"))
            services.submit_comments(
                project,
                draft,
                items=items,
                name=d["name"],
                organisation=d["organisation"],
                email=d["email"],
                ip=_client_ip(request),
                honeypot=d["website"],
                user=request.user,
                respondent_nation=d["respondent_nation"],
                sector=d["sector"],
                organisation_size=d["organisation_size"],
            )
        except services.CommentRejected as exc:
            form.add_error(None, display.message(exc.reason))
            status = exc.status  # 429 for too many submissions, else 400; what was typed is shown again
        else:
            sent, typed = True, {}
            form = f.CommentForm()
    else:
        status = 400
    context = {**_consultation(project, typed), **_page_context(request), "sent": sent, "form": form}
    return render(request, "lifecycle/consultation.html", context, status=status)


def _comment_groups(project: Project) -> list[dict]:
    return [
        {
            "urn": g["draft"].urn,
            "draft": g["draft"].pk,
            "item": g["item_ref"],
            "item_text": g["item_text"],
            "counts": g["counts"],
            "comments": [
                {
                    "id": c.pk,
                    "name": c.name,
                    "organisation": c.organisation,
                    "text": c.text,
                    "received": c.created_at.isoformat(),
                    "moderation": c.moderation,
                    "decision": c.decision,
                    "response": c.response,
                }
                for c in g["comments"]
            ],
        }
        for g in services.comments_by_item(project)
    ]


@require_safe
@page_view
def comments(request: HttpRequest, pk: int) -> Page:
    """The developer's view: every comment grouped by NOS and item, with counts; twin
    /lifecycle/projects/<pk>/comments.json."""
    project = _project(request, pk, perms.VIEW_COMMENTS)
    decisions = ["accepted", "rejected", "noted"]  # shown by their labels in the page's language
    return Page(
        "lifecycle/comments.html",
        {
            "project": project.pk,
            "groups": _comment_groups(project),
            "coverage": services.consultation_coverage(project),
            "events": [services.event_dict(e) for e in project.events.all()],
            **_page_context(request, project),
            "project_caption": _project_caption(project),
            "decisions": decisions,
        },
    )


@require_safe
def comments_csv(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk, perms.MODERATE)
    response = HttpResponse(services.comments_csv(request.user, project), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="project-{project.pk}-comments.csv"'
    return response


@require_POST
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("project", "draft"), pk=pk)
    outcome = request.POST.get("outcome", "")
    if outcome not in ("published", "rejected"):
        return _stage_error(request, comment.project, [_("Choose publish or reject.")])
    services.moderate_comment(request.user, comment, outcome)
    return redirect("lifecycle:comments", pk=comment.project_id)


@require_POST
def comments_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish or reject many comments at once: the ticked ones (`ids`)."""
    project = _project(request, pk, perms.MODERATE)
    outcome = request.POST.get("outcome", "")
    if outcome not in ("published", "rejected"):
        return _stage_error(request, project, [_("Choose publish or reject.")])
    try:
        ids = [int(i) for i in request.POST.getlist("ids")]
    except ValueError:
        return _stage_error(request, project, [_("Choose the comments.")])
    services.moderate_comments(request.user, project, ids, outcome)
    return redirect("lifecycle:comments", pk=project.pk)


@require_POST
def comment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("project", "draft"), pk=pk)
    perms.require(request.user, perms.MODERATE, comment.project)
    form = f.DecisionForm(request.POST)
    if not form.is_valid():
        return _stage_error(request, comment.project, [_("Choose accepted, rejected or noted, and write a response.")])
    try:
        services.decide_comment(request.user, comment, form.cleaned_data["decision"], form.cleaned_data["response"])
    except lc.StageError as exc:
        return _stage_error(request, comment.project, exc.reasons)
    return redirect("lifecycle:comments", pk=comment.project_id)


@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a consultation event (a workshop, a meeting …) beside the online responses."""
    project = _project(request, pk, perms.MODERATE)
    form = f.EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_event(request.user, project, **form.cleaned_data)
        except lc.StageError as exc:
            form.add_error(None, " ".join(display.messages(exc.reasons)))
        else:
            return redirect("lifecycle:comments", pk=project.pk)
    return render(
        request,
        "lifecycle/form.html",
        _context(request, project, form=form, heading=_("Record a consultation event"), submit=_("Record the event")),
    )


@require_safe
@page_view
def consultation_report(request: HttpRequest, pk: int) -> Page:
    """The consultation report for the approvers: coverage by nation, sector and size of
    organisation, events, every published comment with its decision and response, and what
    changed since; twin /lifecycle/projects/<pk>/consultation-report.json."""
    project = _project(request, pk, perms.VIEW_COMMENTS)
    return Page(
        "lifecycle/consultation_report.html",
        {
            **services.consultation_report(project),
            **_page_context(request, project),
            "project_caption": _project_caption(project),
        },
    )


@require_safe
def consultation_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The report's comments and decisions as a spreadsheet (formula cells neutralised)."""
    import io

    from noshub.core.spreadsheet import SafeWriter

    project = _project(request, pk, perms.VIEW_COMMENTS)
    report = services.consultation_report(project)
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(["urn", "item", "item_text", "name", "organisation", "nation", "sector", "organisation_size", "comment", "decision", "response"])
    for item in report["items"]:
        for c in item["comments"]:
            writer.writerow(
                [item["urn"], item["item"] or "whole NOS", item["item_text"], c["name"], c["organisation"], c["nation"],
                 c["sector"], c["organisation_size"], c["text"], c["decision"], c["response"]]
            )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="project-{project.pk}-consultation-report.csv"'
    return response


# -- reviews, differences, audit ----------------------------------------------------------------


def _review_params(request: HttpRequest) -> dict:
    try:
        within = max(0, min(int(request.GET.get("within", DEFAULT_WITHIN_DAYS)), 3650))
    except ValueError:
        within = DEFAULT_WITHIN_DAYS
    return {
        "today": timezone.localdate(),
        "within_days": within,
        "developer": request.GET.get("developer", "").strip(),
        "suite": request.GET.get("suite", "").strip(),
    }


@require_safe
@page_view
def reviews(request: HttpRequest) -> Page:
    """NOS due for review; the page lists the first 200, its twin /lifecycle/reviews.json all."""
    limit = 200 if request.page_format == "html" else None
    return Page("lifecycle/reviews.html", {**review_due(**_review_params(request), limit=limit), **_page_context(request)})


@require_safe
@page_view
def reminders(request: HttpRequest) -> Page:
    """Review reminders assigned to the reader's organisation (an administrator's: all), open
    ones first; twin /lifecycle/reviews/reminders.json. `noshub review remind --create` makes them."""
    held = perms.roles(request.user)
    if not held & {perms.DEVELOPER, perms.ADMINISTRATOR}:
        raise PermissionDenied("Review reminders are for standards developers and administrators.")
    today = timezone.localdate()
    show_done = request.GET.get("done") == "1"
    rows = [services.reminder_dict(r, today) for r in services.reminders_for(request.user, include_done=show_done)[:500]]
    return Page("lifecycle/reminders.html", {"as_of": today.isoformat(), "reminders": rows, "done_shown": show_done, **_page_context(request)})


@require_POST
def reminder_done(request: HttpRequest, pk: int) -> HttpResponse:
    from .models import ReviewReminder

    reminder = get_object_or_404(ReviewReminder.objects.select_related("standard"), pk=pk)
    try:
        services.mark_done(request.user, reminder, request.POST.get("note", ""))
    except lc.StageError as exc:
        return _stage_error(request, None, exc.reasons)
    return redirect("lifecycle:reminders")


def _diff(request: HttpRequest, slug: str) -> dict:
    from noshub.catalogue.services import NotFound

    try:
        a, b = int(request.GET.get("from", "")), int(request.GET.get("to", ""))
    except ValueError:
        raise Http404("Give the two versions: ?from=1&to=2") from None
    try:
        return services.version_diff(slug, a, b)
    except NotFound as exc:
        raise Http404(str(exc)) from None


@require_safe
@page_view
def version_diff(request: HttpRequest, slug: str) -> Page:
    """What changed between two versions of a NOS (?from=1&to=2); twin /lifecycle/nos/<slug>/diff.json."""
    return Page("lifecycle/diff.html", {**_diff(request, slug), **_page_context(request)})


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_safe
@page_view
def audit_log(request: HttpRequest) -> Page:
    """The audit log for administrators, newest first, 100 a page, filtered by ?action=,
    ?user= and ?project=; twin /lifecycle/audit.json (the same page)."""
    perms.require(request.user, perms.VIEW_AUDIT)
    data = services.audit_page(
        action=request.GET.get("action", "").strip(),
        user=request.GET.get("user", "").strip(),
        project=_int(request.GET.get("project")),
        page=_int(request.GET.get("page"), 1),
    )
    query = {k: v for k, v in data["filters"].items() if v}
    from urllib.parse import urlencode

    links = {
        "previous": "?" + urlencode(query | {"page": data["page"] - 1}) if data["page"] > 1 else "",
        "next": "?" + urlencode(query | {"page": data["page"] + 1}) if data["page"] < data["pages"] else "",
    }
    return Page("lifecycle/audit.html", {**data, "links": links, **_page_context(request)})


# -- JSON API: the same actions for programs ----------------------------------------------------
#
# POST with a JSON body (or form fields) and the session's CSRF token, as the pages do. The body
# must be valid against its schema (`schemas`); one that is not is a 400 naming the JSON path.
# Success returns the changed object; every error has one shape:
#     {"error": {"status": 400, "code": "stage_rule", "message": "…", "reasons": ["…"]}}


def _json_error(status: int, code: str, message: str, reasons: list[str] | None = None, **details) -> HttpResponse:
    return json_error(status, code, message, **details, reasons=[str(r) for r in reasons or []])


def json_api(view):
    """Turn the lifecycle's exceptions into the one JSON error shape."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, Http404, NosHubError) as exc:
            status, code, message, details = describe(request, exc)
            return _json_error(status, code, message, details.pop("reasons", None), **details)

    return wrapper


@require_POST
@json_api
def advance_json(request: HttpRequest, pk: int) -> JsonResponse:
    project = _project(request, pk, perms.EDIT_PROJECT)
    project = services.advance(request.user, project, to_stage=request_data(request, ADVANCE).get("to_stage") or None)
    return JsonResponse(services.project_dict(project), **JSON)


@require_POST
@json_api
def respond_json(request: HttpRequest, pk: int) -> JsonResponse:
    project = get_object_or_404(Project, pk=pk)
    data = request_data(request, RESPOND)
    nation = data.get("nation") or perms.nation(request.user)
    services.respond(
        request.user,
        project,
        nation,
        str(data.get("response", "")),
        str(data.get("feedback", "")),
        seen=str(data.get("seen") or ""),
    )
    return JsonResponse(services.project_dict(project, with_drafts=False), **JSON)


@require_POST
@json_api
def comment_json(request: HttpRequest, pk: int) -> JsonResponse:
    project = _public_project(pk)
    data = request_data(request, COMMENT)
    try:
        draft = project.drafts.get(pk=int(data.get("draft", 0)))
    except (Draft.DoesNotExist, TypeError, ValueError):
        raise Http404("That NOS is not part of this consultation.") from None
    items = [(str(data.get("item_ref", "")), str(data.get("text", "")))] + [
        (str(i.get("item_ref", "")), str(i.get("text", ""))) for i in data.get("items") or []
    ]
    sent = services.submit_comments(
        project,
        draft,
        items=items,
        name=str(data.get("name", "")),
        organisation=str(data.get("organisation", "")),
        email=str(data.get("email", "")),
        ip=_client_ip(request),
        honeypot=str(data.get("website", "")),
        user=request.user,
        respondent_nation=str(data.get("respondent_nation", "")),
        sector=str(data.get("sector", "")),
        organisation_size=str(data.get("organisation_size", "")),
    )
    c = sent[0]
    body = {"id": c.pk, "moderation": c.moderation, "item_ref": c.item_ref, "submission": c.submission}
    body["comments"] = [{"id": x.pk, "item_ref": x.item_ref} for x in sent]
    return JsonResponse(body, status=201, **JSON)
