"""The inline-SVG chart renderer: bins, ticks, well-formed and escaped SVG."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.report.charts import bar_chart_svg, histogram_bins, histogram_svg, x_ticks

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(min_value=0.001, max_value=1e6), min_size=1, max_size=200),
    st.integers(min_value=1, max_value=40),
    st.booleans(),
)
def test_every_value_lands_in_exactly_one_bin(values, bins, log):
    binned = histogram_bins({"a": values}, bins=bins, log=log)
    assert len(binned) == bins
    assert sum(b.counts[0] for b in binned) == len(values)
    for left, right in itertools.pairwise(binned):
        assert left.high == pytest.approx(right.low)


def test_bins_put_values_where_they_belong():
    binned = histogram_bins({"a": [0.05, 0.15, 0.15, 0.95]}, bins=10, domain=(0.0, 1.0))
    assert [b.counts[0] for b in binned] == [1, 2, 0, 0, 0, 0, 0, 0, 0, 1]


def test_log_bins_skip_non_positive_values_and_space_edges_by_ratio():
    binned = histogram_bins({"a": [0, 1, 10, 100, 1000]}, bins=3, log=True)
    assert sum(b.counts[0] for b in binned) == 4
    assert [round(b.high / b.low, 6) for b in binned] == [10.0, 10.0, 10.0]


def test_two_series_share_bins():
    binned = histogram_bins({"before": [1, 2, 3, 4], "after": [1, 1]}, bins=2)
    assert [b.counts for b in binned] == [(2, 2), (2, 0)]


def test_histogram_draws_one_bar_per_non_empty_bin_and_series():
    svg = histogram_svg({"a": [1, 1, 5], "b": [5]}, title="t", x_label="x", bins=4)
    root = _parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(bars) == 3
    heights = sorted(float(r.get("height")) for r in bars)
    assert heights[-1] == pytest.approx(2 * heights[0])


def test_labels_are_escaped():
    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    svg = bar_chart_svg({hostile: 3, "ok": 1}, title=hostile)
    root = _parse(svg)  # still well-formed XML
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}img"))
    assert "<script>" not in svg
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "alert(1)" in texts


def test_bar_chart_folds_the_tail_into_other():
    values = {f"s{i}": i for i in range(1, 31)}
    root = _parse(bar_chart_svg(values, title="t", max_bars=5))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert labels == ["s30", "s29", "s28", "s27", "other"]
    # the label sits between bidi isolate marks, so a right-to-left name cannot move the value
    tooltip = f"\u2068other\u2069: {sum(range(1, 27)):,}"
    assert tooltip in ET.tostring(root, encoding="unicode")


def test_bar_chart_can_keep_the_given_order():
    root = _parse(bar_chart_svg({"2 documents": 5, "3 documents": 9}, title="t", keep_order=True))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    assert labels == ["2 documents", "3 documents"]


def test_empty_charts_say_so():
    for svg in (histogram_svg({"a": []}, title="t", x_label="x"), bar_chart_svg({}, title="t")):
        assert "no data" in svg
        _parse(svg)


@pytest.mark.parametrize(
    ("low", "high", "log", "expected"),
    [
        (0.0, 1.0, False, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (12, 98, False, [20, 40, 60, 80]),
        (12, 40_000, True, [100, 1000, 10_000]),
        (12, 320, True, [30, 100, 300]),
        (3, 9, True, [4, 6, 8]),
    ],
)
def test_ticks_are_round_numbers_inside_the_range(low, high, log, expected):
    assert x_ticks(low, high, log=log) == pytest.approx(expected)


def test_numpy_arrays_and_lists_bin_alike():
    import numpy as np

    values = [0.5, 3.0, 3.5, 9.0, float("nan")]
    from_list = histogram_bins({"a": values}, bins=4)
    from_array = histogram_bins({"a": np.array(values)}, bins=4)
    assert from_list == from_array
    assert sum(b.counts[0] for b in from_array) == 4


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=1e5), min_size=0, max_size=100),
    st.integers(min_value=1, max_value=30),
    st.booleans(),
)
def test_a_lazy_frame_bins_like_its_values(values, bins, log):
    import polars as pl

    lazy = pl.LazyFrame({"x": values}, schema={"x": pl.Float64})
    assert histogram_bins({"a": lazy}, bins=bins, log=log) == histogram_bins(
        {"a": values}, bins=bins, log=log
    )


def test_a_value_on_a_bin_edge_lands_in_the_bin_it_starts():
    binned = histogram_bins({"a": [0.6, 0.7, 0.35, 0.05]}, bins=20, domain=(0.0, 1.0))
    starts = [round(b.low, 2) for b in binned if b.counts[0]]
    assert starts == [0.05, 0.35, 0.6, 0.7]
