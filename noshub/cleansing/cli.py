"""`noshub duplicates find|report|decide`, `noshub quality` and `noshub covered`. Models are imported inside commands.

Old names kept hidden for one release: `noshub duplicates [options]` (now `noshub duplicates
find`) and `noshub decide` (now `noshub duplicates decide`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from noshub.core.commands import GroupWithDeprecatedDefault, deprecated_alias
from noshub.core.progress import Progress
from noshub.core.spreadsheet import SafeWriter

KINDS = ["same_text", "imported_copy", "near_duplicate", "variant"]


@click.group(cls=GroupWithDeprecatedDefault, default=("find", "noshub duplicates", "noshub duplicates find"))
def duplicates() -> None:
    """Duplicate NOS: find them, report the latest groups, decide what to keep."""


@duplicates.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text")
@click.option("--kind", type=click.Choice(KINDS), help="Only groups of this kind.")
@click.option("--threshold", type=click.FloatRange(0.5, 1.0), default=0.8, show_default=True, help="Score to join a group.")
@click.option(
    "--save/--no-save", default=True, show_default=True, help="Keep the groups as the latest run (for the API and pages)."
)
@click.option("--limit", type=int, default=0, help="Print at most this many groups (0: all).")
def find(fmt: str, kind: str | None, threshold: float, save: bool, limit: int) -> None:
    """Find duplicate NOS over the whole catalogue: groups with URNs, kind, score and the suggested canonical NOS.

    Kinds: same_text (same text under two URNs), imported_copy (Original URN links them),
    near_duplicate, variant (same function at another level or in another context).
    Every member of a group scores at least the threshold with every other member.
    """
    from noshub.cleansing.services import run_detection
    from noshub.core.duplicates import Settings

    with Progress() as progress:
        run, groups = run_detection(Settings(threshold=threshold), save=save, progress=progress)
    if kind:
        groups = [g for g in groups if g.kind == kind]
    shown = groups[:limit] if limit else groups
    if fmt == "json":
        payload = {"run": run.id, "stats": run.stats, "groups": [g.as_dict() for g in shown]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        writer = SafeWriter(sys.stdout)
        writer.writerow(["group", "kind", "score", "min_score", "size", "nos", "canonical"])
        for n, g in enumerate(shown, 1):
            for m in g.members:
                writer.writerow(
                    [n, g.kind, f"{g.score:.3f}", f"{g.min_score:.3f}", len(g.members), m, "yes" if m == g.canonical else ""]
                )
        return
    stats = run.stats
    click.echo(
        f"{stats['groups']} groups holding {stats['nos_in_groups']} of {stats['nos']} NOS "
        f"(largest {stats['largest_group']}); {stats['seconds']} s"
    )
    click.echo("By kind: " + ", ".join(f"{k} {v}" for k, v in sorted(stats["by_kind"].items())))
    for g in shown:
        click.echo(f"\n{g.kind}  score {g.score:.2f} (min {g.min_score:.2f})  {len(g.members)} NOS, keep {g.canonical}")
        click.echo("  " + ", ".join(g.members))
    if save:
        click.echo(f"\nSaved as run {run.id}: /cleansing/groups.json")


@duplicates.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--kind", type=click.Choice(KINDS), help="Only groups of this kind.")
@click.option("--nos", default="", help="Only groups holding this NOS (URN in any form).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True, help="Groups listed, largest first.")
def report(fmt: str, kind: str | None, nos: str, limit: int) -> None:
    """The groups of the latest saved run (what /cleansing/groups.json shows), with decisions in force."""
    from noshub.cleansing.services import group_list

    data = group_list(kind=kind or "", nos=nos, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if data["run"] is None:
        raise click.ClickException("No duplicate detection has run yet: run `noshub duplicates find`.")
    run = data["run"]
    by_kind = ", ".join(f"{k} {v}" for k, v in run["by_kind"].items())
    click.echo(f"Run {run['id']} of {run['started_at'][:16]}: {data['count']} groups; by kind: {by_kind}")
    for g in data["groups"]:
        click.echo(
            f"\n{g['kind']}  score {g['score']:.2f} (min {g['min_score']:.2f})  {g['size']} NOS, keep {g['canonical']}"
            f"  [{g['status']}]"
        )
        for m in g["members"]:
            decided = f"  decided: {m['decision']['action']}" if m["decision"] else ""
            click.echo(f"  {m['urn']:<14} {m['title']}{decided}")
    if data["count"] > len(data["groups"]):
        click.echo(f"\n… {data['count'] - len(data['groups'])} more groups (raise --limit, or use --format json).")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--full/--summary", default=False, help="JSON: every list in full (default: counts and breakdowns).")
def quality(fmt: str, full: bool) -> None:
    """Metadata quality report: reused URNs, Original URN links not flagged as tailored, review dates, SOC codes, vocabulary variants, missing fields, one-NOS suites."""
    from noshub.cleansing.quality import quality_report, summary

    with Progress() as progress:
        progress("Metadata quality report", 0, 0)
        report = quality_report()
    if fmt == "json":
        click.echo(json.dumps(report if full else summary(report), indent=2, ensure_ascii=False))
        return
    click.echo(f"Metadata quality of {report['standards']} NOS (current versions), as of {report['as_of']}")
    for name, check in report["checks"].items():
        click.echo(f"\n{check['title']} [{name}]: {check['count']}")
        for label, key in (("developers", "by_developer"), ("suites", "by_suite")):
            top = list(check.get(key, {}).items())[:5]
            if top:
                click.echo(f"  top {label}: " + "; ".join(f"{k} {v}" for k, v in top))
        for item in check["items"][:5]:
            label = item.get("nos") or item.get("preferred")
            extra = item.get("title") or ", ".join(item.get("forms", {}))
            click.echo(f"  - {label}: {extra}")
        if check["count"] > 5:
            click.echo(f"  … {check['count'] - 5} more (noshub quality --format json --full)")


@click.command()
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--text", default="", help="Draft text: the title on the first line, then one statement a line.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def covered(path: str | None, text: str, limit: int, fmt: str) -> None:
    """Develop once, use often: which existing NOS and statements already cover a draft.

    Give a NOS JSON file (each document in it is checked, e.g. before `noshub import`) or --text.
    """
    from noshub.cleansing.services import already_covered, draft_from_text
    from noshub.core.duplicates import NosText
    from noshub.core.text import strip_tags

    drafts = []
    if path:
        from noshub.core.readers.nosjson import read_json_documents

        records, rejections = read_json_documents(Path(path))
        for r in rejections:
            click.echo(f"rejected: {r}", err=True)
        for rec in records:
            d = rec.document
            drafts.append(
                NosText(
                    key=d.urn,
                    urn=d.urn,
                    title=d.title,
                    overview=strip_tags(d.overview),
                    statements=tuple((s.ref, s.text) for s in (*d.performance_criteria, *d.knowledge_and_understanding)),
                    keywords=d.keywords,
                )
            )
    if text:
        drafts.append(draft_from_text(text))
    if not drafts:
        raise click.UsageError("Give a NOS JSON file or --text.")
    results = [already_covered(d, limit=limit) for d in drafts]
    if fmt == "json":
        click.echo(json.dumps(results if len(results) > 1 else results[0], indent=2, ensure_ascii=False))
        return
    for d, r in zip(drafts, results, strict=True):
        click.echo(f"{d.urn or 'Draft'}: {d.title}  ({r['milliseconds']} ms)")
        for hit in r["nos"]:
            click.echo(f"  {hit['score']:.2f}  {hit['urn']:<14} {hit['title']}  [{hit['kind']}]")
        for s in r["statements"]:
            if s["covered_by"]:
                best = s["covered_by"][0]
                click.echo(
                    f"  {s['ref']}: {s['text'][:60]!r} ~ {best['urn']} {best['ref']} ({best['score']:.2f}, held by {best['nos_count']} NOS)"
                )


@duplicates.command()
@click.argument("urn")
@click.argument("action", type=click.Choice(["keep_both", "imported_copy_of", "merge_into", "retire_legacy", "reverse"]))
@click.option("--target", default="", help="URN of the other NOS (keep_both, imported_copy_of, merge_into).")
@click.option("--reason", required=True, help="Why: kept with the decision.")
@click.option(
    "--user", "username", required=True, help="Who decides: a user with the right to (administrator, standards developer)."
)
def decide(urn: str, action: str, target: str, reason: str, username: str) -> None:
    """Record (or reverse) a decision about a duplicate NOS. Decisions are versioned; nothing is deleted."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError

    from noshub.catalogue.services import NotFound, get_standard
    from noshub.cleansing import services

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    try:
        standard = get_standard(urn)
        other = get_standard(target) if target else None
        if action == "reverse":
            d = services.reverse_decision(user, standard, reason)
        else:
            d = services.record_decision(user, standard, action, reason, other)
    except (NotFound, PermissionDenied) as exc:
        raise click.ClickException(str(exc)) from None
    except ValidationError as exc:
        raise click.ClickException(" ".join(exc.messages)) from None
    click.echo(f"Recorded decision {d.sequence} for {standard.slug}: {d.action}" + (f" {d.target.slug}" if d.target_id else ""))


commands = (duplicates, quality, covered, deprecated_alias(decide, "noshub decide", "noshub duplicates decide"))
