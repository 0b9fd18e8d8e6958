"""Usage counted privately: what a request counts as, noted in memory, written in one go, folded
into counts per day.

**What is counted** (`classify`): a successful (200) GET of

| request | kind | target | subject | detail |
|---|---|---|---|---|
| a NOS page, its summary, its print view | view | nos | the URN or slug asked | page / summary / print |
| a suite's page | view | suite | the suite's id | page |
| a SOC 2020 group's page | view | occupation | the code | page |
| the search results (first page, words asked) | search | results | | found / zero |
| a NOS page opened from the search results (`Referer`) | search | followed | | |
| a NOS's or a suite's PDF or DOCX; an API list as CSV | download | nos / suite / the endpoint | URN, id or "" | pdf / docx / csv |
| the API (`/api/v1/…`) or a page's JSON twin | api | the URL's name (`api:nos`, `web:nos-json`) | | a client's hash |
| any page view above by a signed-in account whose profile declares a nation | view | nation | england / northern_ireland / scotland / wales | |
| any page view above in the Welsh interface | view | language | cy | |

**Usage per nation, honestly**: a visitor's nation is not known and is not guessed. No IP
geolocation (it needs a location database NOS Hub does not hold, and an address is personal
data); the interface language is not a nation (Welsh speakers live everywhere, and most people
in Wales read English), so a Welsh-interface view is counted as such, under "language", never as
Wales. The one nation NOS Hub knows is the one a staff account declares in its profile (a
nation reviewer's, `lifecycle.Profile.nation`): such a view also counts one ("view", "nation",
that nation), without the NOS viewed, so a day's counts never say which NOS a reviewer read.
Views of no declared nation are "not known": all views less those counted under a nation.

**What is not**: any request saying `DNT: 1` or `Sec-GPC: 1`; a user agent that calls itself a
robot (`BOTS`); anything but a 200 (redirects, errors, a suite download still being built);
HEAD, POST; static files (answered before this middleware). No cookie is set or read, nothing of
the person is kept: an API client is its address and user agent, hashed (HMAC-SHA-256, first 16
hex characters) under a random salt made for the day (`UsageSalt`), at flush time, never
written in the clear; the salt is deleted once the day is over and aggregated, so a hash cannot
be tied back to anyone afterwards.

**Cheap on the request's path**: `count` only classifies and appends a tuple to a list in this
process's memory. After responses (Django's ``request_finished``), once the oldest note is
USAGE_FLUSH_SECONDS old (NOSHUB_USAGE_FLUSH, default 10; 0: after every request) or FLUSH_AT
notes wait, `flush` writes them in one INSERT (the write-behind buffer shared with
`search.querylog`, `noshub.pages.writebehind`: best-effort, it never waits for SQLite's write
lock; what cannot be written stays buffered, at most MAX_BUFFERED).
`aggregate` (``noshub monitoring aggregate``, daily; also run by ``noshub monitoring measure``)
folds the raw events into `DailyUsage` and deletes them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections import Counter

from django.db import transaction
from django.utils import timezone

from noshub.pages.writebehind import WriteBehind

from .models import DailyUsage, UsageEvent, UsageSalt

log = logging.getLogger("noshub.monitoring")

FLUSH_AT = 500
MAX_BUFFERED = 50_000
# User agents that say they are robots (crawlers, link previews, uptime checks, headless browsers).
BOTS = re.compile(r"bot|crawl|spider|slurp|archiver|facebookexternalhit|preview|headless|lighthouse|uptime|monitor", re.I)

NOS_PAGES = {"web:nos": "page", "web:nos-summary": "summary", "web:nos-print": "print"}
DOWNLOADS = {
    "web:nos-pdf": ("nos", "pdf"),
    "web:nos-docx": ("nos", "docx"),
    "web:suite-pdf": ("suite", "pdf"),
    "web:suite-docx": ("suite", "docx"),
}


def excluded(request) -> bool:
    """Not counted: Do Not Track, Global Privacy Control, or a robot."""
    meta = request.META
    if meta.get("HTTP_DNT") == "1" or meta.get("HTTP_SEC_GPC") == "1":
        return True
    return bool(BOTS.search(meta.get("HTTP_USER_AGENT", "")))


def _from_search(request) -> bool:
    referer = request.META.get("HTTP_REFERER", "")
    if not referer:
        return False
    host = request.get_host()
    return any(referer.startswith(f"{scheme}{host}/search/") for scheme in ("http://", "https://"))


def _audience(request) -> list[tuple]:
    """A page view's nation (declared by a staff account's profile) and interface language (Welsh
    only), each as its own event with no subject."""
    out = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        profile = getattr(user, "lifecycle_profile", None)  # missing: RelatedObjectDoesNotExist, an AttributeError
        if profile is not None and profile.nation:
            out.append(("view", "nation", profile.nation, "", None))
    if getattr(request, "LANGUAGE_CODE", "").startswith("cy"):
        out.append(("view", "language", "cy", "", None))
    return out


def classify(request, response) -> list[tuple[str, str, str, str, str | None]]:
    """What a request counts as: (kind, target, subject, detail, client) tuples; client is the raw
    address and user agent of an API call (hashed at flush), else None."""
    if request.method != "GET" or response.status_code != 200:
        return []
    match = getattr(request, "resolver_match", None)
    if match is None or not match.view_name:
        return []
    name, kwargs = match.view_name, match.kwargs
    out: list[tuple] = []
    is_json = name.startswith("api:") or name.endswith("-json") or getattr(request, "page_format", "") == "json"
    if is_json:
        client = f"{request.META.get('REMOTE_ADDR', '')}\n{request.META.get('HTTP_USER_AGENT', '')}"
        endpoint = name if name.startswith("api:") or name.endswith("-json") else f"{name}-json"
        out.append(("api", endpoint, "", "", client))
        if name.startswith("api:") and request.GET.get("format", "").lower() == "csv":
            out.append(("download", endpoint, "", "csv", None))
        return out
    if name in NOS_PAGES:
        out.append(("view", "nos", kwargs.get("slug", ""), NOS_PAGES[name], None))
        if name == "web:nos" and _from_search(request):
            out.append(("search", "followed", "", "", None))
    elif name == "web:suite":
        out.append(("view", "suite", str(kwargs.get("suite_id", "")), "page", None))
    elif name == "web:occupation":
        out.append(("view", "occupation", kwargs.get("code", ""), "page", None))
    elif name in DOWNLOADS:
        target, fmt = DOWNLOADS[name]
        out.append(("download", target, str(kwargs.get("slug") or kwargs.get("suite_id") or ""), fmt, None))
    elif name == "web:results":
        context = getattr(request, "page_context", None) or {}
        if request.GET.get("q", "").strip() and request.GET.get("page", "1") in ("", "1") and "total" in context:
            out.append(("search", "results", "", "found" if context["total"] else "zero", None))
    if out and out[0][0] == "view":
        out.extend(_audience(request))
    return out


def _salts(days: set) -> dict:
    """The salt of each day, made (random) the first time a day needs one; one row per day, so
    every process hashes a client alike."""
    out = {}
    for day in days:
        salt, _ = UsageSalt.objects.get_or_create(day=day, defaults={"salt": secrets.token_hex(32)})
        out[day] = salt.salt.encode()
    return out


def client_hash(salt: bytes, client: str) -> str:
    return hmac.new(salt, client.encode(), hashlib.sha256).hexdigest()[:16]


def _write(rows: list[tuple]) -> None:
    """One INSERT of the noted events (inside the buffer's transaction), API clients hashed now."""
    salts = _salts({r[0] for r in rows if r[5] is not None})
    events = [
        UsageEvent(
            day=day,
            kind=kind,
            target=target,
            subject=subject[:270],
            detail=client_hash(salts[day], client) if client is not None else detail,
        )
        for day, kind, target, subject, detail, client in rows
    ]
    UsageEvent.objects.bulk_create(events, batch_size=1000)


buffer = WriteBehind(
    _write, flush_setting="USAGE_FLUSH_SECONDS", flush_at=FLUSH_AT, max_buffered=MAX_BUFFERED, what="usage", log=log
)
waiting = buffer.waiting
discard = buffer.discard
flush = buffer.flush
flush_if_due = buffer.flush_if_due


def count(request, response) -> None:
    """Note what this request counts as (nothing for DNT/GPC, robots, failures): memory only."""
    if excluded(request):
        return
    events = classify(request, response)
    if events:
        day = timezone.localdate()
        buffer.note_all((day, *event) for event in events)


@transaction.atomic
def aggregate(today=None) -> dict:
    """Fold every raw event into `DailyUsage` (counts added), delete the events, and delete the
    salts of days before `today`. Returns {"events": n, "rows": rows touched, "salts_deleted": n}."""
    today = today or timezone.localdate()
    last = UsageEvent.objects.order_by("-id").values_list("id", flat=True).first()
    counts: Counter = Counter()
    if last is not None:
        for key in UsageEvent.objects.filter(id__lte=last).values_list("day", "kind", "target", "subject", "detail").iterator():
            counts[key] += 1
    touched = 0
    if counts:
        days = {k[0] for k in counts}
        existing = {(r.day, r.kind, r.target, r.subject, r.detail): r for r in DailyUsage.objects.filter(day__in=days)}
        new, changed = [], []
        for key, n in sorted(counts.items()):
            row = existing.get(key)
            if row is None:
                new.append(DailyUsage(day=key[0], kind=key[1], target=key[2], subject=key[3], detail=key[4], count=n))
            else:
                row.count += n
                changed.append(row)
        DailyUsage.objects.bulk_create(new, batch_size=1000)
        DailyUsage.objects.bulk_update(changed, ["count"], batch_size=1000)
        touched = len(new) + len(changed)
        UsageEvent.objects.filter(id__lte=last).delete()
    salts_deleted, _ = UsageSalt.objects.filter(day__lt=today).delete()
    return {"events": sum(counts.values()), "rows": touched, "salts_deleted": salts_deleted}
