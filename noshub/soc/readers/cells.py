"""Cell values of the ONS SOC workbooks: blanks, texts, bulleted lists and codes.

The ONS writes ``<blank>`` in some empty cells and ``}}}}`` where an entry has no code;
codes may be stored as numbers. These helpers turn cells into clean text and checked codes,
rejecting a malformed code with the file, row and column.
"""

from __future__ import annotations

import re
from typing import Any

from noshub.core.errors import ImportRejected
from noshub.core.readers.workbook import Sheet

_PLACEHOLDERS = {"<blank>"}  # Volume 1 writes <blank> in empty cells


def is_blank(value: Any) -> bool:
    """An empty cell: None, only whitespace, or the <blank> placeholder."""
    if value is None:
        return True
    if isinstance(value, str):
        s = value.strip()
        return not s or s.lower() in _PLACEHOLDERS
    return False


def one_line(value: Any) -> str:
    """A one-line text: whitespace (incl. no-break spaces and newlines) collapsed."""
    if is_blank(value):
        return ""
    return " ".join(str(value).split())


def optional_line(value: Any) -> str | None:
    """A one-line text, None when blank."""
    return one_line(value) or None


def paragraphs(value: Any) -> str:
    """A multi-line text: lines kept, spaces within lines collapsed, blank lines squeezed."""
    if is_blank(value):
        return ""
    lines = [" ".join(line.split()) for line in str(value).splitlines()]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


_BULLETS = "~•·▪◦*-–"


def bullet_items(value: Any) -> tuple[str, ...]:
    """Split a bulleted list cell ("~item\\n\\n~item") into clean items."""
    if is_blank(value):
        return ()
    text = str(value)
    parts = text.split("~") if "~" in text else re.split(r"\n|•|▪", text)
    items = []
    for part in parts:
        item = " ".join(part.split()).lstrip(_BULLETS + " ")
        if item:
            items.append(item)
    return tuple(items)


def is_no_code_marker(value: Any) -> bool:
    """The ONS's "no code" marker: }}}, }}}} or }}}}/}}."""
    return isinstance(value, str) and bool(re.fullmatch(r"\s*\}+(\s*/\s*\}+)?\s*", value))


def code_text(value: Any) -> str | None:
    """A code cell as text (ints as digits), or None if blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()


def checked_code(
    value: Any,
    digits: int,
    *,
    file: str,
    sheet: Sheet,
    row: int,
    key: str,
    what: str,
    zero_pad: bool = False,
) -> str | None:
    """A code of exactly ``digits`` digits, None if blank or the "no code" marker."""
    if is_no_code_marker(value):
        return None
    text = code_text(value)
    if text is None:
        return None
    if zero_pad and re.fullmatch(r"[0-9]+", text) and len(text) < digits:
        text = text.zfill(digits)
    if not re.fullmatch(rf"[0-9]{{{digits}}}", text):
        raise ImportRejected(
            file,
            f"sheet {sheet.name!r}: malformed {what} {text!r} (expected {digits} digits)",
            row=row,
            field=sheet.label(key),
        )
    return text


def whole_number(value: Any) -> int | None:
    """A whole number (int, integral float or digits), else None."""
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", value):
        return int(value)
    return None
