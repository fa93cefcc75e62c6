"""From a reader's records to the canonical frame, and control characters in text.

Mapped input columns are renamed to their canonical names and cast to string; canonical
columns the input lacks are null. The input's other columns are carried through
untouched after the canonical and origin columns. An extra column whose name corpuskit
itself uses (say a ``title`` column when ``--title-col headline`` is given, or an input
column named ``findings`` or ``text_clean``) keeps its values under its name plus the
suffix ``_input`` (``title_input``), so nothing is overwritten.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from corpuskit import schema
from corpuskit.config import InputOptions
from corpuskit.errors import InputError
from corpuskit.io.codes import CONTROL_CHARACTERS
from corpuskit.io.decode import CONTROL_RUN
from corpuskit.io.detect import FileColumns
from corpuskit.io.discover import InputFile
from corpuskit.io.ids import derived_ids
from corpuskit.io.rawpart import (
    FINDINGS,
    LINE,
    RAW,
    RawPart,
    append_findings,
    empty_findings,
)
from corpuskit.io.tabular import read_txt_document

# Names corpuskit's own stages and outputs use; an input column with one of these names
# is renamed rather than overwritten.
RESERVED: frozenset[str] = frozenset(
    (
        *schema.CANONICAL_COLUMNS,
        *schema.ORIGIN_COLUMNS,
        schema.FINDINGS,
        schema.TEXT_CLEAN,
        schema.TITLE_CLEAN,
        schema.DROP_REASON,
        *schema.DEDUP_SCHEMA,
        schema.REJECT_REASON,
    )
)
EXTRA_SUFFIX = "_input"


def extra_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name_input`` (``name_input2``, ...) when corpuskit uses ``name``."""
    if name not in RESERVED and name not in taken:
        return name
    candidate, n = f"{name}{EXTRA_SUFFIX}", 2
    while candidate in RESERVED or candidate in taken:
        candidate, n = f"{name}{EXTRA_SUFFIX}{n}", n + 1
    return candidate


class Canonicalizer:
    """Maps the chunks of one file onto the canonical frame, the same way for each chunk.

    The column mapping (:class:`~corpuskit.io.detect.FileColumns`) and the names given to
    extra columns are kept from chunk to chunk, so every chunk of a file has the same
    columns under the same names (a chunk lacking one has nulls there).
    """

    def __init__(self, source: InputFile, options: InputOptions) -> None:
        self.source = source
        self.columns = FileColumns(options, source.path)
        self._extra_names: dict[str, str] = {}

    def __call__(self, part: RawPart) -> pl.DataFrame:
        """The canonical frame of one chunk: canonical, origin, extra, findings columns."""
        columns = part.input_columns
        mapping = self.columns.update(columns)
        _refuse_nested(part, self.source, mapping)
        malformed = pl.col(RAW).is_not_null()
        frame = part.frame.with_columns(
            pl.lit(str(self.source.path), dtype=pl.String).alias(schema.ORIGIN_FILE),
            pl.col(LINE).alias(schema.ORIGIN_LINE),
        )
        canonical: list[pl.Expr] = []
        for name in schema.CANONICAL_COLUMNS:
            src = mapping[name]
            if src and src in columns:
                value = pl.col(src).cast(pl.String)
            else:
                value = pl.lit(None, dtype=pl.String)
            if name == schema.TEXT:
                value = pl.when(malformed).then(pl.col(RAW)).otherwise(value)
            elif name == schema.ID:
                # a record whose text was unusable keeps its own id where it has one
                derived = derived_ids(self.source.label, self.source.kind)
                value = pl.when(value.is_null()).then(derived).otherwise(value)
            canonical.append(value.alias(name))
        mapped = {src for src in mapping.values() if src}
        extras = [
            pl.col(name).alias(self._extra_name(name)) for name in columns if name not in mapped
        ]
        try:
            return frame.select(
                *canonical,
                pl.col(schema.ORIGIN_FILE),
                pl.col(schema.ORIGIN_LINE),
                *extras,
                pl.col(FINDINGS).alias(schema.FINDINGS),
            )
        except pl.exceptions.PolarsError:
            raise _not_text_error(part, self.source, mapping) from None

    def _extra_name(self, name: str) -> str:
        if name not in self._extra_names:
            self._extra_names[name] = extra_name(name, set(self._extra_names.values()))
        return self._extra_names[name]


