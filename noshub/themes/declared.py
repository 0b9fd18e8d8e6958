"""The five themes of the pan-sector NOS project and their declared reference sets.

Each theme's reference NOS are the NOS of its *home suites*: the suites its standards-setting
organisation published as the theme's own standards (named in the catalogue, matched by suite
name; `README.md` says which and why). Nothing here is learnt: changing a home suite is a
change to this file. No Django.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    slug: str
    name: str  # English; the pages translate it (see `services.THEME_NAMES`)
    suites: str  # a regular expression over suite names (case ignored), the home suites
    developers: tuple[str, ...]  # who publishes the home suites (for the README and pages)
    why: str

    def is_home(self, suite: str) -> bool:
        return bool(re.search(self.suites, suite or "", re.I))


THEMES: tuple[Theme, ...] = (
    Theme(
        "business-administration",
        "Business and administration",
        r"^business (?:and|&) administration(?: nos)? \((?:2010|2013)\)$",
        ("Skills CFA",),
        "Skills CFA's Business and Administration suites (2010, 2013): the cross-sector suite other developers import from.",
    ),
    Theme(
        "leadership-management",
        "Leadership and management",
        r"^(?:management and leadership national occupational standards 2008|leadership and management|management & leadership)$",
        ("Skills CFA",),
        "The Management and Leadership NOS (2008, held by Skills CFA; key areas A-F), the suite the 2010 review describes.",
    ),
    Theme(
        "digital-applications",
        "Digital applications",
        r"^it users(?: 6\.2)?$",
        ("e-skills",),
        "e-skills UK's IT Users suites (IT Users, IT Users 6.2): using software applications in any job.",
    ),
    Theme(
        "learning-development",
        "Learning and development",
        r"^learning and development \(2010\)$",
        ("LSIS",),
        "The Learning and Development NOS (2010, LSIS, after Lifelong Learning UK): training and assessing in any sector.",
    ),
    Theme(
        "customer-service",
        "Customer service",
        r"^customer service (?:\(2013\)|2010)$",
        ("Skills CFA",),
        "Skills CFA's Customer Service suites (2010, 2013), imported by retail, hospitality, utilities and others.",
    ),
)

BY_SLUG = {t.slug: t for t in THEMES}
THEME_SLUGS = tuple(t.slug for t in THEMES)


def home_theme(suites) -> str:
    """The slug of the theme whose home suites hold a NOS ("" for none)."""
    for theme in THEMES:
        if any(theme.is_home(s) for s in suites):
            return theme.slug
    return ""
