"""Charts as SVG (matplotlib, no pyplot: thread-safe) with their text alternatives.

Reproducible: no date in the SVG's metadata, a fixed salt for its element ids, text kept as
text (not paths), so the same figures give the same bytes. The words (legend, text
alternatives) are in the active language."""

from __future__ import annotations

import base64
import datetime as dt
import io

import matplotlib
from django.utils.translation import gettext as _

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

matplotlib.rcParams.update(
    {"svg.hashsalt": "noshub-monitoring", "svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9}
)

BLUE, GREEN, GREY = "#1d70b8", "#00703c", "#505a5f"


def _svg(fig: Figure) -> str:
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None, "Creator": "NOS Hub"}, bbox_inches="tight")
    text = out.getvalue()
    return text[text.index("<svg") :]


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    text = f"{value:,.1f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"
    return text + ("%" if unit == "percent" else "")


def trend(points: list[tuple[dt.date, float | None]], *, title: str, unit: str, target: float | None) -> dict:
    """A line of a measure's values over time with its target; {"svg", "alt"}."""
    fig = Figure(figsize=(6, 2.4))
    ax = fig.add_subplot()
    xs = [d for d, v in points if v is not None]
    ys = [v for d, v in points if v is not None]
    if xs:
        ax.plot(xs, ys, marker="o", color=BLUE, linewidth=2, label=title)
    if target is not None:
        ax.axhline(
            target, color=GREEN, linestyle="--", linewidth=1.5, label=_("Target %(target)s") % {"target": _fmt(target, unit)}
        )
    ax.set_title(title, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    if unit == "percent":
        ax.set_ylim(0, 100)
    fig.autofmt_xdate()
    if xs or target is not None:  # nothing labelled, no legend
        ax.legend(loc="best", frameon=False)
    svg = _svg(fig)
    if not xs:
        alt = _("%(title)s: no values yet.") % {"title": title}
    else:
        words = {
            "title": title,
            "n": len(xs),
            "first_day": xs[0].isoformat(),
            "first": _fmt(ys[0], unit),
            "last_day": xs[-1].isoformat(),
            "last": _fmt(ys[-1], unit),
            "target": _fmt(target, unit),
        }
        if target is None:
            alt = _("%(title)s: %(n)s values from %(first_day)s (%(first)s) to %(last_day)s (%(last)s).") % words
        else:
            alt = (
                _("%(title)s: %(n)s values from %(first_day)s (%(first)s) to %(last_day)s (%(last)s); target %(target)s.") % words
            )
    return {"svg": svg, "alt": alt, "uri": data_uri(svg)}


def bars(items: list[tuple[str, float]], *, title: str, unit: str = "count") -> dict:
    """Horizontal bars, largest first as given; {"svg", "alt"}."""
    fig = Figure(figsize=(6, 0.5 + 0.32 * max(len(items), 1)))
    ax = fig.add_subplot()
    labels = [label for label, _ in items][::-1]
    values = [v for _, v in items][::-1]
    ax.barh(labels, values, color=BLUE)
    for y, v in enumerate(values):
        ax.text(v, y, " " + _fmt(v, unit), va="center", color=GREY)
    ax.set_title(title, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    svg = _svg(fig)
    alt = (
        f"{title}: " + "; ".join(f"{label} {_fmt(v, unit)}" for label, v in items) + "."
        if items
        else _("%(title)s: nothing to show.") % {"title": title}
    )
    return {"svg": svg, "alt": alt, "uri": data_uri(svg)}
