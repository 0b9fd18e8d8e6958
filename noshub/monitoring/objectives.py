"""The NOS Strategy 2022's objectives (its strategic action plan), in order: the annual report's
chapters. Quoted from the strategy; each measure names the objective it informs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

OBJECTIVES: dict[int, dict] = {
    1: {
        "title": "Refresh the NOS Database/ website to improve accessibility and appropriate presentation of NOS product",
        "short": _("A refreshed, accessible NOS database"),
    },
    2: {
        "title": "Enable transferability of skills across sectors including through the definition of pan and multi sector NOS",
        "short": _("Transferable skills: pan- and multi-sector NOS"),
    },
    3: {
        "title": "Make better and more consistent use of LMI and other data sources in NOS development to support economic recovery and growth",
        "short": _("Labour market information in NOS development"),
    },
    4: {
        "title": "Ensure continuous improvement of end-to-end NOS process",
        "short": _("A continuously improving NOS process"),
    },
    5: {
        "title": "Develop and implement a robust evaluation and monitoring process",
        "short": _("Evaluation and monitoring"),
    },
    6: {
        "title": "Develop and implement a communications and engagement strategy to support the delivery of the NOS strategy and action plan",
        "short": _("Communications and engagement"),
    },
    7: {
        "title": "Continue to pursue clearer alignment with respective four-nation and international occupational standards policy",
        "short": _("Alignment with other occupational standards"),
    },
}
