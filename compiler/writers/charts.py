"""Making Data Count XmR charts as PNG, for the Word and PDF packs (SPEC 6.1, DOMAIN 5.1–5.3).

Pure: an `SpcResult` in, PNG bytes out. No pyplot and no rcParams changes: a `Figure` with
its own Agg canvas, every text object given its font explicitly and drawn as plain text
(no mathtext, so a `$` in a user's title prints as typed). The same input gives the same
bytes: fixed size, dpi and font, and no "Software" entry in the PNG metadata.

Conventions (DOMAIN 5): values as a grey line; baseline points hollow; common cause grey;
special-cause improvement blue, concern orange; baseline mean solid; process limits dashed;
target red; the action's opening date dotted. Limits are the baseline's, held fixed across
the whole chart (as `compiler.assess.spc` judges them).
"""
from __future__ import annotations

import io
import math
import textwrap
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator

from compiler.model.spc import SpcPoint, SpcResult
from compiler.packs.profiles import Theme, load_theme

FONT = "DejaVu Sans"          # ships with matplotlib, so every machine draws the same glyphs
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DEFAULTS = {                 # used when a re-branded theme leaves a colour out
    "text": "#1d1d1b",
    "spc_common": "#a6a6a6",
    "spc_improvement": "#00b0f0",
    "spc_concern": "#e46c0a",
    "spc_target": "#de1b1b",
    "spc_mean": "#1d1d1b",
    "spc_limit": "#6f7275",
    "spc_line": "#8c8c8c",
}


