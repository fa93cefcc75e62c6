"""Hostile corpus strings in ``report.html``: control characters and bidi overrides.

A NUL byte makes tools treat the report as binary, and other control characters are
invisible or garble the page; the report shows each one as a visible symbol instead. A
right-to-left override (U+202E) in an id reverses the rest of its line ("0.91" reads
"19.0"); every corpus string is isolated so an override cannot leave it.
"""

from __future__ import annotations

import re

import lxml.html
import pytest
from test_report_fixtures import CONTROLS, RLO, hostile_documents, write_sample_output

from corpuskit.report import write_report_from_dir

# Raw C0 controls other than tab, LF and CR; DEL; C1 controls as UTF-8.
RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")
# Elements that end a paragraph of the bidi algorithm: an override stops at their edge.
BLOCKS = {"p", "div", "td", "th", "li", "pre", "h1", "h2", "h3", "article", "section"}
# A chart label: an SVG <text> of its own, laid out apart from every other text.
LABEL = "text"


@pytest.fixture(scope="module")
def report_bytes(tmp_path_factory) -> bytes:
    folder = write_sample_output(tmp_path_factory.mktemp("run"), hostile_documents())
    return write_report_from_dir(folder).read_bytes()


def test_the_report_holds_no_raw_control_character(report_bytes):
    found = [(m.start(), m.group()) for m in RAW_CONTROL.finditer(report_bytes)]
    assert found == []


def test_control_characters_are_shown_as_symbols(report_bytes):
    page = report_bytes.decode("utf-8")
    assert "\u2400\u2401\u241b[31m\u2421\\x85" in page  # NUL SOH ESC DEL, C1 escaped
    assert page.count("\u2400") >= 3  # in the title, the source and the text


def _isolated(node: lxml.html.HtmlElement) -> bool:
    """Is ``node`` inside a <bdi> or an element with ``dir`` within its paragraph (or a
    chart label of its own)?"""
    while node is not None:
        if node.tag in ("bdi", LABEL) or node.get("dir") is not None:
            return True
        if node.tag in BLOCKS:
            return False
        node = node.getparent()
    return False


def test_every_corpus_string_with_a_bidi_override_is_isolated(report_bytes):
    tree = lxml.html.fromstring(report_bytes.decode("utf-8"))
    holders = []  # (the element whose content holds the text, the text)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text and RLO in element.text:
            holders.append((element, element.text))
        if element.tail and RLO in element.tail:  # a tail is the parent's content
            holders.append((element.getparent(), element.tail))
    assert len(holders) >= 6  # ids, sources, titles and the URL, in several sections
    tooltips = [text for holder, text in holders if holder.tag == "title"]
    exposed = [
        (holder.tag, text[:60])
        for holder, text in holders
        if holder.tag != "title" and not _isolated(holder)
    ]
    assert exposed == []
    # an SVG tooltip is plain text: the label sits between isolate marks (FSI … PDI)
    assert tooltips and all(
        re.search(f"\u2068[^\u2069]*{RLO}[^\u2069]*\u2069", t) for t in tooltips
    )


def test_the_near_copy_row_still_reads_left_to_right_after_the_override(report_bytes):
    page = report_bytes.decode("utf-8")
    row = re.search(rf"<code><bdi>ar-{RLO}2</bdi></code> \(<bdi>alriyadh{RLO}</bdi>, 0.91\)", page)
    assert row, "the copy's id and source are each isolated, and its similarity follows"
    assert CONTROLS not in page
