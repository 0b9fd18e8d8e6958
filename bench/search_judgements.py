"""Build the judged query set for `bench/search_quality.py` from the loaded catalogue.

    .venv/bin/python bench/search_judgements.py      # writes bench/data/search_judgements.json

Five kinds of query, each with the NOS that should come first (its relevant set), made
deterministically (fixed seed) from the data:

* job_title (60): a job title from the ONS SOC 2020 coding index whose unit group has between 3
  and 150 current NOS; relevant: the current NOS aligned to that unit group (their SOC 2010
  codes crosswalked). Tests job-title understanding: the words often differ from NOS titles.
* keyword (50): two keywords of a current NOS that are not words of its title; relevant: that
  NOS and any current NOS with the same title.
* paraphrase (50): a current NOS title reworded with a fixed table of plain-English verb
  substitutes ("carry out" → "do", "ensure" → "make sure") and its stop words dropped; relevant:
  current NOS with that title. Only titles the table changes are used.
* misspelt (20): a current NOS title with one letter of its longest word swapped; relevant: as above.
* occupation (20): one task of a SOC 2020 unit group from ONS Volume 1, as a person might
  describe the work ("prepares, seasons and cooks food"), for a unit group with 3 to 150 current
  NOS; relevant: the current NOS aligned to that unit group. Tests understanding of work
  described in words (the engine matches queries to the groups' ONS descriptions, which do not
  hold the tasks). Drawn with its own seed, so the other kinds are unchanged by it.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "data" / "search_judgements.json"

PARAPHRASES = [
    (r"\bcarry out\b", "do"),
    (r"\bensure\b", "make sure"),
    (r"\bprepare\b", "get ready"),
    (r"\bmaintain\b", "keep up"),
    (r"\bmonitor\b", "keep track of"),
    (r"\bdevelop\b", "build up"),
    (r"\bprovide\b", "give"),
    (r"\bassist\b", "help"),
    (r"\bimplement\b", "put in place"),
    (r"\bevaluate\b", "judge"),
    (r"\bcontribute to\b", "help with"),
    (r"\bundertake\b", "do"),
    (r"\bestablish\b", "set up"),
    (r"\bco-ordinate\b", "organise"),
    (r"\bcoordinate\b", "organise"),
    (r"\binstall\b", "fit"),
    (r"\binspect\b", "check"),
    (r"\bidentify\b", "find"),
    (r"\bobtain\b", "get"),
    (r"\bcommunicate\b", "talk"),
    (r"\bfacilitate\b", "help run"),
    (r"\bdetermine\b", "work out"),
    (r"\bpromote\b", "encourage"),
    (r"\bagree\b", "settle"),
    (r"\bcomply with\b", "follow"),
    (r"\bsupport\b", "back up"),
    (r"\bmanage\b", "run"),
    (r"\bvehicles?\b", "car"),
    (r"\bcustomers?\b", "client"),
    (r"\bequipment\b", "kit"),
    (r"\bindividuals?\b", "person"),
]
STOP = {"a", "an", "the", "of", "and", "to", "for", "in", "on", "with", "your", "own", "their"}


def _key(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.lower()))


def build() -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "noshub.settings")
    import django

    django.setup()
    from noshub.search.models import SearchDocument
    from noshub.soc.models import CodingIndexEntry, SocGroup

    rng = random.Random(2026)
    docs = list(SearchDocument.objects.filter(validity="current").values("slug", "title", "keywords", "soc2020"))
    by_title: dict[str, list[str]] = defaultdict(list)
    by_unit: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        by_title[_key(d["title"])].append(d["slug"])
        for code in d["soc2020"]:
            if len(code) == 4:
                by_unit[code].append(d["slug"])
    queries = []

    entries = list(CodingIndexEntry.objects.exclude(soc2020_unit="").values_list("title", "soc2020_unit"))
    rng.shuffle(entries)
    used_units: set[str] = set()
    for title, unit in entries:
        if len([q for q in queries if q["kind"] == "job_title"]) >= 60:
            break
        if unit in used_units or not 3 <= len(by_unit.get(unit, [])) <= 150 or len(title.split()) > 3:
            continue
        used_units.add(unit)
        queries.append({"kind": "job_title", "query": title.lower(), "relevant": sorted(by_unit[unit]), "soc2020": unit})

    pool = docs[:]
    rng.shuffle(pool)
    for d in pool:
        if len([q for q in queries if q["kind"] == "keyword"]) >= 50:
            break
        title_words = set(_key(d["title"]).split())
        kws = [k.strip() for k in d["keywords"].split(" ; ") if k.strip()]
        kws = [k for k in kws if len(k) > 3 and not set(_key(k).split()) & title_words and len(k.split()) <= 3]
        if len(kws) < 2:
            continue
        picked = rng.sample(kws, 2)
        queries.append({"kind": "keyword", "query": " ".join(picked).lower(), "relevant": sorted(by_title[_key(d["title"])])})

    rng.shuffle(pool)
    for d in pool:
        if len([q for q in queries if q["kind"] == "paraphrase"]) >= 50:
            break
        text = d["title"].lower()
        changed = text
        for pattern, replacement in PARAPHRASES:
            changed = re.sub(pattern, replacement, changed)
        if changed == text or len(text.split()) < 3:
            continue
        changed = " ".join(w for w in re.findall(r"[\w'-]+", changed) if w not in STOP)
        queries.append({"kind": "paraphrase", "query": changed, "relevant": sorted(by_title[_key(d["title"])])})

    rng.shuffle(pool)
    for d in pool:
        if len([q for q in queries if q["kind"] == "misspelt"]) >= 20:
            break
        tokens = d["title"].lower().split()
        longest = max(tokens, key=len)
        if len(longest) < 7 or not longest.isalpha():
            continue
        i = rng.randrange(1, len(longest) - 2)
        typo = longest[:i] + longest[i + 1] + longest[i] + longest[i + 2 :]
        query = " ".join(typo if t == longest else t for t in tokens if t not in STOP)
        queries.append({"kind": "misspelt", "query": query, "relevant": sorted(by_title[_key(d["title"])])})

    task_rng = random.Random(2027)
    units = list(SocGroup.objects.filter(level="unit").order_by("code").values_list("code", "tasks"))
    task_rng.shuffle(units)
    for unit, tasks in units:
        if len([q for q in queries if q["kind"] == "occupation"]) >= 20:
            break
        if not 3 <= len(by_unit.get(unit, [])) <= 150 or not tasks:
            continue
        task = task_rng.choice(sorted(tasks)).strip().rstrip(".").lower()
        queries.append({"kind": "occupation", "query": task, "relevant": sorted(by_unit[unit]), "soc2020": unit})
    return {"method": __doc__.strip(), "queries": queries}


if __name__ == "__main__":
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    counts = defaultdict(int)
    for q in data["queries"]:
        counts[q["kind"]] += 1
    print(f"wrote {OUT.relative_to(ROOT)}: {len(data['queries'])} queries {dict(counts)}")
