"""What every reader returns: the file's own columns plus three bookkeeping columns.

Readers know formats, not the canonical schema. They return the records of one file
with the input's column names untouched, plus the 1-based line or row of each record,
the per-record input findings, and, for a record that could not be parsed, its raw
text (all its own columns are then null). :mod:`corpuskit.io.canonical` maps that onto
the canonical frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from corpuskit import schema
from corpuskit.io.codes import IOCode

LINE = "__corpuskit_line"
FINDINGS = "__corpuskit_findings"
RAW = "__corpuskit_raw"
INTERNAL = (LINE, FINDINGS, RAW)


@dataclass
class RawPart:
    """The records of one input file, before column mapping."""

    path: Path
    kind: str
    frame: pl.DataFrame  # input columns + LINE (Int64) + FINDINGS + RAW (String)

    @property
    def input_columns(self) -> list[str]:
        return [c for c in self.frame.columns if c not in INTERNAL]


def io_finding(code: IOCode, text: str | None, excerpt: str) -> dict[str, object]:
    """A finding of ``code`` covering the whole text field of a document."""
    return schema.finding("text", code.code, code.action, 0, len(text or ""), excerpt)


def bookkeeping(
    frame: pl.DataFrame,
    lines: list[int],
    findings: list[list[dict[str, object]]] | None = None,
    raw: list[str | None] | None = None,
) -> pl.DataFrame:
    """``frame`` with the LINE, FINDINGS and RAW columns added (empty findings, null raw)."""
    n = len(lines)
    columns = [
        pl.Series(LINE, lines, dtype=pl.Int64),
        pl.Series(FINDINGS, findings, dtype=schema.FINDINGS_DTYPE)
        if findings is not None
        else empty_findings(n, FINDINGS),
        pl.Series(RAW, raw, dtype=pl.String)
        if raw is not None
        else pl.Series(RAW, [None], dtype=pl.String).new_from_index(0, n),
    ]
    if frame.width == 0:  # no input columns (e.g. every record malformed)
        return pl.DataFrame(columns)
    return frame.with_columns(columns)


def empty_findings(n: int, name: str = schema.FINDINGS) -> pl.Series:
    """A findings column of ``n`` empty lists (built without a Python loop)."""
    return pl.Series(name, [[]], dtype=schema.FINDINGS_DTYPE).new_from_index(0, n)


def append_findings(
    frame: pl.DataFrame,
    added: dict[int, list[dict[str, object]]],
    column: str = FINDINGS,
) -> pl.DataFrame:
    """Append findings to a few rows (by 0-based position) of the ``column`` lists."""
    added = {row: items for row, items in added.items() if items}
    if not added:
        return frame
    update = pl.DataFrame(
        {"__row": list(added), "__added": list(added.values())},
        schema={"__row": pl.UInt32, "__added": schema.FINDINGS_DTYPE},
    )
    aligned = (
        pl.DataFrame({"__row": pl.int_range(frame.height, dtype=pl.UInt32, eager=True)})
        .join(update, on="__row", how="left", maintain_order="left")
        .get_column("__added")
    )
    return frame.with_columns(schema.concat_findings(frame[column], aligned).alias(column))


def add_whole_text_findings(
    frame: pl.DataFrame,
    excerpts: dict[int, str],
    code: IOCode,
    text_col: str | None,
) -> pl.DataFrame:
    """Append a finding of ``code`` covering the whole text to the records at the given
    0-based positions, each with its own excerpt."""
    if not excerpts:
        return frame
    if text_col in frame.columns:
        texts = frame[text_col].cast(pl.String).to_list()
    else:
        texts = [None] * frame.height
    raw = frame[RAW].to_list()
    added = {
        i: [io_finding(code, raw[i] if raw[i] is not None else texts[i], excerpt)]
        for i, excerpt in excerpts.items()
    }
    return append_findings(frame, added)
