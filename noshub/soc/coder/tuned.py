"""What the coder's sentence model may be fine-tuned on: the ONS reference only.

Each job title of the coding index (Volume 2) and of Volume 1's related job titles, and each
Volume 1 task, is paired with its unit group's title and description; a copy of
all-MiniLM-L6-v2 trained on these pairs (`noshub.core.tuning.tune_pairs`,
MultipleNegativesRankingLoss: each text nearest its own unit group among the batch's others)
puts "fish cook" and "Prepare and cook fish dishes" nearer 5434 *Chefs*. No coded NOS is
read, so the model knows nothing of the codes a bench hides.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .records import SocReference

#: Job titles drawn from each unit group (the index lists up to hundreds for one group, a few
#: for another: a cap keeps the large groups from swamping the loss, and the fine-tune short).
PER_UNIT = 40
#: The fine-tune's settings (`noshub.core.tuning.tune_pairs`): chosen before any measurement,
#: as the behaviours mapper's but one pass over the pairs (about 17,000 of them, not 3,000).
TUNE_SETTINGS = {"epochs": 1, "batch_size": 32, "lr": 2e-5, "max_length": 64, "seed": 0}


def unit_text(reference: SocReference, code: str) -> str:
    g = reference.units[code]
    return f"{g.title}. {g.description}" if g.description.strip() else g.title


def tuning_pairs(reference: SocReference, per_unit: int = PER_UNIT, seed: int = 0) -> tuple[list[str], list[str]]:
    """(anchors, positives): job titles (at most `per_unit` a unit group, drawn at random with
    `seed`) and tasks, each beside its unit group's title and description."""
    rng = np.random.default_rng(seed)
    titles: dict[str, set[str]] = defaultdict(set)
    for title, unit in reference.index_titles:
        if unit in reference.units and title.strip():
            titles[unit].add(title.strip())
    anchors: list[str] = []
    positives: list[str] = []
    for code in sorted(reference.units):
        g = reference.units[code]
        names = sorted(titles[code] | {t.strip() for t in g.job_titles if t.strip()})
        if len(names) > per_unit:
            names = [names[i] for i in sorted(rng.choice(len(names), size=per_unit, replace=False))]
        target = unit_text(reference, code)
        for text in (*names, *(t.strip() for t in g.tasks if t.strip())):
            anchors.append(text)
            positives.append(target)
    return anchors, positives
