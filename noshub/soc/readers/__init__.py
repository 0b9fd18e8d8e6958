"""Readers for the ONS Standard Occupational Classification 2020 (SOC 2020) workbooks.

Pure Python (openpyxl only, no Django), one reader per workbook as the ONS publishes it:

* Volume 1, structure and descriptions of unit groups: :func:`read_soc2020_structure`
  (``structure.py``);
* Volume 2, the coding index: :func:`read_coding_index` (``coding_index.py``);
* the SOC 2010 -> SOC 2020 relationship table: :func:`read_soc2010_to_2020` (``crosswalk.py``).

Sheets and header rows are found by their column names, not by position
(``noshub.core.readers.workbook``): the readers look at every sheet and at the first
``HEADER_SCAN_ROWS`` rows of each, so title rows above the header and reordered or extra
columns do no harm.

Every reader returns all records of the file or raises
:class:`~noshub.core.errors.ImportRejected` (with the file name, the 1-based
spreadsheet row and the column where that makes sense): when the file is not a
readable xlsx workbook, when a required sheet or column is missing, when a code is
malformed or the hierarchy is inconsistent.  Blank rows are skipped.
"""

from .coding_index import read_coding_index
from .crosswalk import read_soc2010_to_2020
from .records import CODE_LENGTHS, LEVELS, CodingIndexRecord, SocGroupRecord, SocRelationshipRecord
from .structure import read_soc2020_structure

__all__ = [
    "CODE_LENGTHS",
    "LEVELS",
    "CodingIndexRecord",
    "SocGroupRecord",
    "SocRelationshipRecord",
    "read_coding_index",
    "read_soc2010_to_2020",
    "read_soc2020_structure",
]
