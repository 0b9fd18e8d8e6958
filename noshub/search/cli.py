"""`noshub search` and `noshub index`. Models are imported inside commands."""

from __future__ import annotations

import json

import click

from noshub.core.progress import Progress


@click.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--page", default=1, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--validity", default="current", show_default=True, type=click.Choice(["current", "legacy", "archive", "all"]))
@click.option("--suite", default="", help="Only NOS in this suite.")
@click.option("--developer", default="", help="Only NOS by this developer.")
@click.option("--soc", default="", help="Only NOS in this SOC 2020 group (1 to 4 digits).")
@click.option("--mode", default="hybrid", show_default=True, type=click.Choice(["hybrid", "keyword"]))
@click.option(
    "--copies",
    default="collapse",
    show_default=True,
    type=click.Choice(["collapse", "all"]),
    help="One result per duplicate group, or every copy.",
)
@click.option("--group", default="", help="Only the copies of this duplicate group (its key).")
@click.option("--reach", default="", help="Only NOS of this reach class: pan_sector, multi_sector or job_specific.")
@click.option("--theme", default="", help="Only NOS of this pan-sector theme (its slug: noshub themes show).")
@click.option("--behaviour", default="", help="Only NOS that evidence this work behaviour (its slug: noshub behaviours list).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def search(
    query: str,
    limit: int,
    page: int,
    validity: str,
    suite: str,
    developer: str,
    soc: str,
    mode: str,
    copies: str,
    group: str,
    reach: str,
    theme: str,
    behaviour: str,
    fmt: str,
) -> None:
    """Search NOS: words, "phrases", prefix*, URNs, job titles; misspellings tolerated."""
    from noshub.search.engine import InvalidParameter, SearchParams
    from noshub.search.engine import search as run

    try:
        result = run(
            SearchParams(
                q=query,
                per_page=limit,
                page=page,
                validity=validity,
                suite=suite,
                developer=developer,
                soc=soc,
                mode=mode,
                copies=copies,
                group=group.strip().lower(),
                reach=reach.strip().lower(),
                theme=theme.strip().lower(),
                behaviour=behaviour.strip().lower(),
            )
        )
    except InvalidParameter as exc:
        raise click.BadParameter(str(exc)) from None
    from django.conf import settings

    from noshub.search.querylog import flush

    flush(wait=settings.IMPORT_DB_WAIT)  # a zero-result query is kept before the command ends
    if fmt == "json":
        click.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False, default=str))
        return
    if result.did_you_mean:
        click.echo(f"Did you mean: {result.did_you_mean}")
    if result.welsh.name:
        click.echo(f"“{result.welsh.name.welsh}” is Welsh for “{result.welsh.name.english}”: searched as that.")
    if result.welsh.is_welsh and not result.welsh.nos_with_welsh_text:
        click.echo("Welsh NOS text is not yet held: NOS Hub holds the standards in English only so far.")
    click.echo(f"{result.total} NOS ({result.engine}{', hybrid' if result.semantic else ', keyword'}; {result.took_ms:.1f} ms)")
    for hit in result.hits:
        review = {"past_due": f"review past due ({hit.review_date})", "scheduled": f"review {hit.review_date}"}
        click.echo(
            f"{hit.urn:<14} {hit.score:8.4f}  {hit.title}  [{hit.validity or 'validity not stated'}; "
            f"{review.get(hit.review_status, 'no review date')}]"
        )
        for reason in hit.why:
            click.echo(f"{'':23}{reason['text']}")
        if hit.copies:
            click.echo(f"{'':23}{len(hit.copies)} more copies (--group {hit.group}): {', '.join(c['urn'] for c in hit.copies)}")


@click.command()
@click.option("--semantic/--no-semantic", default=True, help="Also compute embeddings (needs the semantic extra).")
def index(semantic: bool) -> None:
    """Rebuild the search index from the current version of every NOS."""
    from noshub.search.semantic import build_embeddings
    from noshub.search.services import reindex

    with Progress() as progress:
        progress("Building the search index", 0, 0)
        count = reindex()
    click.echo(f"Indexed {count} NOS.")
    if semantic:
        with Progress() as progress:
            report = build_embeddings(progress=progress)
        if report["available"]:
            click.echo(
                f"Embeddings: {report['embedded']} computed, {report['cached']} from cache, {report['unchanged']} unchanged."
            )
        else:
            click.echo("Semantic ranking is not installed (pip install -e '.[semantic]'); search ranks by keywords.")


commands = (search, index)
