"""Small inline-SVG charts for the report: histograms and horizontal bar charts.

A chart is a string of SVG markup that the report embeds as is, so it needs no script,
no network and no plotting library, and it prints. Every label that comes from the
corpus (a source name, a rule code) is escaped here. Colours use SVG presentation
attributes rather than ``style=`` so the report's Content-Security-Policy can forbid
inline styles it did not hash.

Histograms of lengths use a logarithmic x axis (news lengths span four orders of
magnitude: a 40-character brief and a 40,000-character feature sit in one corpus).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from markupsafe import Markup, escape

PALETTE = ("#3b6ea8", "#d9822b", "#2e8b57", "#b03a48", "#7a5195")
FONT = "system-ui, 'DejaVu Sans', sans-serif"
# First-strong isolate and pop directional isolate: a label (a source name) between them
# cannot reorder the value after it in a plain-text tooltip.
FSI, PDI = "\u2068", "\u2069"


@dataclass(frozen=True)
class Bin:
    """One histogram bin: values in ``[low, high)`` (the last bin includes ``high``)."""

    low: float
    high: float
    counts: tuple[int, ...]  # one count per series


# What a histogram's series may be: numbers, or a lazy frame of one numeric column.
Values = Sequence[float] | np.ndarray | pl.LazyFrame


def histogram_bins(
    series: Mapping[str, Values],
    *,
    bins: int = 20,
    log: bool = False,
    domain: tuple[float, float] | None = None,
) -> list[Bin]:
    """Shared bins over all ``series``; with ``log`` the bin edges are spaced by ratio.

    The bins span ``domain`` when given (values outside it go to the first or last bin),
    else the range of the data. With ``log`` only values > 0 are binned (a log axis has
    no place for 0); empty input gives no bins.

    A series may be a lazy frame of one column: it is read twice, streamed (its range,
    then the count of each bin), so the values of ten million documents are never held
    at once.
    """
    frames = [_binnable(values, log) for values in series.values()]
    ranges = pl.collect_all(
        [f.select(n=pl.len(), low=pl.col("v").min(), high=pl.col("v").max()) for f in frames],
        engine="streaming",
    )
    if bins < 1 or not any(r["n"].item() for r in ranges):
        return []
    if domain is not None:
        low, high = domain
    else:
        low = min(r["low"].item() for r in ranges if r["n"].item())
        high = max(r["high"].item() for r in ranges if r["n"].item())
    scale = math.log10 if log else float
    lo, hi = scale(low), scale(high)
    if hi == lo:
        hi = lo + 1.0
    width = (hi - lo) / bins
    scaled = pl.col("v").log10() if log else pl.col("v")
    index = ((scaled - lo) / width).cast(pl.Int64, strict=False).clip(0, bins - 1)
    counted = pl.collect_all(
        [f.select(i=index).group_by("i").len() for f in frames], engine="streaming"
    )
    counts = []
    for frame in counted:
        count = np.zeros(bins, dtype=np.int64)
        count[frame["i"].to_numpy()] = frame["len"].to_numpy()
        counts.append(count)
    unscale = (lambda x: 10**x) if log else (lambda x: x)
    return [
        Bin(
            unscale(lo + i * width),
            unscale(lo + (i + 1) * width),
            tuple(int(c[i]) for c in counts),
        )
        for i in range(bins)
    ]


def _binnable(values: Values, log: bool) -> pl.LazyFrame:
    """The finite values of a series (> 0 with ``log``) as a lazy frame of a column ``v``."""
    if isinstance(values, pl.LazyFrame):
        frame = values.select(pl.first().cast(pl.Float64).alias("v"))
    else:
        column = (
            pl.Series("v", values, dtype=pl.Float64)
            if isinstance(values, np.ndarray)
            else pl.Series("v", [None if v is None else float(v) for v in values], pl.Float64)
        )
        frame = column.to_frame().lazy()
    keep = pl.col("v").is_finite() & ((pl.col("v") > 0) if log else pl.lit(True))
    return frame.filter(keep)


def histogram_svg(
    series: Mapping[str, Values],
    *,
    title: str,
    x_label: str,
    bins: int = 20,
    log: bool = False,
    domain: tuple[float, float] | None = None,
    width: int = 560,
    height: int = 240,
) -> Markup:
    """A histogram of one or more series sharing bins (bars side by side within a bin)."""
    binned = histogram_bins(series, bins=bins, log=log, domain=domain)
    if not binned:
        return _empty_chart(title, width)
    left, right, top, bottom = 48, 12, 28, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(b.counts) for b in binned) or 1
    n_series = len(series)
    slot = plot_w / len(binned)
    bar_w = max((slot - 2) / n_series, 1.0)
    parts = [_frame_open(title, width, height), _text(left, 18, title, weight="bold")]
    parts += _y_axis(left, top, plot_h, peak, width - right)
    for i, b in enumerate(binned):
        for s, count in enumerate(b.counts):
            if not count:
                continue
            bar_h = plot_h * count / peak
            x = left + i * slot + 1 + s * bar_w
            tip = f"{_fmt(b.low)}–{_fmt(b.high)}: {count:,}"
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w:.1f}" '
                f'height="{bar_h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(tip)}</title></rect>"
            )
    scale = math.log10 if log else float
    lo, hi = scale(binned[0].low), scale(binned[-1].high)
    for tick in x_ticks(binned[0].low, binned[-1].high, log=log):
        x = left + plot_w * (scale(tick) - lo) / (hi - lo)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" '
            'stroke="#888"/>'
        )
        parts.append(_text(x, top + plot_h + 15, _fmt(tick), anchor="middle"))
    parts.append(_text(left + plot_w / 2, height - 6, x_label, anchor="middle"))
    if n_series > 1:
        parts += _legend(list(series), width - right)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart_svg(
    values: Mapping[str, float],
    *,
    title: str,
    width: int = 560,
    max_bars: int = 15,
    value_format: str = "{:,.0f}",
    keep_order: bool = False,
) -> Markup:
    """Horizontal bars, one per key (largest first unless ``keep_order``; bars beyond
    ``max_bars`` are summed into "other")."""
    items = list(values.items())
    if not keep_order:
        items.sort(key=lambda kv: (-kv[1], kv[0]))
    if len(items) > max_bars:
        rest = sum(v for _, v in items[max_bars - 1 :])
        items = [*items[: max_bars - 1], ("other", rest)]
    if not items:
        return _empty_chart(title, width)
    row_h, top, label_w = 20, 28, 150
    height = top + row_h * len(items) + 8
    plot_w = width - label_w - 70
    peak = max(v for _, v in items) or 1
    parts = [_frame_open(title, width, height), _text(8, 18, title, weight="bold")]
    for i, (label, value) in enumerate(items):
        y = top + i * row_h
        bar_w = max(plot_w * value / peak, 1.0 if value else 0.0)
        shown = label if len(label) <= 22 else label[:21] + "…"
        parts.append(_text(label_w - 6, y + 14, shown, anchor="end", full=label))
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w:.1f}" height="{row_h - 6}" '
            f'fill="{PALETTE[0]}"><title>{FSI}{escape(label)}{PDI}: '
            f"{escape(value_format.format(value))}</title></rect>"
        )
        parts.append(_text(label_w + bar_w + 4, y + 14, value_format.format(value)))
    parts.append("</svg>")
    return Markup("".join(parts))


def x_ticks(low: float, high: float, *, log: bool = False, target: int = 5) -> list[float]:
    """Round tick values inside ``[low, high]``: powers of ten (and 2x, 5x) on a log axis,
    steps of 1, 2 or 5 times a power of ten on a linear one."""
    if high <= low:
        return [low]
    if log and low > 0:
        ticks: list[float] = []
        for multipliers in ((1,), (1, 3), (1, 2, 5)):
            ticks = [
                m * 10**e
                for e in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
                for m in multipliers
                if low <= m * 10**e <= high * (1 + 1e-9)
            ]
            if len(ticks) >= 3:
                break
        if len(ticks) >= 2:
            return ticks
        # A narrow log range: round linear values read better than one lonely tick.
    raw = (high - low) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9) * step
    count = int((high - first) / step + 1e-9) + 1
    return [round(first + i * step, 10) for i in range(count)]


def _frame_open(title: str, width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(title)}" font-family="{FONT}" font-size="11">'
    )


def _empty_chart(title: str, width: int) -> Markup:
    height = 60
    return Markup(
        _frame_open(title, width, height)
        + _text(8, 18, title, weight="bold")
        + _text(8, 42, "no data")
        + "</svg>"
    )


def _y_axis(left: int, top: int, plot_h: float, peak: int, right_x: float) -> list[str]:
    parts = []
    ticks = sorted({0, peak // 2, peak}) if peak >= 4 else list(range(peak + 1))
    for value in ticks:
        y = top + plot_h * (1 - value / peak)
        parts.append(f'<line x1="{left}" x2="{right_x}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(_text(left - 4, y + 4, f"{value:,}", anchor="end"))
    return parts


def _legend(names: list[str], right_x: float) -> list[str]:
    parts = []
    for s, name in enumerate(reversed(names)):
        index = len(names) - 1 - s
        x = right_x - 110 * (s + 1)
        parts.append(
            f'<rect x="{x:.0f}" y="8" width="10" height="10" '
            f'fill="{PALETTE[index % len(PALETTE)]}"/>'
        )
        parts.append(_text(x + 14, 17, name))
    return parts


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    weight: str = "normal",
    full: str | None = None,
) -> str:
    tip = f"<title>{escape(full)}</title>" if full and full != content else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-weight="{weight}" '
        f'fill="#333">{tip}{escape(content)}</text>'
    )


def _fmt(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.2f}"
