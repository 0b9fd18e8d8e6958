"""What the ONS SOC readers return: one record type per workbook, and the levels of SOC 2020."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

#: The four levels of SOC 2020, broadest first.
LEVELS: tuple[str, ...] = ("major", "sub_major", "minor", "unit")
#: Number of digits of a code at each level.
CODE_LENGTHS: dict[str, int] = {"major": 1, "sub_major": 2, "minor": 3, "unit": 4}


@dataclass(frozen=True, slots=True)
class SocGroupRecord:
    """One SOC 2020 group of any level, from Volume 1.

    ``sheet``/``row`` point at the group's row in the descriptions sheet;
    ``framework_row`` at its row in the framework sheet.  ``entry_routes`` is the
    column "Typical Entry Routes And Associated Qualifications" (empty for major,
    sub-major and minor groups, which the ONS does not describe at that level).
    ``tasks`` and ``related_job_titles`` are the ``~``-bulleted lists of the workbook,
    one clean item per entry (empty tuples above unit-group level).
    ``unique_id`` (e.g. ``soc-y1aa``, unit groups only), ``version`` (e.g. ``V7``)
    and ``change`` (e.g. "Unit group title was ...") come from the framework sheet.
    """

    code: str
    level: str
    title: str
    description: str
    entry_routes: str
    tasks: tuple[str, ...]
    related_job_titles: tuple[str, ...]
    parent_code: str | None
    sheet: str
    row: int
    _: KW_ONLY
    unique_id: str | None = None
    version: str | None = None
    change: str | None = None
    framework_sheet: str | None = None
    framework_row: int | None = None


@dataclass(frozen=True, slots=True)
class CodingIndexRecord:
    """One entry of the SOC 2020 coding index (Volume 2).

    ``title`` is the job title in natural word order ("Head chef"), ``index_title``
    as the index sorts it ("Chef, head").  Codes are strings: ``soc2020_unit``
    ``"5434"``, ``soc2020_sub_unit`` ``"5434/00"`` (the extended SOC sub-unit group;
    ``/00`` = unit group not subdivided, ``/99`` = n.e.c.), ``soc2010``, ``soc2000``
    (4 digits), ``soc90`` (3 digits), ``isco08`` (4 digits, leading zero kept:
    ``"0110"``).

    Cross-reference entries: about 230 index entries carry no code at all (the
    workbook writes ``}}}}`` in every code column) and only point elsewhere through
    ``see`` ("see Adviser", "see also notes").  They are returned, with
    ``soc2020_unit`` ``None`` and :attr:`is_cross_reference` true, so the reader
    returns the complete index; filter them out where a code is needed.  Likewise a
    ``}}}}`` in one code column only (e.g. SOC 2010 for a few new entries) gives
    ``None`` for that code.

    ``issues`` lists data-quality notes about the row that did not justify rejecting
    the file (e.g. a sub-unit group that does not belong to the row's unit group;
    such a sub-unit is dropped, i.e. ``soc2020_sub_unit`` is ``None``).
    """

    title: str
    soc2020_unit: str | None
    soc2020_sub_unit: str | None
    soc2010: str | None
    isco08: str | None
    sheet: str
    row: int
    _: KW_ONLY
    index_title: str = ""
    additional_qualifier: str | None = None
    industry_qualifier: str | None = None
    see: str | None = None
    default_entry: str | None = None
    soc2000: str | None = None
    soc90: str | None = None
    unique_id: str | None = None
    recno: int | None = None
    version: str | None = None
    change: str | None = None
    soc2020_unit_title: str | None = None
    soc2020_sub_unit_title: str | None = None
    soc2010_unit_title: str | None = None
    isco08_title: str | None = None
    issues: tuple[str, ...] = ()

    @property
    def is_cross_reference(self) -> bool:
        """True for an index entry that only refers to other entries (no SOC 2020 code)."""
        return self.soc2020_unit is None


@dataclass(frozen=True, slots=True)
class SocRelationshipRecord:
    """One SOC 2010 unit group -> SOC 2020 unit group link of the ONS relationship table.

    The table comes from dual-coding the same workers to SOC 2010 and SOC 2020, in
    the Labour Force Survey (LFS) and in the 2011 Census, for men and women
    separately.  For each SOC 2010 group a "Total sample" row gives the four sample
    sizes (``*_base``, workers coded to that SOC 2010 group); each following row gives,
    per SOC 2020 group, the share of those workers coded to it.  Although the columns
    are named ``*_perc_2020``, the workbook holds **fractions (0..1), not per cent**;
    the reader checks this (a value outside 0..1 rejects the file) and returns
    fractions.

    * ``men_lfs_proportion``, ``men_census_proportion``, ``women_lfs_proportion``,
      ``women_census_proportion``: the four published shares, as fractions; ``None``
      where the sample behind it is empty (the workbook writes 0 there).
    * ``proportion``: one all-persons share, pooled from men and women weighted by
      their sample sizes, ``(m_base*m + w_base*w) / (m_base + w_base)``, taken from the
      Census (the larger sample) or, where the Census sample of the SOC 2010 group is
      empty, from the LFS; ``None`` if both are empty.  ``proportion_source`` says
      which: ``"census"``, ``"lfs"`` or ``None``.

    The shares of one SOC 2010 group add up to 1 or slightly less (the ONS leaves
    out very small remainders).  ``row`` is the SOC 2020 row; ``soc2010_row`` the
    group's "Total sample" row.  Titles are as the table prints them (some SOC 2020
    titles predate later renamings in Volume 1).
    """

    soc2010: str
    soc2010_title: str
    soc2020: str
    soc2020_title: str
    proportion: float | None
    sheet: str
    row: int
    _: KW_ONLY
    proportion_source: str | None = None
    men_lfs_proportion: float | None = None
    men_census_proportion: float | None = None
    women_lfs_proportion: float | None = None
    women_census_proportion: float | None = None
    men_lfs_base: int | None = None
    men_census_base: int | None = None
    women_lfs_base: int | None = None
    women_census_base: int | None = None
    soc2010_row: int | None = None
