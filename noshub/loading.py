"""What `noshub load` and `noshub import` do: find the files and pick the importer for each."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from noshub.catalogue.importers import ImportReport, import_catalogue, import_json, import_pages
from noshub.core.errors import ImportRejected
from noshub.core.progress import ProgressCallback, tell
from noshub.pages.dblock import lock_wait
from noshub.qualifications.importers import QUALIFICATIONS_DIR, import_qualifications_file, qualification_files
from noshub.qualifications.services import link_units
from noshub.soc.importers import import_coding_index, import_relationships, import_structure

# Load order matters: reference data first (SOC codes are checked against it), the older
# catalogue export before the newer one, then the finder pages that add text.
CATALOGUE_FILES = ("nos-catalogue-2019/PublishedNos-old Details.xlsx", "nos-catalogue-2019/PublishedNos Details.xlsx")
SOC_STRUCTURE = "soc2020/soc2020volume1structureanddescriptionofunitgroupsexcel16042025.xlsx"
SOC_CODING_INDEX = "soc2020/soc2020volume2thecodingindexexcel16042025.xlsx"
SOC_RELATIONSHIPS = "soc2020/ONS_SOC2010_SOC2020.xlsx"
NOS_PAGES = "nos-pages/nos_pages.jsonl"


def load_all(
    data_dir: Path | None = None, progress: ProgressCallback | None = None, soc_coder: bool = True
) -> list[ImportReport]:
    """Import every file of the data directory, in order, then (with `soc_coder`) fit the SOC
    coder if the data it learns from changed (`ensure_soc_coder`); `progress(stage, done,
    total)` hears each file, the index rebuild, the sentence vectors and the fit."""
    data_dir = Path(data_dir or settings.DATA_DIR)
    if not data_dir.is_dir():
        raise ImportRejected(str(data_dir), "data directory not found (set NOSHUB_DATA_DIR or --data-dir)")
    from noshub.search.services import deferred_reindex

    steps = [
        (import_structure, SOC_STRUCTURE),
        (import_coding_index, SOC_CODING_INDEX),
        (import_relationships, SOC_RELATIONSHIPS),
        *((import_catalogue, name) for name in CATALOGUE_FILES),
        (import_pages, NOS_PAGES),
        # Qualifications after the NOS they link to: their structures, the listing, the frameworks.
        *((import_qualifications_file, str(p.relative_to(data_dir))) for p in qualification_files(data_dir)),
    ]
    reports = []
    from noshub.catalogue.names import apply_rule

    # The index rebuild and the vectors write outside the imports' transactions: wait as long.
    with lock_wait(settings.IMPORT_DB_WAIT):
        with deferred_reindex():  # one index rebuild after all files, not one per file
            apply_rule()  # names held from before the names rule are cleaned and merged first
            for done, (importer, name) in enumerate(steps):
                tell(progress, "Loading data files", done, len(steps))
                reports.append(importer(data_dir / name))
            tell(progress, "Loading data files", len(steps), len(steps))
            if any(r.kind.startswith("qualification") and (r.created or r.updated) for r in reports):
                tell(progress, "Linking qualification units to NOS")
                link_units()
            tell(progress, "Updating the search index")
        ensure_search_index(progress=progress)
        if soc_coder:
            ensure_soc_coder(progress=progress)
    return reports


def ensure_soc_coder(progress: ProgressCallback | None = None) -> str:
    """Fit the SOC coder here, in the job that changed its data, when this database has no fit
    for its current data: requests only load a fit (`noshub.soc.services.loaded_coder`). A
    database with too few coded NOS (no catalogue yet) is left without one. Returns a line
    saying what happened."""
    from noshub.soc import services

    try:
        fit, fitted = services.fit_coder(progress=progress)
    except services.CoderTooFewCoded as exc:
        return f"SOC coder not fitted: {exc}"
    if fitted:
        return f"SOC coder fitted on {fit.coded_nos} coded NOS in {fit.seconds} s"
    return "SOC coder: the fit on this data is kept"


def soc_coder_status() -> str:
    """One line on this database's SOC coder fit, for the end of `noshub load`."""
    from noshub.soc import services

    fit = services.current_fit()
    if fit is None:
        return f"SOC coder: not fitted for this data (suggestions answer 503 until '{services.FIT_COMMAND}')"
    return f"SOC coder: fitted {fit.fitted_at:%Y-%m-%d %H:%M} UTC on {fit.coded_nos} coded NOS in {fit.seconds} s"


def ensure_search_index(semantic: bool = True, progress: ProgressCallback | None = None) -> None:
    """Imports keep the index current; build it whole where it is missing (a database loaded
    before search existed), and compute any missing embeddings."""
    from noshub.search.semantic import build_embeddings
    from noshub.search.services import index_is_empty, reindex

    if index_is_empty():
        tell(progress, "Building the search index")
        reindex()
    if semantic:
        build_embeddings(progress=progress)


def import_path(path: Path) -> ImportReport:
    """Pick the importer from the file: its name for ONS workbooks, else its extension."""
    name = path.name.lower()
    if name.endswith(".jsonl"):
        return import_pages(path)
    if name.endswith(".json"):
        return import_json(path)
    if "volume1" in name and "soc" in name:
        return _then_reindex(import_structure(path))
    if "volume2" in name or "codingindex" in name:
        return _then_reindex(import_coding_index(path))
    if "soc2010" in name and "soc2020" in name:
        return _then_reindex(import_relationships(path))
    if path.parent.name == QUALIFICATIONS_DIR or name.endswith((".csv", ".xls")) or "framework" in name:
        return _then_link(import_qualifications_file(path))
    if name.endswith(".xlsx"):
        return import_catalogue(path)
    report = ImportReport(kind="unknown", file=path.name)
    report.error = f"{path.name}: unknown kind of file (expected .xlsx, .xls, .csv, .json or .jsonl)"
    return report


def _then_link(report: ImportReport) -> ImportReport:
    """A qualification file changed: link its units to NOS again (people's decisions kept)."""
    if report.created or report.updated:
        with lock_wait(settings.IMPORT_DB_WAIT):
            link_units()
    return report


def _then_reindex(report: ImportReport) -> ImportReport:
    """SOC titles and the crosswalk feed the search index: rebuild it after reference data changes."""
    from noshub.search.services import reindex

    if report.created or report.updated:
        with lock_wait(settings.IMPORT_DB_WAIT):
            reindex()
    return report
