"""The staff page for suite and developer names (`/catalogue/names/`): every spelling shown
under another name, and a form to decide otherwise. Administrators only (to read and to
write); every write is a CSRF-checked POST, one transaction (`names.decide`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from noshub.core.errors import InvalidParameter, NotFound

from . import names
from .roles import ADMINISTRATOR, roles


@require_http_methods(["GET", "HEAD", "POST"])
def names_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/admin/login/?next={request.path}")
    if ADMINISTRATOR not in roles(request.user):
        return render(request, "catalogue/names.html", {"forbidden": True}, status=403)
    kind = request.GET.get("kind") if request.GET.get("kind") in names.KINDS else None
    message, error = "", ""
    if request.method == "POST":
        try:
            row = names.decide(
                request.POST.get("kind", ""),
                request.POST.get("spelling", ""),
                request.POST.get("name", ""),
                by=request.user.get_username(),
                reason=request.POST.get("reason", "")[:2000],
            )
            message = _("Recorded: “%(spelling)s” is shown as “%(name)s”.") % row
        except (InvalidParameter, NotFound) as exc:
            error = str(exc)
    context = {"aliases": names.name_aliases(kind), "kind": kind or "", "message": message, "error": error}
    return render(request, "catalogue/names.html", context, status=400 if error else 200)
