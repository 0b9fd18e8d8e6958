"""What the SOC coder's misses are, by blind judges rather than by the catalogue's codes.

    .venv/bin/python bench/soc_judged.py

Reads `bench/data/soc_misses_judged.json` (how it was made: bench/data/README.md): held-out NOS
whose first three suggestions hold none of the groups the issue-20 rule counts right (misses),
and as many random NOS whose first suggestion is right (controls), each judged by two judges who
saw the NOS and its candidate unit groups shuffled, not knowing which were the catalogue's and
which NOS Hub's. A group is *accepted* when both judges say it fits (or, in the second table,
fits or partly fits). Printed per set (full record, title alone) and kind: how often one of the
catalogue's right groups is accepted, NOS Hub's first, one of NOS Hub's three, and the NOS where
one of NOS Hub's three is accepted and none of the catalogue's groups is (the catalogue's code is
what the judges reject: a miss only by the catalogue's reckoning).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

PATH = Path(__file__).resolve().parent / "data" / "soc_misses_judged.json"


def accepted(item: dict, code: str, lenient: bool) -> bool:
    ok = {"fits", "partly"} if lenient else {"fits"}
    return all(j["labels"].get(code) in ok for j in item["judges"])


def summary(items: list[dict], lenient: bool) -> dict:
    out = {"n": len(items), "right_accepted": 0, "first_accepted": 0, "top3_accepted": 0, "only_ours_accepted": 0, "none_accepted": 0}
    for it in items:
        right = any(accepted(it, c, lenient) for c in it["right"])
        top3 = any(accepted(it, c, lenient) for c in it["noshub_top3"])
        out["right_accepted"] += right
        out["first_accepted"] += accepted(it, it["noshub_top3"][0], lenient)
        out["top3_accepted"] += top3
        out["only_ours_accepted"] += top3 and not right
        out["none_accepted"] += not (top3 or right)
    return out


def agreement(items: list[dict]) -> tuple[int, int]:
    pairs = [(a, it["judges"][1]["labels"].get(c)) for it in items for c, a in it["judges"][0]["labels"].items()]
    return sum(a == b for a, b in pairs), len(pairs)


def main() -> int:
    data = json.loads(PATH.read_text())
    for lenient in (False, True):
        print(f"\naccepted: both judges say {'fits or partly fits' if lenient else 'fits'}")
        print(f"{'set':6} {'kind':8} {'n':>4} {'a right group':>14} {'our first':>10} {'one of our 3':>13} {'only ours':>10} {'none':>5}")
        for name, items in data["sets"].items():
            for kind in ("miss", "control"):
                s = summary([it for it in items if it["kind"] == kind], lenient)
                print(
                    f"{name:6} {kind:8} {s['n']:4d} {s['right_accepted']:14d} {s['first_accepted']:10d} "
                    f"{s['top3_accepted']:13d} {s['only_ours_accepted']:10d} {s['none_accepted']:5d}"
                )
    for name, items in data["sets"].items():
        same, total = agreement(items)
        print(f"{name}: the two judges give the same label to {same} of {total} candidates ({same / total:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
