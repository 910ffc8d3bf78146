"""Making Data Count XmR charts as PNG, for the Word and PDF packs.

A view's `ChartData` and the pack's theme in, PNG bytes out, by way of a chart spec: plain JSON values holding everything
the pixels depend on. The spec is what is drawn, what keys the chart cache and what a worker
process is sent. No pyplot and no rcParams changes: a `Figure` with its own Agg canvas, every
text object given its font explicitly and drawn as plain text (no mathtext, so a `$` in a user's
title prints as typed). The same spec gives the same bytes: fixed size, dpi and font, an opaque
RGB image and no text chunks in the PNG.

Conventions (Making Data Count): values as a grey line; baseline points hollow; common cause grey;
special-cause improvement blue, concern orange; baseline mean solid; process limits dashed;
target red; the action's opening date dotted. Limits are the baseline's, held fixed across
the whole chart (as `compiler.assess.spc` judges them). The value axis follows the data and those lines
(`y_range`), never from zero.
"""
from __future__ import annotations

import hashlib
import io
import json
import math
import os
import textwrap
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:   # matplotlib is imported on the first drawing: charts found in the cache need none
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.font_manager import FontProperties

    from compiler.render.theme import Theme
    from compiler.views.common import ChartData
    from evidence_store.cache import EvidenceCache

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
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
CACHE_KIND = "spc-chart"
POOL_MIN = 12                 # fewer charts to draw than this: drawn here (a worker takes ~0.5 s to start)


def chart_spec(
    data: ChartData,
    *,
    theme: Theme,
    width_in: float = 6.3,
    height_in: float = 2.8,
    dpi: int = 150,
) -> dict[str, Any]:
    """Everything one chart's pixels depend on, as JSON values (signals show only as a point's kind)."""
    colours = {**_DEFAULTS, **theme.colours}
    return {
        "title": data.title,
        "opened": data.opened.isoformat(),
        "better": data.better,
        "target": data.target,
        "mean": data.mean,
        "upl": data.upl,
        "lpl": data.lpl,
        "provisional": data.provisional,
        "fallback": data.fallback,
        "fallback_reason": data.fallback_reason,
        "points": [[period.isoformat(), value, kind] for period, value, kind in data.points],
        "colours": {name: colours[name] for name in _DEFAULTS},
        "font": FONT,
        "size": [float(width_in), float(height_in)],
        "dpi": float(dpi),
    }


def chart_key(spec: dict[str, Any]) -> str:
    """SHA-256 of the spec's canonical JSON: the chart cache's key."""
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def chart_version() -> str:
    """The chart cache's version: this module's code and the libraries that draw and encode."""
    import sys

    from evidence_store.shelf import code_version

    return code_version(sys.modules[__name__], libraries=("matplotlib", "pillow"))


def draw_charts(specs: list[dict[str, Any]], *, cache: EvidenceCache | None = None,
                workers: int | None = None) -> list[bytes]:
    """PNG bytes for each spec, in order. `cache` gives the charts drawn before; the rest are drawn once each,
    in worker processes when there are at least POOL_MIN of them and more than one CPU (`workers`: default,
    the CPUs available)."""
    from evidence_store.shelf import Shelf

    keys = [chart_key(spec) for spec in specs]
    shelf: Shelf[bytes] = Shelf(cache, CACHE_KIND, chart_version() if cache is not None else "")
    found: dict[str, bytes] = {}
    if shelf.on:
        for key in dict.fromkeys(keys):
            png = shelf.find(key, _read_png)
            if png is not None:
                found[key] = png
    todo = {key: spec for key, spec in zip(keys, specs) if key not in found}   # one drawing per distinct chart
    drawn = _draw_all(list(todo.values()), workers)
    for key, png in zip(todo, drawn):
        found[key] = png
        shelf.keep(key, {"bytes": len(png)}, png)
    return [found[key] for key in keys]


def _read_png(value: Any, png: bytes | None) -> bytes:
    if (isinstance(png, bytes) and png.startswith(PNG_MAGIC) and png.endswith(_PNG_END)
            and isinstance(value, dict) and value.get("bytes") == len(png)):
        return png
    raise ValueError("damaged entry")


