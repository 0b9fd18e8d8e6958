"""SOC 2020 alignment: what the CLI, the JSON API and the review pages share.

* `migrate_crosswalk`: catalogue SOC 2010 codes → "crosswalk" SOC 2020 links (weights = ONS
  shares), with the SOC 2010 code each came from; invalid SOC 2010 codes are reported.
* `code_catalogue`: the coder's top suggestions, with their confidence, for every NOS whose
  current version has neither a crosswalked nor a confirmed code; confirmed decisions are
  written back onto current versions; rejected codes are never suggested again for that NOS.
* `suggest_for_standard` / `suggest_for_text`: suggestions on demand.
* `fit_coder`: the job's part: fit the coder on this database's data, save it in a file of its
  own and record it (`CoderFit`); `noshub load`, `noshub import`, `noshub soc fit` and
  `noshub soc code` call it. Requests only load a fit (`loaded_coder`, `ready_coder`): with
  none for this database's current data they answer 503 (`CoderNotFitted`), never fit.
* `review_queue`, `decide`, `accept_above`: the human in the loop; every decision is a
  `SocDecision` with who, when and why.
* `alignment_report`, `nos_in_group`: browse and report.

Links live on the standard's current version (see `noshub.soc.models`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import threading
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext

from noshub.catalogue.models import NosSocCode, NosVersion, SocCode, Standard
from noshub.catalogue.services import find_standards
from noshub.core.errors import Forbidden, NosHubError, NotFound
from noshub.core.progress import ProgressCallback, tell
from noshub.core.search import vector_cache

from . import data
from .coder import CoderText, SocCoder, Suggestion, labels_from_soc2010
from .models import CoderFit, CodingIndexEntry, CodingRun, CrosswalkSource, SocDecision, SocGroup, SocRelationship
from .permissions import may_review

#: Suggestions at or above this confidence may be accepted in bulk. Justified by
#: bench/soc_quality.py (issue 20's rule: a random tenth of the coded NOS held out, 5 folds,
#: with sentence vectors): first suggestions with a confidence of 0.95 or more are right 98.5%
#: of the time from the full record (72.5% of NOS reach it) and 96.9% from a title alone
#: (33.3%); with the fine-tuned model (`NOSHUB_SOC_TUNED_ENCODER=1`) 98.2% (77.4%) and 97.4% (30.9%). The bench no longer measures NOS of suites with no coded NOS (47% of the
#: catalogue's 8,374 uncoded NOS; issue 7 measured 92% right at 0.95 for them, with the earlier
#: coder and rule); the coder calibrates them apart, on suites held out whole inside its fit.
#: Everything under the threshold goes to the queue.
BULK_ACCEPT_THRESHOLD = 0.95
#: A NOS with a link of these sources is settled: coding runs leave it alone and it leaves the
#: review queue.
SETTLED_SOURCES = ("crosswalk", "confirmed")
#: How many suggestions a coding run keeps for each NOS.
SUGGESTIONS_PER_NOS = 3
#: A unit group holding more current NOS than this (or five times the median of the groups
#: that hold any) is flagged as possible duplication.
CROWDED_MINIMUM = 200

PRECEDENCE = ("confirmed", "crosswalk", "suggested")


class SocError(NosHubError, ValueError):
    """Bad input to a SOC service (empty text, bad number, bad action or code)."""

    code = "bad_request"


class SocNotFound(SocError, NotFound):
    """No NOS with that URN, or no SOC 2020 group with that code."""

    status = 404
    code = "not_found"


# --------------------------------------------------------------------------- helpers


def _soc2020_ids(codes: set[str]) -> dict[str, int]:
    existing = dict(SocCode.objects.filter(classification="2020", code__in=codes).values_list("code", "id"))
    missing = codes - existing.keys()
    if missing:
        SocCode.objects.bulk_create([SocCode(classification="2020", code=c) for c in sorted(missing)], ignore_conflicts=True)
        existing = dict(SocCode.objects.filter(classification="2020", code__in=codes).values_list("code", "id"))
    return existing


def _current_version_ids() -> dict[int, int]:
    """standard id → current version id."""
    return dict(Standard.objects.exclude(current_id=None).values_list("id", "current_id"))


def _current_versions():
    """The ids of every current version, as a subquery (no long lists of parameters)."""
    return Standard.objects.exclude(current_id=None).values("current_id")


def _chunks(items: list, size: int = 5000):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _unit_codes() -> set[str]:
    return set(SocGroup.objects.filter(level="unit").values_list("code", flat=True))


def _start(kind: str, started_at=None) -> CodingRun:
    return CodingRun.objects.create(kind=kind, started_at=started_at or timezone.now())


def _finish(run: CodingRun, counts: dict) -> None:
    run.finished_at = timezone.now()
    run.counts = counts
    run.save(update_fields=["finished_at", "counts"])


# --------------------------------------------------------------------------- crosswalk


@dataclass
class MigrateReport:
    versions: int = 0
    with_soc2010: int = 0
    migrated: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    only_invalid: int = 0
    invalid_codes: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def migrate_crosswalk() -> MigrateReport:
    """Give every current version with SOC 2010 catalogue codes its SOC 2020 candidates.

    Each SOC 2010 code maps to the SOC 2020 unit groups of the ONS relationship table; a
    link's weight is the share of that SOC 2010 group's workers, averaged over the NOS's
    valid SOC 2010 codes (so a NOS's weights sum to 1). Idempotent: a second run changes
    nothing. Crosswalk links on versions that are no longer current are left as history."""
    run = _start("migrate")
    report = MigrateReport()
    crosswalk = data.crosswalk_table()
    current = _current_version_ids()
    report.versions = len(current)
    version_ids = set(current.values())
    soc2010: dict[int, list[str]] = defaultdict(list)
    links = NosSocCode.objects.filter(source="catalogue", soc_code__classification="2010").order_by("position")
    for vid, code in links.values_list("version_id", "soc_code__code"):
        if vid in version_ids:
            soc2010[vid].append(code)
    report.with_soc2010 = len(soc2010)
    invalid: dict[str, list[int]] = defaultdict(list)
    wanted: dict[int, dict[str, tuple[float, list[tuple[str, float]]]]] = {}
    for vid, codes in soc2010.items():
        for code in codes:
            if code not in crosswalk:
                invalid[code].append(vid)
        weights = labels_from_soc2010(codes, crosswalk)
        if not weights:
            report.only_invalid += 1
            continue
        sources: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for code in dict.fromkeys(codes):
            for unit, share in crosswalk.get(code, ()):
                sources[unit].append((code, share))
        wanted[vid] = {u: (round(w, 6), sources[u]) for u, w in weights.items()}
    report.migrated = len(wanted)
    slugs = dict(NosVersion.objects.filter(id__in={v for vs in invalid.values() for v in vs}).values_list("id", "standard__slug"))
    report.invalid_codes = [
        {"soc2010": code, "nos": len(vids), "examples": sorted(slugs[v] for v in vids)[:10]}
        for code, vids in sorted(invalid.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    ]
    ids = _soc2020_ids({u for w in wanted.values() for u in w})
    code_of = {v: k for k, v in ids.items()}
    with transaction.atomic():
        existing: dict[int, dict[str, NosSocCode]] = defaultdict(dict)
        for link in NosSocCode.objects.filter(source="crosswalk", version_id__in=_current_versions()):
            existing[link.version_id][code_of.get(link.soc_code_id) or SocCode.objects.get(id=link.soc_code_id).code] = link
        sources_have: dict[int, set[tuple[str, float]]] = defaultdict(set)
        for link_id, code, share in CrosswalkSource.objects.filter(link__version_id__in=_current_versions()).values_list(
            "link_id", "soc2010", "proportion"
        ):
            sources_have[link_id].add((code, round(share, 6)))
        to_create, to_update, to_delete = [], [], []
        new_sources: list[tuple[NosSocCode, list[tuple[str, float]]]] = []
        replace_sources: list[tuple[NosSocCode, list[tuple[str, float]]]] = []
        for vid in version_ids:
            want = wanted.get(vid, {})
            have = existing.get(vid, {})
            for code, link in have.items():
                if code not in want:
                    to_delete.append(link.id)
            for position, (code, (weight, srcs)) in enumerate(sorted(want.items(), key=lambda kv: (-kv[1][0], kv[0]))):
                link = have.get(code)
                if link is None:
                    link = NosSocCode(version_id=vid, soc_code_id=ids[code], source="crosswalk", position=position, weight=weight)
                    to_create.append(link)
                    new_sources.append((link, srcs))
                    continue
                changed = False
                if link.weight is None or abs(link.weight - weight) > 1e-6 or link.position != position:
                    link.weight, link.position = weight, position
                    to_update.append(link)
                    changed = True
                if sources_have[link.id] != {(c, round(s, 6)) for c, s in srcs}:
                    replace_sources.append((link, srcs))
                    changed = True
                if not changed:
                    report.unchanged += 1
        for chunk in _chunks(to_delete):
            NosSocCode.objects.filter(id__in=chunk).delete()
        NosSocCode.objects.bulk_create(to_create, batch_size=5000)
        NosSocCode.objects.bulk_update(to_update, ["weight", "position"], batch_size=5000)
        for chunk in _chunks([link.id for link, _ in replace_sources]):
            CrosswalkSource.objects.filter(link_id__in=chunk).delete()
        CrosswalkSource.objects.bulk_create(
            [
                CrosswalkSource(link_id=link.id, soc2010=code, proportion=share)
                for link, srcs in new_sources + replace_sources
                for code, share in srcs
            ],
            batch_size=5000,
        )
        report.created, report.updated, report.deleted = len(to_create), len(to_update), len(to_delete)
    _finish(run, {k: v for k, v in report.as_dict().items() if k != "invalid_codes"} | {"invalid_codes": len(invalid)})
    if report.created or report.updated or report.deleted:
        _announce(None)
    return report


def _announce(standard_ids: set[int] | None) -> None:
    """SOC links feed the search index (SOC facets, browsing): tell it which standards changed
    (None: potentially all)."""
    from noshub.catalogue.signals import standards_changed

    standards_changed.send(sender=__name__, standard_ids=standard_ids)


# --------------------------------------------------------------------------- the coder


#: The command that fits the coder (requests only load a fit).
FIT_COMMAND = "noshub soc fit"

#: Held while a fit is loaded from its file into memory (a request waits for a load, never a fit).
_coder_lock = threading.Lock()
#: Held while this process fits (two jobs in one process do not fit twice).
_fit_lock = threading.Lock()
#: The fitted coder in memory, by `CoderFit.key` (at most one).
_coder_cache: dict[str, SocCoder] = {}


class CoderTooFewCoded(SocError):
    """Too few coded NOS to fit the coder on (a database without the catalogue)."""


class CoderNotFitted(SocError):
    """No fitted coder for this database's current data. Requests load a fit and never make
    one: the jobs that change the data fit it (`noshub load`, `noshub import`), or an operator
    runs `noshub soc fit`."""

    status = 503
    code = "coder_not_fitted"

    def details(self) -> dict:
        return {"command": FIT_COMMAND}


@functools.cache
def _code_fingerprint() -> str:
    """The coder's code (its package and the text toolkit it reads words with): read once a process."""
    from noshub.core import text as text_toolkit

    from . import coder as coder_package

    code = hashlib.sha256()
    for package in (coder_package, text_toolkit):
        for path in sorted(Path(package.__file__).parent.glob("*.py")):
            code.update(path.read_bytes())
    return code.hexdigest()


def _fingerprint() -> str:
    """Changes when the data the coder learns from changes, or the coder's code does (a few
    aggregate queries: cheap enough for every request)."""
    parts = [
        _code_fingerprint(),
        vector_cache.available(),  # with or without the semantic signals
        settings.SOC_TUNED_ENCODER,  # with the base sentence model or the fine-tuned one
        SocGroup.objects.aggregate(n=Count("id"), m=Max("id")),
        CodingIndexEntry.objects.aggregate(n=Count("id"), m=Max("id")),
        SocRelationship.objects.aggregate(n=Count("id"), m=Max("id")),
        NosSocCode.objects.filter(source="catalogue").aggregate(n=Count("id"), m=Max("id")),
        Standard.objects.aggregate(n=Count("id"), m=Max("current_id")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _fit_file(key: str) -> Path:
    """Where the fit `key` is saved: its own file, never another database's."""
    return Path(settings.SOC_CODER_DIR) / f"{key}.pickle"


def encoder(train: bool = False, progress: ProgressCallback | None = None) -> vector_cache.CachedEncoder | None:
    """Sentence vectors for the coder's semantic signals when the `semantic` extra is installed
    (cached under ``NOSHUB_CACHE_DIR``); None otherwise, and the coder uses words only.

    With `settings.SOC_TUNED_ENCODER`, a copy of the model fine-tuned on the ONS reference
    (`noshub.soc.coder.tuned`): trained once per machine, by a fit (`train`; a few minutes, shown
    on `progress`), its weights kept under ``NOSHUB_CACHE_DIR/tuned-models``. Without `train`
    (a request) and with no weights kept yet, the base model."""
    if not vector_cache.available():
        return None
    base = vector_cache.CachedEncoder(settings.CACHE_DIR)
    if not settings.SOC_TUNED_ENCODER:
        return base
    from noshub.core import tuning

    from .coder.tuned import TUNE_SETTINGS, tuning_pairs

    anchors, positives = tuning_pairs(data.soc_reference())
    stage = gettext("Fine-tuning the SOC coder's sentence model (once; kept with the vectors)")
    tuned = tuning.tuned_encoder(
        settings.CACHE_DIR, anchors, positives, train, lambda done, total: tell(progress, stage, done, total), **TUNE_SETTINGS
    )
    return tuned or base


def current_fit(fingerprint: str | None = None) -> CoderFit | None:
    """This database's fit for its current data (`fingerprint`), or None."""
    return CoderFit.objects.filter(fingerprint=fingerprint or _fingerprint()).first()


def _load(fit: CoderFit) -> SocCoder | None:
    """The coder of `fit` from memory or from its file, or None if the file is missing or is
    not that fit's (called under `_coder_lock`)."""
    coder = _coder_cache.get(fit.key)
    if coder is not None:
        return coder
    try:
        with _fit_file(fit.key).open("rb") as fh:
            saved_key, saved_fingerprint, coder = pickle.load(fh)  # our own file, written by fit_coder
    except Exception:  # missing or damaged: `noshub soc fit` writes it again
        return None
    if (saved_key, saved_fingerprint) != (fit.key, fit.fingerprint):
        return None
    _coder_cache.clear()
    _coder_cache[fit.key] = coder
    return coder


def usable_fit(fingerprint: str | None = None) -> tuple[CoderFit | None, bool]:
    """The fit requests may use, and whether it was made on the current data: this database's
    fit for its current data; else its latest fit of the same code, made before the data last
    changed (a NOS published or edited since is coded by what the coder learnt before, until a
    job refits); else None."""
    fit = current_fit(fingerprint)
    if fit is not None:
        return fit, True
    return CoderFit.objects.filter(code=_code_fingerprint()).first(), False


def coder_status() -> dict:
    """What a suggestion was made with, for the JSON answers: when the fit was made, on how many
    coded NOS, and whether the data changed since (then `noshub soc fit` refits)."""
    fit, fresh = usable_fit()
    if fit is None:
        return {"fitted": False}
    return {"fitted": True, "fitted_at": fit.fitted_at, "coded_nos": fit.coded_nos, "data_changed_since": not fresh}


def ready_coder() -> SocCoder | None:
    """The coder fitted on this database (`usable_fit`), loaded from its file (quick), else
    None. Never fits: a page shows less rather than wait for a fit."""
    fit, _ = usable_fit()
    if fit is None:
        return None
    with _coder_lock:
        return _load(fit)


def loaded_coder() -> SocCoder:
    """For requests: the fitted coder (`usable_fit`: made on the current data, or before it last
    changed); `CoderNotFitted` (503, naming the command to run) when this database has no fit of
    this code, or its file cannot be read. Never fits."""
    fit, _ = usable_fit()
    if fit is not None:
        with _coder_lock:
            coder = _load(fit)
        if coder is not None:
            return coder
    latest = CoderFit.objects.first()
    if latest is None:
        why = gettext("it has never been fitted on this database")
    elif fit is None:
        why = gettext("the data or the coder changed after its last fit, on %(date)s") % {
            "date": f"{latest.fitted_at:%Y-%m-%d %H:%M} UTC"
        }
    else:
        why = gettext("its saved fit cannot be read")
    raise CoderNotFitted(
        gettext(
            "SOC suggestions are not available yet: the SOC coder is not fitted for this database's "
            "current data (%(why)s). An operator can fit it with '%(command)s'."
        )
        % {"why": why, "command": FIT_COMMAND}
    )


def fit_coder(refresh: bool = False, progress: ProgressCallback | None = None) -> tuple[CoderFit, bool]:
    """Fit the coder on this database's reference data and coded NOS, save it in its own file
    and record it (`CoderFit`): the job's part, for `noshub soc fit`, `noshub load`, `noshub
    import` and `noshub soc code`. Keeps a fit that matches the data and loads, unless
    `refresh`. Returns the fit and whether it was made now. `progress(stage, done, total)`
    hears the fit and the sentence vectors it computes.

    The file of the fit it replaces is removed once the new one is committed."""
    import time

    with _fit_lock:
        fingerprint = _fingerprint()
        if not refresh:
            fit = current_fit(fingerprint)
            if fit is not None:
                with _coder_lock:
                    if _load(fit) is not None:
                        return fit, False
        fitting = "Fitting the SOC coder"
        tell(progress, fitting)
        started, t = timezone.now(), time.perf_counter()
        reference = data.soc_reference()
        labelled = [x for x in data.labelled_from(data.catalogue_nos(), reference.crosswalk) if x.labels]
        vectors = encoder(train=True, progress=progress)
        if vectors is not None and progress is not None:

            def encoded(done: int, total: int) -> None:
                progress(f"{fitting}: sentence vectors", done, total)
                if done >= total:
                    progress(fitting, 0, 0)

            vectors.progress = encoded
        try:
            coder = SocCoder.fit(reference, labelled, encoder=vectors)
        except ValueError as exc:  # too few coded NOS to learn from
            raise CoderTooFewCoded(str(exc)) from None
        finally:
            if vectors is not None:
                vectors.progress = None  # the coder keeps its encoder: it must not go on reporting
        seconds = round(time.perf_counter() - t, 1)
        key = uuid.uuid4().hex
        path = _fit_file(key)
        tell(progress, "Saving the SOC coder")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with tmp.open("wb") as fh:
                pickle.dump((key, fingerprint, coder), fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError as exc:
            raise SocError(f"cannot save the fitted SOC coder in {path.parent} (NOSHUB_SOC_CODER_DIR): {exc}") from None
        with transaction.atomic():
            replaced = list(CoderFit.objects.values_list("key", flat=True))
            CoderFit.objects.all().delete()
            fit = CoderFit.objects.create(
                key=key,
                fingerprint=fingerprint,
                code=_code_fingerprint(),
                fitted_at=started,
                seconds=seconds,
                coded_nos=len(labelled),
                semantic=vectors is not None,
            )
            transaction.on_commit(lambda: _remove_fits(replaced))
        with _coder_lock:
            _coder_cache.clear()
            _coder_cache[key] = coder
        return fit, True


def _remove_fits(keys: list[str]) -> None:
    for key in keys:
        _fit_file(key).unlink(missing_ok=True)


def fitted_coder(refresh: bool = False, progress: ProgressCallback | None = None) -> SocCoder:
    """For jobs: the coder, fitted first if this database has no fit for its current data."""
    fit, _ = fit_coder(refresh=refresh, progress=progress)
    with _coder_lock:
        coder = _load(fit)
    if coder is None:  # removed between the fit and now
        raise CoderNotFitted(f"the saved SOC coder {_fit_file(fit.key)} cannot be read: run '{FIT_COMMAND} --refit'")
    return coder


def add_evidence(items: list[dict], k: int = 2) -> bool:
    """Give each suggestion of these review-queue items `similar_nos`: the coded NOS most like
    the item's NOS that carry the code (`SocCoder.with_evidence`). Only when the coder is
    ready (`ready_coder`); returns whether it was."""
    coder = ready_coder()
    if coder is None:
        return False
    ids = list(Standard.objects.filter(slug__in=[item["urn"] for item in items]).values_list("id", flat=True))
    texts = {nos.slug: nos.text for nos in data.catalogue_nos(ids)} if ids else {}
    for item in items:
        query = texts.get(item["urn"])
        if query is None:
            continue
        given = [Suggestion(x["code"], x["title"], x["confidence"] or 0.0) for x in item["suggestions"]]
        for shown, found in zip(item["suggestions"], coder.with_evidence(query, given, k), strict=True):
            shown["similar_nos"] = _similar_dicts(found)
    return True


def _check_top(top: int) -> int:
    if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= 20:
        raise SocError("top must be a whole number from 1 to 20")
    return top


def suggestion_dict(s: Suggestion) -> dict:
    return {
        "code": s.code,
        "title": s.title,
        "confidence": s.confidence,
        "bulk_acceptable": s.confidence >= BULK_ACCEPT_THRESHOLD,
        # evidence for a reviewer: coded NOS like this one that carry the code
        "similar_nos": _similar_dicts(s),
    }


def _similar_dicts(s: Suggestion) -> list[dict]:
    return [{"urn": x.key, "title": x.title, "similarity": x.similarity} for x in s.similar]


def suggest_for_text(text: str, top: int = 5) -> list[Suggestion]:
    top = _check_top(top)
    if not (text or "").strip():
        raise SocError("the text is empty: give a job title or the text of a NOS")
    coder, query = loaded_coder(), CoderText.free_text(text.strip()[:5000])
    return coder.with_evidence(query, coder.suggest(query, top=top))


def standard_for(urn: str) -> Standard:
    found = find_standards(urn or "")
    if not (urn or "").strip() or not found:
        raise SocNotFound(f"no NOS has the URN {urn!r}")
    return found[0]


def suggest_for_standard(urn: str, top: int = 5) -> tuple[Standard, list[Suggestion]]:
    """Suggestions for a NOS from its current version. A coded NOS is left out of what the
    coder learns from for this query, so its own codes do not answer for it."""
    top = _check_top(top)
    standard = standard_for(urn)
    coder = loaded_coder()
    [item] = data.catalogue_nos([standard.id])
    # a coding run codes a NOS that has no crosswalked or confirmed code together with the
    # other such NOS of its suites (`code_catalogue`): read them beside it, so that both agree
    mates = [] if _is_settled(standard) else data.catalogue_nos(_uncoded_suite_mates(standard))
    context = [m.text for m in mates]
    suggestions = coder.suggest_many([item.text], top=top, exclude_self=True, context=context)[0]
    return standard, coder.with_evidence(item.text, suggestions)


def _is_settled(standard: Standard) -> bool:
    """Whether the current version carries a crosswalked or confirmed code (a coding run
    leaves it alone)."""
    return NosSocCode.objects.filter(version_id=standard.current_id, source__in=SETTLED_SOURCES).exists()


def _uncoded_suite_mates(standard: Standard) -> list[int]:
    """The standards whose current version shares a suite with this one's and carries no
    crosswalked or confirmed code: a coding run codes them together with it."""
    suites = NosVersion.suites.through.objects.filter(nosversion_id=standard.current_id).values("suite_id")
    versions = (
        NosVersion.objects.filter(suites__in=suites, id__in=_current_versions())
        .exclude(id=standard.current_id)
        .exclude(id__in=NosSocCode.objects.filter(source__in=SETTLED_SOURCES).values("version_id"))
        .values("id")
    )
    return list(Standard.objects.filter(current_id__in=versions).values_list("id", flat=True).distinct())


@dataclass
class CodeReport:
    coded: int = 0
    suggestions: int = 0
    removed: int = 0
    confirmed_written: int = 0
    skipped_with_codes: int = 0
    fit_seconds: float = 0.0
    code_seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def _decision_state() -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """Per standard: codes confirmed (latest decision confirm/choose) and codes rejected."""
    confirmed: dict[int, set[str]] = defaultdict(set)
    rejected: dict[int, set[str]] = defaultdict(set)
    seen: set[tuple[int, str]] = set()
    for sid, code, action in SocDecision.objects.order_by("-decided_at", "-id").values_list("standard_id", "soc2020", "action"):
        if (sid, code) in seen:
            continue  # only the latest decision about a code counts
        seen.add((sid, code))
        (rejected if action == "reject" else confirmed)[sid].add(code)
    return confirmed, rejected


def apply_decisions() -> int:
    """Write every standing confirmation onto the standard's current version; remove
    confirmed links that a later decision rejected. Returns the links created."""
    confirmed, rejected = _decision_state()
    current = _current_version_ids()
    ids = _soc2020_ids({c for cs in confirmed.values() for c in cs})
    have = set(
        NosSocCode.objects.filter(source="confirmed", version_id__in=_current_versions()).values_list(
            "version_id", "soc_code__code"
        )
    )
    new = [
        NosSocCode(version_id=current[sid], soc_code_id=ids[code], source="confirmed", weight=1.0 / len(codes))
        for sid, codes in confirmed.items()
        if sid in current
        for code in sorted(codes)
        if (current[sid], code) not in have
    ]
    NosSocCode.objects.bulk_create(new, ignore_conflicts=True)
    for sid, codes in rejected.items():
        if sid in current:
            NosSocCode.objects.filter(
                version_id=current[sid], source__in=("confirmed", "suggested"), soc_code__code__in=codes
            ).delete()
    return len(new)


def code_catalogue(
    top: int = SUGGESTIONS_PER_NOS,
    refresh: bool = False,
    standard_ids: list[int] | None = None,
    progress: ProgressCallback | None = None,
) -> CodeReport:
    """Suggest codes for every current version without a crosswalked or confirmed code (or
    for those of `standard_ids` only). Earlier suggestions on those versions are replaced.
    `progress(stage, done, total)` hears the fit (when the coder must be fitted) and the coding."""
    import time

    top = _check_top(top)
    report = CodeReport()
    started, t = timezone.now(), time.perf_counter()
    coder = fitted_coder(refresh=refresh, progress=progress)  # before the run is recorded: a fit that fails records nothing
    report.fit_seconds = round(time.perf_counter() - t, 1)
    run = _start("code", started)
    report.confirmed_written = apply_decisions()
    current = _current_version_ids()
    versions = _current_versions()
    if standard_ids is not None:
        wanted_ids = set(standard_ids)
        current = {sid: vid for sid, vid in current.items() if sid in wanted_ids}
        versions = list(current.values())
    settled = set(
        NosSocCode.objects.filter(version_id__in=versions, source__in=SETTLED_SOURCES).values_list("version_id", flat=True)
    )
    todo = [sid for sid, vid in current.items() if vid not in settled]
    report.skipped_with_codes = len(current) - len(todo)
    items = data.catalogue_nos(todo)
    _, rejected = _decision_state()
    t = time.perf_counter()
    tell(progress, "Coding NOS", 0, len(items))  # in one call: a suite's NOS are coded together
    results = coder.suggest_many([it.text for it in items], top=top + 5)
    tell(progress, "Coding NOS", len(items), len(items))
    report.code_seconds = round(time.perf_counter() - t, 1)
    wanted: list[tuple[int, str, float, int]] = []
    for item, suggestions in zip(items, results, strict=True):
        kept = [s for s in suggestions if s.code not in rejected.get(item.standard_id, ())][:top]
        wanted += [(item.version_id, s.code, s.confidence, pos) for pos, s in enumerate(kept)]
    ids = _soc2020_ids({w[1] for w in wanted})
    tell(progress, "Saving suggestions")
    with transaction.atomic():
        old = NosSocCode.objects.filter(source="suggested", version_id__in=versions)
        report.removed = old.count()
        old.delete()
        NosSocCode.objects.bulk_create(
            [
                NosSocCode(version_id=v, soc_code_id=ids[c], source="suggested", position=p, confidence=conf)
                for v, c, conf, p in wanted
            ],
            batch_size=5000,
        )
    report.coded = len(items)
    report.suggestions = len(wanted)
    _finish(run, report.as_dict())
    if items:
        _announce(None if standard_ids is None else set(standard_ids))
    return report


# --------------------------------------------------------------------------- review


class NotAllowed(Forbidden):
    """The user may not review SOC codes."""


def review_queue(limit: int = 50, offset: int = 0, below: float | None = None) -> dict:
    """Current NOS that have suggestions but no crosswalked or confirmed code, most
    confident first; `below` keeps only those whose best suggestion is under that confidence."""
    settled = NosSocCode.objects.filter(version_id__in=_current_versions(), source__in=SETTLED_SOURCES)
    links = (
        NosSocCode.objects.filter(source="suggested", version_id__in=_current_versions())
        .exclude(version_id__in=settled.values("version_id"))
        .values_list("version_id", "version__standard__slug", "version__title", "soc_code__code", "confidence")
        .order_by("version_id", "position")
    )
    titles = dict(SocGroup.objects.values_list("code", "title"))
    items: dict[int, dict] = {}
    for vid, slug, title, code, conf in links:
        item = items.setdefault(vid, {"urn": slug, "title": title, "suggestions": []})
        item["suggestions"].append({"code": code, "title": titles.get(code, ""), "confidence": conf})
    rows = sorted(items.values(), key=lambda r: (-(r["suggestions"][0]["confidence"] or 0), r["urn"]))
    if below is not None:
        rows = [r for r in rows if (r["suggestions"][0]["confidence"] or 0) < below]
    return {"total": len(rows), "offset": offset, "limit": limit, "items": rows[offset : offset + limit]}


@transaction.atomic
def decide(user, urn: str, code: str, action: str, reason: str, bulk: bool = False) -> SocDecision:
    """Record a person's decision and apply it to the NOS's current version."""
    if not may_review(user):
        raise NotAllowed("reviewing SOC codes needs the 'soc.review_soc' permission (the SOC reviewers group)")
    if action not in {"confirm", "reject", "choose"}:
        raise SocError("action must be confirm, reject or choose")
    code = (code or "").strip()
    if code not in _unit_codes():
        raise SocError(f"{code!r} is not a SOC 2020 unit group")
    reason = (reason or "").strip()
    if not reason:
        raise SocError("give a reason for the decision")
    standard = standard_for(urn)
    version_id = standard.current_id
    suggested = NosSocCode.objects.filter(version_id=version_id, source="suggested", soc_code__code=code).first()
    if action == "confirm" and suggested is None:
        raise SocError(f"{code} is not suggested for {standard.slug}: use action 'choose' to pick a code")
    decision = SocDecision.objects.create(
        standard=standard,
        version_id=version_id,
        soc2020=code,
        action=action,
        suggested_confidence=suggested.confidence if suggested else None,
        bulk=bulk,
        reviewer=user,
        reason=reason[:2000],
    )
    if action == "reject":
        NosSocCode.objects.filter(version_id=version_id, source__in=("suggested", "confirmed"), soc_code__code=code).delete()
    else:
        soc_id = _soc2020_ids({code})[code]
        NosSocCode.objects.get_or_create(version_id=version_id, soc_code_id=soc_id, source="confirmed", defaults={"weight": 1.0})
    _announce({decision.standard_id})
    return decision


def accept_above(user, threshold: float = BULK_ACCEPT_THRESHOLD, reason: str = "", limit: int | None = None) -> dict:
    """Confirm, in bulk, the first suggestion of every queued NOS whose confidence is at least
    `threshold` (never below `BULK_ACCEPT_THRESHOLD`). Each acceptance is its own decision."""
    if not may_review(user):
        raise NotAllowed("reviewing SOC codes needs the 'soc.review_soc' permission (the SOC reviewers group)")
    try:
        threshold = float(threshold)
    except (TypeError, ValueError):
        raise SocError("threshold must be a number") from None
    if not BULK_ACCEPT_THRESHOLD <= threshold <= 1.0:
        raise SocError(f"bulk acceptance needs a threshold from {BULK_ACCEPT_THRESHOLD} to 1")
    reason = (reason or "").strip() or f"Bulk acceptance of first suggestions with confidence >= {threshold}"
    queue = review_queue(limit=10**9)["items"]
    chosen = [r for r in queue if (r["suggestions"][0]["confidence"] or 0) >= threshold]
    if limit is not None:
        chosen = chosen[:limit]
    now = timezone.now()
    with transaction.atomic():
        standards = {s.slug: s for chunk in _chunks([r["urn"] for r in chosen]) for s in Standard.objects.filter(slug__in=chunk)}
        ids = _soc2020_ids({r["suggestions"][0]["code"] for r in chosen})
        decisions, links = [], []
        for r in chosen:
            s = standards[r["urn"]]
            best = r["suggestions"][0]
            decisions.append(
                SocDecision(
                    standard=s,
                    version_id=s.current_id,
                    soc2020=best["code"],
                    action="confirm",
                    suggested_confidence=best["confidence"],
                    bulk=True,
                    reviewer=user,
                    reason=reason,
                )
            )
            links.append(NosSocCode(version_id=s.current_id, soc_code_id=ids[best["code"]], source="confirmed", weight=1.0))
        SocDecision.objects.bulk_create(decisions, batch_size=2000)
        NosSocCode.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    if chosen:
        _announce({d.standard_id for d in decisions})
    return {"accepted": len(chosen), "threshold": threshold, "at": now.isoformat(), "reviewer": user.get_username()}


def decision_dict(d: SocDecision) -> dict:
    return {
        "id": d.id,
        "urn": d.standard.slug,
        "soc2020": d.soc2020,
        "action": d.action,
        "suggested_confidence": d.suggested_confidence,
        "bulk": d.bulk,
        "reviewer": d.reviewer.get_username(),
        "decided_at": d.decided_at.isoformat(),
        "reason": d.reason,
    }


def decisions(limit: int = 50, offset: int = 0, urn: str | None = None) -> dict:
    qs = SocDecision.objects.select_related("standard", "reviewer")
    if urn:
        qs = qs.filter(standard=standard_for(urn))
    return {"total": qs.count(), "items": [decision_dict(d) for d in qs[offset : offset + limit]]}


# --------------------------------------------------------------------------- browse and report


def _current_links() -> tuple[dict[int, str], list[tuple[int, str, str]]]:
    """(current version id → validity) and the SOC 2020 links on current versions."""
    validity = dict(NosVersion.objects.filter(id__in=_current_versions()).values_list("id", "validity"))
    links = list(
        NosSocCode.objects.filter(version_id__in=_current_versions(), soc_code__classification="2020").values_list(
            "version_id", "soc_code__code", "source"
        )
    )
    return validity, links


def alignment_report() -> dict:
    """Coverage of NOS by SOC 2020 codes, by provenance; NOS per unit group; gaps and crowding.

    A NOS counts under its best provenance: confirmed, else crosswalk, else suggested. "Current
    NOS" are standards whose current version is valid (validity Current)."""
    validity, links = _current_links()
    best: dict[int, str] = {}
    for vid, _, source in links:
        if vid not in best or PRECEDENCE.index(source) < PRECEDENCE.index(best[vid]):
            best[vid] = source
    current_ids = {v for v, val in validity.items() if val == "current"}

    def coverage(ids: set[int]) -> dict:
        counts = Counter(best.get(v, "none") for v in ids)
        total = len(ids)
        return {
            "nos": total,
            "by_best_source": {k: counts.get(k, 0) for k in (*PRECEDENCE, "none")},
            "share": {k: round(counts.get(k, 0) / total, 4) if total else 0.0 for k in (*PRECEDENCE, "none")},
            "share_with_confirmed_or_suggested_code": round((counts.get("confirmed", 0) + counts.get("suggested", 0)) / total, 4)
            if total
            else 0.0,
            "share_with_any_code": round((total - counts.get("none", 0)) / total, 4) if total else 0.0,
        }

    firm: dict[str, set[int]] = defaultdict(set)  # confirmed or crosswalk
    suggested: dict[str, set[int]] = defaultdict(set)
    for vid, code, source in links:
        if vid not in current_ids:
            continue
        if source == "suggested":
            if best.get(vid) == "suggested":
                suggested[code].add(vid)
        else:
            firm[code].add(vid)
    units = list(SocGroup.objects.filter(level="unit").values_list("code", "title"))
    groups = [
        {
            "code": code,
            "title": title,
            "nos_confirmed_or_crosswalk": len(firm[code]),
            "nos_suggested": len(suggested[code]),
            "nos": len(firm[code] | suggested[code]),
        }
        for code, title in units
    ]
    nonempty = [g["nos"] for g in groups if g["nos"]]
    crowded_at = max(CROWDED_MINIMUM, int(5 * median(nonempty))) if nonempty else CROWDED_MINIMUM
    return {
        "current_nos": coverage(current_ids),
        "all_standards": coverage(set(validity)),
        "unit_groups": len(units),
        "gaps": [{"code": g["code"], "title": g["title"]} for g in groups if g["nos"] == 0],
        "gaps_without_firm_code": [
            {"code": g["code"], "title": g["title"]} for g in groups if g["nos_confirmed_or_crosswalk"] == 0
        ],
        "crowded_threshold": crowded_at,
        "crowded": sorted((g for g in groups if g["nos"] > crowded_at), key=lambda g: -g["nos"]),
        "groups": groups,
        "bulk_accept_threshold": BULK_ACCEPT_THRESHOLD,
    }


def nos_in_group(code: str, limit: int = 100, offset: int = 0) -> dict:
    """Current NOS under a SOC 2020 group (unit, minor, sub-major or major), best provenance first."""
    group = SocGroup.objects.filter(code=(code or "").strip()).first()
    if group is None:
        raise SocNotFound(f"{code!r} is not a SOC 2020 group")
    qs = (
        NosSocCode.objects.filter(
            version_id__in=_current_versions(), soc_code__classification="2020", soc_code__code__startswith=group.code
        )
        .values_list("version__standard__slug", "version__title", "soc_code__code", "source", "weight", "confidence")
        .order_by("version__standard__slug")
    )
    by_nos: dict[str, dict] = {}
    for slug, title, unit, source, weight, conf in qs:
        entry = by_nos.setdefault(slug, {"urn": slug, "title": title, "links": []})
        entry["links"].append({"code": unit, "source": source, "weight": weight, "confidence": conf})
    rows = list(by_nos.values())
    for r in rows:
        r["best_source"] = min((link["source"] for link in r["links"]), key=PRECEDENCE.index)
    rows.sort(key=lambda r: (PRECEDENCE.index(r["best_source"]), r["urn"]))
    return {
        "code": group.code,
        "title": group.title,
        "level": group.level,
        "total": len(rows),
        "by_best_source": dict(Counter(r["best_source"] for r in rows)),
        "items": rows[offset : offset + limit],
    }


def standard_links(standard: Standard) -> list[dict]:
    links = (
        NosSocCode.objects.filter(version_id=standard.current_id, soc_code__classification="2020")
        .select_related("soc_code")
        .prefetch_related("crosswalk_sources")
        .order_by("source", "position")
    )
    return [
        {
            "code": link.soc_code.code,
            "source": link.source,
            "weight": link.weight,
            "confidence": link.confidence,
            "from_soc2010": [{"code": s.soc2010, "proportion": s.proportion} for s in link.crosswalk_sources.all()],
        }
        for link in links
    ]
