"""Functional maps: key purpose → key areas → functions, versioned; NOS placed on functions;
density per function (crowding) and functions with no NOS (gaps).

* `seed_management_leadership()`: the M&L map from its suite: the key purpose of the M&L
  functional map (nos-guidance), key areas A–F from the URN letters of the 2008 suite
  (CFAMLA1 → A, managing self and personal skills, … F, achieving results), each of its NOS a
  function; placed on it: the NOS itself and every NOS the latest themes build found
  embedding it (confidence and reason from the embedding).
* `import_outline(text, name, kind)`: a map from a CSV outline (columns ``level,code,title,parent``;
  a ``key_purpose`` row) or a JSON outline (``{"name", "key_purpose", "key_areas": [{"code",
  "title", "functions": [{"code", "title"}]}]}``); errors name the line (CSV) or JSON path;
  nothing is written unless the whole outline is good. NOS are placed on an imported map's
  functions where a NOS's title says the same as the function's (content words).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict

from django.db import transaction
from django.utils.text import slugify

from noshub.catalogue.models import Standard
from noshub.core.errors import ImportRejected, NotFound
from noshub.core.text import title_content_key

from . import mapedit, placement
from .models import Embedding, FunctionalMap, MapNode, Placement, Reach

ML_KEY_PURPOSE = (
    "Provide direction, gain commitment, facilitate change and achieve results through the efficient, "
    "creative and responsible deployment of people and other resources."
)
ML_KEY_AREAS = {
    "A": "Managing self and personal skills",
    "B": "Providing direction",
    "C": "Facilitating change",
    "D": "Working with people",
    "E": "Using resources",
    "F": "Achieving results",
}
_ML_URN = re.compile(r"^CFAML([A-F])(\d+)$", re.I)
MAX_OUTLINE = 2_000_000  # characters
MAX_NODES = 5000


def _next_version(slug: str) -> int:
    last = FunctionalMap.objects.filter(slug=slug).order_by("-version").values_list("version", flat=True).first()
    return (last or 0) + 1


def seed_management_leadership(user=None) -> FunctionalMap:
    """A new version of the M&L map, from the 2008 suite and the latest themes build."""
    from . import services

    rows = list(
        Standard.objects.filter(current__suites__name="Management and Leadership National Occupational Standards 2008")
        .values_list("id", "urn", "current__title")
        .distinct()
    )
    functions = []
    for sid, urn, title in rows:
        m = _ML_URN.match(urn.replace("&", "").replace("_", ""))
        if m:
            functions.append((m.group(1).upper(), int(m.group(2)), sid, title))
    if not functions:
        raise NotFound("The Management and Leadership NOS 2008 suite is not in the catalogue: load the data first.")
    functions.sort()
    run = services.latest_run()
    embedded: dict[int, list[Embedding]] = defaultdict(list)
    if run is not None:
        for e in Embedding.objects.filter(run=run, theme="leadership-management"):
            embedded[e.reference_id].append(e)
    free = _sector_free(run)
    with transaction.atomic():
        fmap = FunctionalMap.objects.create(
            slug="management-leadership",
            version=_next_version("management-leadership"),
            name="Management and leadership",
            key_purpose=ML_KEY_PURPOSE,
            source="seed: Management and Leadership National Occupational Standards 2008 (URN letters A-F)",
            created_by=user,
        )
        areas = {}
        for n, (code, title) in enumerate(ML_KEY_AREAS.items()):
            areas[code] = MapNode.objects.create(map=fmap, level="key_area", code=code, title=title, position=n)
        placements = []
        for n, (area, number, sid, title) in enumerate(functions):
            node = MapNode.objects.create(
                map=fmap, parent=areas[area], level="function", code=f"{area}{number}", title=title, position=100 + n
            )
            kind, why = placement.kind_of(True, "full", (), True)
            placements.append(
                Placement(
                    node=node, standard_id=sid, confidence=1.0, reason="reference NOS (home suite)", kind=kind, kind_reason=why
                )
            )
            for e in embedded.get(sid, []):
                kind, why = placement.kind_of(False, e.extent, [r["code"] for r in e.reasons], free.get(e.standard_id, False))
                placements.append(
                    Placement(
                        node=node,
                        standard_id=e.standard_id,
                        confidence=e.confidence,
                        reason=f"theme embedding ({e.extent})",
                        kind=kind,
                        kind_reason=why,
                    )
                )
        Placement.objects.bulk_create(placements, ignore_conflicts=True)
        mapedit.replay_decisions(fmap)
    return fmap


def _sector_free(run) -> dict[int, bool]:
    """Standard id -> whether its title is sector-free (the latest themes build; empty before one)."""
    if run is None:
        return {}
    return dict(Reach.objects.filter(run=run).values_list("standard_id", "sector_free").iterator(chunk_size=20000))


# -- import ---------------------------------------------------------------------------------


def _reject(file: str, reason: str, row=None, field=None):
    raise ImportRejected(file, reason, row=row, field=field)


def parse_outline(text: str, kind: str, file: str = "outline") -> dict:
    """An outline as {"name", "key_purpose", "key_areas": [{"code", "title", "functions": [...]}]};
    ImportRejected naming the line (CSV) or the JSON path of the first fault."""
    if len(text) > MAX_OUTLINE:
        _reject(file, f"the outline is longer than {MAX_OUTLINE:,} characters")
    if kind == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            _reject(file, f"not JSON: {exc.msg}", row=f"line {exc.lineno}")
        return _check_json(data, file)
    if kind != "csv":
        _reject(file, f"unknown outline format {kind!r}: expected csv or json")
    return _parse_csv(text, file)


def _text(value, file: str, where: str, field: str, limit: int = 500) -> str:
    if not isinstance(value, str) or not value.strip():
        _reject(file, "must be non-empty text", row=where, field=field)
    if len(value) > limit:
        _reject(file, f"longer than {limit} characters", row=where, field=field)
    return value.strip()


def _check_json(data, file: str) -> dict:
    if not isinstance(data, dict):
        _reject(file, "the outline must be a JSON object", row="$")
    out = {
        "name": _text(data.get("name"), file, "$.name", "name", 255),
        "key_purpose": _text(data.get("key_purpose"), file, "$.key_purpose", "key_purpose", 5000),
        "key_areas": [],
    }
    areas = data.get("key_areas")
    if not isinstance(areas, list) or not areas:
        _reject(file, "must be a non-empty list", row="$.key_areas", field="key_areas")
    seen: set[str] = set()
    for i, area in enumerate(areas):
        where = f"$.key_areas[{i}]"
        if not isinstance(area, dict):
            _reject(file, "must be an object", row=where)
        a = {
            "code": _code(area.get("code"), file, f"{where}.code", seen),
            "title": _text(area.get("title"), file, f"{where}.title", "title"),
            "functions": [],
        }
        functions = area.get("functions", [])
        if not isinstance(functions, list):
            _reject(file, "must be a list", row=f"{where}.functions", field="functions")
        for j, fn in enumerate(functions):
            fwhere = f"{where}.functions[{j}]"
            if not isinstance(fn, dict):
                _reject(file, "must be an object", row=fwhere)
            a["functions"].append(
                {
                    "code": _code(fn.get("code"), file, f"{fwhere}.code", seen),
                    "title": _text(fn.get("title"), file, f"{fwhere}.title", "title"),
                }
            )
        out["key_areas"].append(a)
    if len(seen) > MAX_NODES:
        _reject(file, f"more than {MAX_NODES} key areas and functions")
    return out


def _code(value, file: str, where, seen: set[str]) -> str:
    code = _text(value, file, where, "code", 32)
    if not re.fullmatch(r"[A-Za-z0-9._-]+", code):
        _reject(file, f"code {code!r} may hold only letters, digits, '.', '_' and '-'", row=where, field="code")
    if code in seen:
        _reject(file, f"code {code!r} is used twice", row=where, field="code")
    seen.add(code)
    return code


def _parse_csv(text: str, file: str) -> dict:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    expected = {"level", "code", "title", "parent"}
    if reader.fieldnames is None or not expected <= {f.strip().lower() for f in reader.fieldnames}:
        _reject(file, "the header must name the columns level, code, title, parent", row="line 1")
    out = {"name": "", "key_purpose": "", "key_areas": []}
    areas: dict[str, dict] = {}
    seen: set[str] = set()
    for row in reader:
        line = f"line {reader.line_num}"
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        level = row.get("level", "")
        if level == "name":
            out["name"] = _text(row.get("title"), file, line, "title", 255)
        elif level == "key_purpose":
            out["key_purpose"] = _text(row.get("title"), file, line, "title", 5000)
        elif level == "key_area":
            code = _code(row.get("code"), file, line, seen)
            areas[code] = {"code": code, "title": _text(row.get("title"), file, line, "title"), "functions": []}
            out["key_areas"].append(areas[code])
        elif level == "function":
            code = _code(row.get("code"), file, line, seen)
            parent = row.get("parent", "")
            if parent not in areas:
                _reject(file, f"parent {parent!r} is not a key area named on an earlier line", row=line, field="parent")
            areas[parent]["functions"].append({"code": code, "title": _text(row.get("title"), file, line, "title")})
        else:
            _reject(file, f"level {level!r} is not one of name, key_purpose, key_area, function", row=line, field="level")
        if len(seen) > MAX_NODES:
            _reject(file, f"more than {MAX_NODES} key areas and functions", row=line)
    if not out["key_purpose"]:
        _reject(file, "no key_purpose line", field="level")
    if not out["key_areas"]:
        _reject(file, "no key_area line", field="level")
    out["name"] = out["name"] or file
    return out


def import_outline(text: str, kind: str, slug: str = "", user=None, file: str = "outline") -> FunctionalMap:
    """A new version of a map from an outline: all of it or nothing."""
    outline = parse_outline(text, kind, file)
    slug = slugify(slug or outline["name"])[:64] or "map"
    from . import services

    free = _sector_free(services.latest_run())
    by_title: dict[str, list[int]] = defaultdict(list)
    for sid, title in Standard.objects.exclude(current=None).values_list("id", "current__title").iterator(chunk_size=20000):
        key = title_content_key(title or "")
        if key:
            by_title[key].append(sid)
    with transaction.atomic():
        fmap = FunctionalMap.objects.create(
            slug=slug,
            version=_next_version(slug),
            name=outline["name"],
            key_purpose=outline["key_purpose"],
            source=f"import: {file}",
            created_by=user,
        )
        position = 0
        placements = []
        for area in outline["key_areas"]:
            node = MapNode.objects.create(map=fmap, level="key_area", code=area["code"], title=area["title"], position=position)
            position += 1
            for fn in area["functions"]:
                child = MapNode.objects.create(
                    map=fmap, parent=node, level="function", code=fn["code"], title=fn["title"], position=position
                )
                position += 1
                for sid in by_title.get(title_content_key(fn["title"]), []):
                    kind, why = placement.kind_of(False, "", (), free.get(sid, False)) if sid in free else ("", "")
                    placements.append(
                        Placement(
                            node=child,
                            standard_id=sid,
                            confidence=0.9,
                            reason="title says the same as the function",
                            kind=kind,
                            kind_reason=why,
                        )
                    )
        Placement.objects.bulk_create(placements, ignore_conflicts=True)
        mapedit.replay_decisions(fmap)
    return fmap


# -- reading --------------------------------------------------------------------------------


def get_map(slug: str, version: int | None = None) -> FunctionalMap:
    qs = FunctionalMap.objects.filter(slug=slug)
    fmap = qs.filter(version=version).first() if version else qs.order_by("-version").first()
    if fmap is None:
        raise NotFound(f"No functional map {slug!r}" + (f" version {version}" if version else ""))
    return fmap


def map_list() -> list[dict]:
    latest: dict[str, FunctionalMap] = {}
    for m in FunctionalMap.objects.order_by("slug", "-version"):
        latest.setdefault(m.slug, m)
    return [
        {"slug": m.slug, "name": m.name, "version": m.version, "created_at": m.created_at.isoformat()} for m in latest.values()
    ]


def _placed(fmap: FunctionalMap, node_ids=None) -> dict[int, list[dict]]:
    """Node id -> the NOS placed on it, best first."""
    rows = Placement.objects.filter(node__map=fmap)
    if node_ids is not None:
        rows = rows.filter(node_id__in=node_ids)
    placed: dict[int, list[dict]] = defaultdict(list)
    fields = (
        "node_id",
        "standard__slug",
        "standard__urn",
        "standard__current__title",
        "standard__current__developed_by__name",
        "confidence",
        "source",
        "reason",
        "kind",
        "kind_reason",
    )
    for node_id, slug, urn, title, developer, confidence, source, reason, kind, kind_reason in rows.values_list(*fields):
        placed[node_id].append(
            {
                "slug": slug,
                "urn": urn,
                "title": title or "",
                "developer": developer or "",
                "confidence": round(confidence, 3),
                "source": source,
                "reason": reason,
                "kind": kind,
                "kind_reason": kind_reason,
            }
        )
    for items in placed.values():
        items.sort(key=lambda r: (r["kind"] != placement.GENERIC, -r["confidence"], r["urn"]))
    return placed


def map_detail(fmap: FunctionalMap) -> dict:
    """The map as a tree with the NOS placed on each function (by kind: generic,
    context-specific, specialist), its density and gaps, its versions and decisions."""
    nodes = list(fmap.nodes.order_by("position"))
    placed = _placed(fmap)
    areas = []
    by_id = {}
    for n in nodes:
        item = {"code": n.code, "title": n.title}
        if n.level == "key_area":
            item["functions"] = []
            areas.append(item)
            by_id[n.id] = item
        else:
            nos = placed.get(n.id, [])
            item.update(
                nos_count=len(nos),
                kinds={k: sum(1 for r in nos if r["kind"] == k) for k in placement.KINDS},
                confirmed=sum(1 for r in nos if r["source"] == "confirmed"),
                nos=nos[:200],
            )
            by_id[n.parent_id]["functions"].append(item)
    functions = [f for a in areas for f in a["functions"]]
    crowded = sorted(functions, key=lambda f: -f["nos_count"])[:10]
    all_nos = [r for f in functions for r in f["nos"]]
    return {
        "slug": fmap.slug,
        "name": fmap.name,
        "version": fmap.version,
        "versions": list(FunctionalMap.objects.filter(slug=fmap.slug).order_by("version").values_list("version", flat=True)),
        "latest": not FunctionalMap.objects.filter(slug=fmap.slug, version__gt=fmap.version).exists(),
        "key_purpose": fmap.key_purpose,
        "source": fmap.source,
        "reason": fmap.reason,
        "key_areas": areas,
        "functions": len(functions),
        "kinds": {k: sum(f["kinds"][k] for f in functions) for k in placement.KINDS},
        "confirmed": sum(f["confirmed"] for f in functions),
        "placed": sum(f["nos_count"] for f in functions),
        "gaps": [{"code": f["code"], "title": f["title"]} for f in functions if not f["nos_count"]],
        "crowded": [{"code": f["code"], "title": f["title"], "nos_count": f["nos_count"]} for f in crowded if f["nos_count"]],
        "history": mapedit.history(fmap.slug),
        "decisions": mapedit.decisions(fmap.slug, limit=50),
        "shown_per_function": 200 if all_nos else 0,
    }


def function_detail(fmap: FunctionalMap, code: str) -> dict:
    """One function of a map with every NOS placed on it (kind, confidence, source, reason)."""
    node = fmap.nodes.filter(code=code, level="function").select_related("parent").first()
    if node is None:
        raise NotFound(f"No function {code!r} on {fmap.slug} version {fmap.version}")
    nos = _placed(fmap, [node.id]).get(node.id, [])
    return {
        "slug": fmap.slug,
        "name": fmap.name,
        "version": fmap.version,
        "latest": not FunctionalMap.objects.filter(slug=fmap.slug, version__gt=fmap.version).exists(),
        "key_area": {"code": node.parent.code, "title": node.parent.title} if node.parent_id else None,
        "code": node.code,
        "title": node.title,
        "nos": nos,
        "nos_count": len(nos),
        "kinds": {k: sum(1 for r in nos if r["kind"] == k) for k in placement.KINDS},
        "functions": list(fmap.nodes.filter(level="function").order_by("position").values_list("code", "title")),
        "decisions": [d for d in mapedit.decisions(fmap.slug) if code in (d["function"], d["to_function"])],
    }