def _draw_all(specs: list[dict[str, Any]], workers: int | None) -> list[bytes]:
    """draw_chart over specs, in order; in a process pool when it pays. A pool that cannot start
    or breaks costs time, never a chart: what it did not return is drawn here."""
    workers = min(workers or _cpus(), len(specs) // (POOL_MIN // 2))
    if len(specs) < POOL_MIN or workers < 2:
        return [draw_chart(spec) for spec in specs]
    from concurrent.futures import ProcessPoolExecutor

    pngs: list[bytes] = []
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
            # map yields in the order given, whichever worker finishes first; small chunks, so no
            # worker sits idle at the end while another draws a long last chunk
            for png in pool.map(draw_chart, specs, chunksize=max(1, min(4, len(specs) // (workers * 8)))):
                pngs.append(png)
    except Exception as exc:  # noqa: BLE001 - a drawing bug raises again below, in this process
        from evidence_store.cache import note

        why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        note(f"charts drawn in this process ({why})")
    return pngs + [draw_chart(spec) for spec in specs[len(pngs):]]


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _mp_context():  # noqa: ANN202
    import multiprocessing

    # Spawn: fresh interpreters that exit with the pool. A fork would copy this process's memory and any
    # locks its threads hold; a fork server (matplotlib imported once, each worker forked ready to draw)
    # saved about 1 s of CPU a worker but stayed alive for the rest of the build, 65 MB of it, and a
    # provider-wide build is judged on the memory of all its processes together.
    return multiprocessing.get_context("spawn")


def draw_chart(spec: dict[str, Any]) -> bytes:
    """Draw one chart spec (chart_spec) as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    width_in, height_in = spec["size"]
    dpi = spec["dpi"]
    colours = spec["colours"]
    text_c = colours["text"]
    target, mean, upl, lpl = spec["target"], spec["mean"], spec["upl"], spec["lpl"]
    font_name = spec["font"]

    def font(size: float, weight: str = "normal") -> FontProperties:
        return FontProperties(family=font_name, size=size, weight=weight)

    plain = {"parse_math": False, "usetex": False}

    fig = Figure(figsize=(width_in, height_in), dpi=dpi, layout="constrained", facecolor="white")
    canvas = FigureCanvasAgg(fig)
    fig.get_layout_engine().set(w_pad=0.04, h_pad=0.03, hspace=0.0, wspace=0.0)
    ax = fig.add_subplot()
    ax.set_facecolor("white")

    # --- title and subtitle ----------------------------------------------------------------
    title = spec["title"]
    wrap = max(30, int(width_in * 11))   # characters per line at 9 pt, roughly
    head = textwrap.fill(" ".join(title.split()) or "Indicator", wrap, max_lines=2, placeholder=" …")
    fig.suptitle(head, x=0.01, ha="left", color=text_c, fontproperties=font(9, "bold"), **plain)
    sub = [f"{spec['better']} is better"]
    if target is not None:
        sub.append(f"target {_num(target)}")
    if spec["provisional"] and upl is not None:
        sub.append("limits provisional (fewer than 12 baseline points)")
    ax.set_title(" · ".join(sub), loc="left", color=text_c, fontproperties=font(7), pad=3, **plain)

    points = [(date.fromisoformat(day), value, kind) for day, value, kind in spec["points"]]
    xs = [float(date2num(day)) for day, _, _ in points]
    ys = [value for _, value, _ in points]
    x_open = float(date2num(date.fromisoformat(spec["opened"])))
    handles: list[Line2D] = []    # lines, for the legend
    markers: list[Line2D] = []    # point kinds shown, for the legend (listed first)

    # --- reference lines: mean, limits, target -----------------------------------------------
    if mean is not None:
        ax.axhline(mean, color=colours["spc_mean"], lw=1.0, zorder=2)
        handles.append(Line2D([], [], color=colours["spc_mean"], lw=1.0, label="baseline mean"))
    if upl is not None and lpl is not None:
        for y in (upl, lpl):
            ax.axhline(y, color=colours["spc_limit"], lw=0.9, ls=(0, (4, 2.5)), zorder=2)
        handles.append(Line2D([], [], color=colours["spc_limit"], lw=0.9, ls=(0, (4, 2.5)), label="process limits"))
    if target is not None:
        ax.axhline(target, color=colours["spc_target"], lw=1.1, zorder=2)
        handles.append(Line2D([], [], color=colours["spc_target"], lw=1.1, label="target"))

    # --- the values: one line, one scatter per kind of point ------------------------------------
    if points:
        ax.plot(xs, ys, color=colours["spc_line"], lw=1.1, zorder=3)
        for kind, (face, edge, label) in _point_styles(colours).items():
            sel = [(x, value) for x, (_, value, k) in zip(xs, points) if k == kind]
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

    refs = [v for v in (mean, upl, lpl, target) if v is not None]
    ax.set_ylim(*y_range(ys, refs))

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
        ticks = [day for day, _, _ in points[::step]]
        ax.set_xticks([float(date2num(day)) for day in ticks])
        ax.set_xticklabels([f"{_MONTHS[day.month - 1]} {day.year % 100:02d}" for day in ticks])
    else:
        ax.set_xticks([])
    whole = all(float(v).is_integer() for v in ys) and (target is None or float(target).is_integer())
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], integer=whole, min_n_ticks=3))
    unsigned = bool(ys) and min(ys) >= 0          # counts and rates: no value is below zero, nor any label
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: "" if unsigned and v < -1e-9 else _num(v)))
    ax.tick_params(labelsize=7, labelfontfamily=font_name, colors=text_c, length=2.5, width=0.6, pad=2)
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
    if spec["fallback"]:   # as the x-axis label: under the tick labels, above the legend
        note = f"fallback: {spec['fallback_reason'] or 'too few points for SPC'}"
        note = textwrap.fill(note, int(width_in * 15), max_lines=2, placeholder=" …")
        ax.set_xlabel(note, loc="left", color=text_c, fontproperties=font(6.5), labelpad=3, **plain)
        ax.xaxis.label.set_style("italic")

    # Lay out once, then draw once: savefig would draw twice (a layout pass, then the pixels).
    fig.get_layout_engine().execute(fig)
    fig.set_layout_engine("none")
    canvas.draw()
    return _png(canvas, dpi)


def y_range(values: list[float], refs: list[float]) -> tuple[float, float]:
    """The value axis, (bottom, top): from the data and the lines drawn across it (process limits, mean, target),
    with a margin below and room above for the "action opened" label. Never from zero (Making Data Count
    charts follow the data: 75 to 95 is drawn as 75 to 95); a lower limit below zero for data that cannot be
    negative (counts, rates) is not drawn below zero."""
    shown = [float(v) for v in (*values, *refs)]
    if not shown:
        return 0.0, 1.0
    lo, hi = min(shown), max(shown)
    if values and min(values) >= 0 and lo < 0:
        lo = 0.0
    span = hi - lo or max(1.0, abs(hi) * 0.1)
    return lo - span * 0.08, hi + span * 0.16


def _png(canvas: FigureCanvasAgg, dpi: float) -> bytes:
    """The canvas as an RGB PNG (the figure is opaque, so no alpha channel to store or compress)."""
    from PIL import Image

    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, format="png", dpi=(dpi, dpi))
    return buf.getvalue()


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