def _refuse_nested(part: RawPart, source: InputFile, mapping: dict[str, str | None]) -> None:
    """A mapped column of objects or lists (a Parquet struct column mapped as the text)
    would be read as its JSON-like rendering, ``{"...": ...}``: refuse it instead."""
    bad = [
        f"{src!r} ({part.frame.schema[src]}) as {canonical}"
        for canonical, src in mapping.items()
        if src in part.frame.columns
        and (part.frame.schema[src].is_nested() or part.frame.schema[src] == pl.Object)
    ]
    if bad:
        raise _not_text_message(source, ", ".join(bad))


def _not_text_error(part: RawPart, source: InputFile, mapping: dict[str, str | None]) -> InputError:
    """The error for a mapped column whose values cannot be read as text."""
    bad = []
    for canonical, src in mapping.items():
        if src is None or src not in part.frame.columns:
            continue
        try:
            part.frame.select(pl.col(src).cast(pl.String))
        except pl.exceptions.PolarsError:
            bad.append(f"{src!r} ({part.frame.schema[src]}) as {canonical}")
    return _not_text_message(source, ", ".join(bad) or "a mapped column")


def _not_text_message(source: InputFile, listing: str) -> InputError:
    return InputError(
        f"{source.path}: cannot read {listing}: its values are not text",
        hint="map a text column instead (--text-col, --title-col, --id-col) or convert "
        "the column to strings",
    )


def text_files_to_canonical(sources: list[InputFile]) -> pl.DataFrame:
    """The canonical frame of many ``.txt`` files at once (one document per file).

    Reading a folder of thousands of small files one frame per file would spend its
    time in per-frame overhead; this builds the columns in one pass instead.
    """
    titles, bodies, findings = [], [], []
    for source in sources:
        title, body, finding = read_txt_document(source.path)
        titles.append(title)
        bodies.append(body)
        findings.append([finding] if finding else [])
    n = len(sources)
    columns = {
        schema.ID: [s.label for s in sources],
        schema.TITLE: titles,
        schema.TEXT: bodies,
        **{name: [None] * n for name in (schema.SOURCE, schema.URL, schema.DATE, schema.LANG)},
        schema.ORIGIN_FILE: [str(s.path) for s in sources],
        schema.ORIGIN_LINE: [1] * n,
    }
    frame = pl.DataFrame(columns, schema={**schema.CANONICAL_SCHEMA, **schema.ORIGIN_SCHEMA})
    if any(findings):
        added = pl.Series(schema.FINDINGS, findings, dtype=schema.FINDINGS_DTYPE)
    else:
        added = empty_findings(n)
    return frame.with_columns(added)


def holds_control_characters(values: pl.Series) -> np.ndarray:
    """Whether each value holds a C0 control character other than tab, line feed and
    carriage return (what ``CONTROL_RUN`` matches; a null holds none), found in one pass
    over the column's UTF-8 bytes: such a character is one byte below 0x20 there, and no
    byte of any other character is below 0x80. Several times a regex search."""
    array = values.cast(pl.String).to_arrow(compat_level=pl.CompatLevel.oldest())
    n = len(array)
    if n == 0:
        return np.zeros(0, dtype=bool)
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset : array.offset + n + 1]
    data = array.buffers()[2]
    if data is None or offsets[-1] == offsets[0]:
        return np.zeros(n, dtype=bool)
    text = np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]]
    at = np.flatnonzero(text < 0x20)
    byte = text[at]
    at = at[(byte != 0x09) & (byte != 0x0A) & (byte != 0x0D)]
    hit = np.zeros(n, dtype=bool)
    hit[np.searchsorted(offsets[1:] - offsets[0], at, side="right")] = True
    return hit


def control_character_findings(frame: pl.DataFrame) -> pl.DataFrame:
    """Add one IO201 "strip" finding per run of C0 control characters in text or title.

    The text itself is kept as it is; the finding's offsets (characters into the original
    field) let cleaning remove exactly those runs.
    """
    fields = [f for f in (schema.TEXT, schema.TITLE) if f in frame.columns]
    hit = np.zeros(frame.height, dtype=bool)
    for field in fields:
        hit |= holds_control_characters(frame[field])
    rows = frame.with_row_index("__row").filter(pl.Series(hit))
    if rows.height == 0:
        return frame
    added: dict[int, list[dict[str, object]]] = {}
    for record in rows.select("__row", *fields).iter_rows(named=True):
        added[record["__row"]] = [
            schema.finding(
                field,
                CONTROL_CHARACTERS.code,
                CONTROL_CHARACTERS.action,
                match.start(),
                match.end(),
                match.group().encode("unicode_escape").decode("ascii"),
            )
            for field in fields
            for match in CONTROL_RUN.finditer(record[field] or "")
        ]
    return append_findings(frame, added, schema.FINDINGS)