def spc_chart_png(
    spc: SpcResult,
    *,
    title: str,
    opened: date,
    theme: Theme | None = None,
    width_in: float = 6.3,
    height_in: float = 2.8,
    dpi: int = 150,
) -> bytes:
    """Draw one indicator's XmR chart; returns PNG bytes of width_in*dpi by height_in*dpi pixels."""
    colours = dict(_DEFAULTS)
    colours.update((theme or load_theme()).colours)
    text_c = colours["text"]

    def font(size: float, weight: str = "normal") -> FontProperties:
        return FontProperties(family=FONT, size=size, weight=weight)

    plain = {"parse_math": False, "usetex": False}

    fig = Figure(figsize=(width_in, height_in), dpi=dpi, layout="constrained", facecolor="white")
    FigureCanvasAgg(fig)
    fig.get_layout_engine().set(w_pad=0.04, h_pad=0.03, hspace=0.0, wspace=0.0)
    ax = fig.add_subplot()
    ax.set_facecolor("white")

    # --- title and subtitle ----------------------------------------------------------------
    wrap = max(30, int(width_in * 11))   # characters per line at 9 pt, roughly
    head = textwrap.fill(" ".join(title.split()) or "Indicator", wrap, max_lines=2, placeholder=" …")
    fig.suptitle(head, x=0.01, ha="left", color=text_c, fontproperties=font(9, "bold"), **plain)
    sub = [f"{spc.better} is better"]
    if spc.target is not None:
        sub.append(f"target {_num(spc.target)}")
    if spc.provisional and spc.upl is not None:
        sub.append("limits provisional (fewer than 12 baseline points)")
    ax.set_title(" · ".join(sub), loc="left", color=text_c, fontproperties=font(7), pad=3, **plain)

    points = list(spc.points)
    xs = [float(date2num(p.period)) for p in points]
    ys = [p.value for p in points]
    x_open = float(date2num(opened))
    handles: list[Line2D] = []    # lines, for the legend
    markers: list[Line2D] = []    # point kinds shown, for the legend (listed first)

    # --- reference lines: mean, limits, target -----------------------------------------------
    if spc.mean is not None:
        ax.axhline(spc.mean, color=colours["spc_mean"], lw=1.0, zorder=2)
        handles.append(Line2D([], [], color=colours["spc_mean"], lw=1.0, label="baseline mean"))
    if spc.upl is not None and spc.lpl is not None:
        for y in (spc.upl, spc.lpl):
            ax.axhline(y, color=colours["spc_limit"], lw=0.9, ls=(0, (4, 2.5)), zorder=2)
        handles.append(Line2D([], [], color=colours["spc_limit"], lw=0.9, ls=(0, (4, 2.5)), label="process limits"))
    if spc.target is not None:
        ax.axhline(spc.target, color=colours["spc_target"], lw=1.1, zorder=2)
        handles.append(Line2D([], [], color=colours["spc_target"], lw=1.1, label="target"))

    # --- the values ---------------------------------------------------------------------------
    if points:
        ax.plot(xs, ys, color=colours["spc_line"], lw=1.1, zorder=3)
        styles = _point_styles(colours)
        for kind, (face, edge, label) in styles.items():
            sel = [(x, p.value) for x, p in zip(xs, points) if _kind(p) == kind]
            if not sel:
                continue
            ax.scatter([s[0] for s in sel], [s[1] for s in sel], s=22, marker="o", c=face,
                       edgecolors=edge, linewidths=1.0, zorder=4)
            markers.append(Line2D([], [], ls="none", marker="o", markersize=5, markerfacecolor=face,
                                  markeredgecolor=edge, markeredgewidth=1.0, label=label))

    # --- axes ranges ---------------------------------------------------------------------------
    span = [*xs, x_open] if xs else [x_open - 15, x_open + 15]
    lo_x, hi_x = min(span), max(span)
    pad_x = max(10.0, (hi_x - lo_x) * 0.03)
    ax.set_xlim(lo_x - pad_x, hi_x + pad_x)

    refs = [v for v in (spc.mean, spc.upl, spc.lpl, spc.target) if v is not None]
    values = ys or [0.0]
    lo_y = min(values + refs)
    hi_y = max(values + refs)
    if min(values) >= 0 and (spc.target is None or spc.target >= 0):
        lo_y = 0.0          # counts and rates: the axis starts at zero; a negative LPL is cut off
    height = hi_y - lo_y or max(1.0, abs(hi_y))
    top = hi_y + height * 0.16   # a clear strip at the top for the "action opened" label
    bottom = lo_y if lo_y == 0.0 else lo_y - height * 0.05
    ax.set_ylim(bottom, top)

    # --- the action's opening date -------------------------------------------------------------
    ax.axvline(x_open, color=text_c, lw=0.9, ls=(0, (1, 1.6)), zorder=2)
    handles.append(Line2D([], [], color=text_c, lw=0.9, ls=(0, (1, 1.6)), label="action opened"))
    frac = (x_open - ax.get_xlim()[0]) / (ax.get_xlim()[1] - ax.get_xlim()[0])
    right = frac > 0.7
    ax.annotate("action opened", xy=(x_open, 1.0), xycoords=("data", "axes fraction"),
                xytext=(-3 if right else 3, -2), textcoords="offset points",
                ha="right" if right else "left", va="top", color=text_c,
                fontproperties=font(6.5), **plain)

    # --- ticks ---------------------------------------------------------------------------------
    if points:
        # about 0.55 in per "Mar 26" label at 7 pt; the points may fill only part of the axis
        x0, x1 = ax.get_xlim()
        room = max(0.5, width_in - 0.7) * (max(xs) - min(xs)) / (x1 - x0)
        step = max(1, math.ceil(len(points) / max(1, int(room / 0.55) + 1)))
        ticks = points[::step]
        ax.set_xticks([float(date2num(p.period)) for p in ticks])
        ax.set_xticklabels([f"{_MONTHS[p.period.month - 1]} {p.period.year % 100:02d}" for p in ticks])
    else:
        ax.set_xticks([])
    whole = all(float(v).is_integer() for v in ys) and (spc.target is None or float(spc.target).is_integer())
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=whole, min_n_ticks=3))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _num(v)))
    ax.tick_params(labelsize=7, labelfontfamily=FONT, colors=text_c, length=2.5, width=0.6, pad=2)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    for spine in ("left", "bottom"):
        ax.spines[spine].set_linewidth(0.6)
        ax.spines[spine].set_color(colours["spc_limit"])
    ax.grid(False)

    if not points:
        ax.text(0.5, 0.5, "no data", transform=ax.transAxes, ha="center", va="center",
                color=text_c, fontproperties=font(8), **plain)

    # --- legend and fallback note, below the plot ----------------------------------------------
    entries = markers + handles
    legend = fig.legend(handles=entries, loc="outside lower center", ncols=min(len(entries), 4),
                        frameon=False, prop=font(6.5), handlelength=2.2, columnspacing=1.4,
                        handletextpad=0.5, borderaxespad=0.2, labelspacing=0.3)
    for t in legend.get_texts():
        t.set_parse_math(False)
    if spc.fallback:   # as the x-axis label: under the tick labels, above the legend
        note = f"fallback: {spc.fallback_reason or 'too few points for SPC'}"
        note = textwrap.fill(note, int(width_in * 15), max_lines=2, placeholder=" …")
        ax.set_xlabel(note, loc="left", color=text_c, fontproperties=font(6.5), labelpad=3, **plain)
        ax.xaxis.label.set_style("italic")

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    fig.clear()
    return buf.getvalue()


def _kind(p: SpcPoint) -> str:
    return "baseline" if p.baseline else p.point_type


def _point_styles(colours: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """point kind -> (face, edge, legend label), in legend order."""
    grey = colours["spc_common"]
    return {
        "baseline": ("white", grey, "baseline (before action)"),
        "common_cause": (grey, grey, "common cause"),
        "special_cause_improvement": (colours["spc_improvement"], colours["spc_improvement"], "improvement"),
        "special_cause_concern": (colours["spc_concern"], colours["spc_concern"], "concern"),
    }


def _num(v: float) -> str:
    """Axis and subtitle numbers: whole numbers plain, others to a few places, no exponent."""
    if abs(v - round(v)) < 1e-9:
        return f"{round(v):,}"
    text = f"{v:,.2f}" if abs(v) < 100 else f"{v:,.1f}"
    return text.rstrip("0").rstrip(".")
