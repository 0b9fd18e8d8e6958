"""Suggest SOC 2020 unit groups for a NOS, or for free text such as a job title.

Pure Python with numpy, scipy and scikit-learn: no Django, no network. Everything the coder
knows comes from what it is given to `SocCoder.fit`:

* the ONS reference (`SocReference`): each unit group's title, description, tasks and
  related job titles (SOC 2020 Volume 1), the 32,000 job titles of the coding index
  (Volume 2), and the SOC 2010 → SOC 2020 relationship table;
* the NOS that already carry codes (`Labelled`): their SOC 2010 codes, mapped through the
  relationship table, are a distribution over SOC 2020 unit groups.

How a suggestion is scored (each *signal* gives every unit group a score for one query):

* ``nos_full`` / ``nos_title``: a nearest-neighbour vote over the coded NOS (TF-IDF cosine of
  the whole record, and of the titles); ``centroid``: cosine with the label-weighted sum of
  the coded NOS's vectors per unit group (Rocchio);
* ``unit_full`` / ``unit_title`` / ``unit_context``: cosine of the record, of the title and of
  the occupations and suite names with each unit group's ONS text (title, description,
  tasks, related job titles and every coding-index title of the group);
* ``suite``, ``developer``, ``occupation``, ``keyword``: what the coded NOS that share the
  query's suite, developer, relevant occupations or keywords are coded to;
* ``bayes``: a multinomial naive Bayes over the title's words, learnt from the coded NOS
  titles and the coding-index titles and tasks (on titles of new suites the strongest single
  word signal);
* ``mates_*``: what the query's suite-mates *among the queries* look like (the mean of their
  ``nos_full``, ``centroid``, ``bayes``, ``sem_probe`` and ``unit_full``). A new suite
  arrives whole, and its NOS are coded together: a NOS titled "Work safely" is read with
  "Colour hair" and "Cut hair" beside it. Only the mates' text counts, never their codes;
* ``sem_*`` (optional: only with an ``encoder`` of sentence vectors, e.g. all-MiniLM-L6-v2
  through `noshub.core.search.vector_cache`, or as `noshub soc code` fits it, a copy of it
  fine-tuned on the ONS reference's job titles and tasks, `tuned`): the title's nearest coded NOS titles
  (``sem_nos``), each unit group's nearest coding-index title (``sem_index``), the nearest
  Volume 1 tasks (``sem_task``), the unit group's title and description (``sem_unit``), and a
  ridge regression from sentence vectors to unit groups learnt from coded NOS titles, index
  titles and tasks (``sem_probe``). They see that "Prepare and cook fish dishes" is close to
  "fish cook" and "Drive a lorry" to "HGV driver". Without an encoder they are zero and the
  combiner learns to do without them.

The combiner (`_RankModel`) is gradient-boosted trees over each (query, candidate unit
group) pair: every signal's score, its share of the query's best on that signal and the
candidate's place among all unit groups on it, with
what kind of query it is (a full record whose suite already has coded NOS, a full record of
a new suite, a title alone, a job title) and how close its nearest
neighbours are. It learns on held-out queries made inside `fit`: three random sets of coded
NOS hidden (as `bench/soc_quality.py` hides them; their copies and suite-mates keep their
codes), each with the full record and with the title alone; a fifth of the suites hidden whole
(full record: a NOS whose suite has no coded NOS yet); coding-index job titles. A unit group is right when the ONS table gives it at least 5% of a SOC 2010
code's workers in one of its samples (`SUCCESSOR_MIN_SHARE`), the rule the bench scores by.
A logistic calibration per regime, fitted on held-out queries whose suites the trees did not
learn from, then an isotonic map of it (one for each query's first candidate, one for the
rest) turn the trees' output into the probability that the unit group is right, so that a
confidence of 0.8 means right about 8 times in 10 in that regime.
`bench/soc_quality.py` measures both.

The package, one job per module: `records` (what the coder is given and gives back), `reading`
(how it reads text), `votes` (nearest-neighbour votes), `signals`, `combiner` and `soc_coder`
(`SocCoder`: fit, suggest, evidence); `tuned` (what the sentence model is fine-tuned on).
"""

from .combiner import REGIMES
from .records import (
    SUCCESSOR_MIN_SHARE,
    CodedNeighbour,
    CoderText,
    Encoder,
    Labelled,
    SocReference,
    Suggestion,
    UnitGroup,
    labels_from_soc2010,
)
from .signals import SEMANTIC, SIGNALS
from .soc_coder import SocCoder

__all__ = [
    "REGIMES",
    "SEMANTIC",
    "SUCCESSOR_MIN_SHARE",
    "SIGNALS",
    "CodedNeighbour",
    "CoderText",
    "Encoder",
    "Labelled",
    "SocCoder",
    "SocReference",
    "Suggestion",
    "UnitGroup",
    "labels_from_soc2010",
]
