"""Turn validated documents (and index matches) into the check's findings.

``corpuskit check`` is a linter for incoming documents. By the time it gets here each
document has been read (``origin_file``/``origin_line`` say where it came from) and
validated (its ``findings`` list holds what the rules found). This module flattens those
findings into one row per problem with everything a CI reader needs: file and location,
document id, rule code and name, severity, a message that says what to do, an excerpt,
and for duplicates of an indexed corpus the id it copies and how similar it is.

Nothing here reads files or prints; the CLI does that, and the formatters in
:mod:`corpuskit.check.formats` render the :class:`~corpuskit.check.result.CheckReport`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from corpuskit import schema
from corpuskit.check.suppress import ALLOW_COLUMN, allowed_codes, suppressed_mask
from corpuskit.codes import CodeInfo, CodeRegistry, code_registry, override_for, severity_overrides
from corpuskit.dedup.codes import INDEX_MATCH
from corpuskit.errors import SchemaError

# One row per finding. ``location`` says whether ``line`` is a line (JSONL, text files)
# or a 1-based row (Parquet, CSV).
CHECK_FINDINGS_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "line": pl.Int64(),
    "location": pl.String(),
    "doc_id": pl.String(),
    "field": pl.String(),
    "code": pl.String(),
    "name": pl.String(),
    "severity": pl.String(),
    "action": pl.String(),
    "message": pl.String(),
    "excerpt": pl.String(),
    "start": pl.Int64(),
    "end": pl.Int64(),
    "match_id": pl.String(),
    "similarity": pl.Float64(),
    "match_kind": pl.String(),
    "suppressed": pl.Boolean(),
}

# One row per checked document (JUnit reports a test case for each, failing or not).
CHECK_DOCUMENTS_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "line": pl.Int64(),
    "location": pl.String(),
    "doc_id": pl.String(),
}

MATCHES_COLUMNS = ("id", "match_id", "similarity", "match_kind")
UNKNOWN_FILE = "<input>"
ROW_BASED_SUFFIXES = (".parquet", ".csv", ".csv.gz", ".csv.zst", ".tsv")
EXCERPT_CHARS = 80


def location_kind(path: str) -> str:
    """``"row"`` for table files (Parquet, CSV), ``"line"`` for everything else."""
    return "row" if path.lower().endswith(ROW_BASED_SUFFIXES) else "line"


def describe_location(file: str, line: int | None, location: str) -> str:
    """``"new.jsonl:17"`` for a line, ``"new.parquet row 17"`` for a table row."""
    if line is None:
        return file
    return f"{file}:{line}" if location == "line" else f"{file} row {line}"


def checked_documents(frame: pl.DataFrame) -> pl.DataFrame:
    """file, line, location, doc_id for every document, in input order."""
    file_col = (
        pl.col(schema.ORIGIN_FILE).cast(pl.String()).fill_null(UNKNOWN_FILE)
        if schema.ORIGIN_FILE in frame.columns
        else pl.lit(UNKNOWN_FILE)
    )
    line_col = (
        pl.col(schema.ORIGIN_LINE).cast(pl.Int64())
        if schema.ORIGIN_LINE in frame.columns
        else pl.int_range(1, pl.len() + 1, dtype=pl.Int64())
    )
    documents = frame.select(
        file_col.alias("file"),
        line_col.alias("line"),
        pl.col(schema.ID).cast(pl.String()).alias("doc_id"),
    )
    kinds = [location_kind(f) for f in documents.get_column("file").to_list()]
    return documents.with_columns(pl.Series("location", kinds, dtype=pl.String())).select(
        list(CHECK_DOCUMENTS_SCHEMA)
    )


def _short(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _rule_findings(frame: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The validators' findings, one row each, with the line of the file it is on."""
    if schema.FINDINGS not in frame.columns:
        return pl.DataFrame()
    text = (
        frame.get_column(schema.TEXT).cast(pl.String())
        if schema.TEXT in frame.columns
        else pl.Series([None] * frame.height, dtype=pl.String())
    )
    found = (
        documents.with_columns(frame.get_column(schema.FINDINGS).alias("_f"), text.alias("_text"))
        .with_row_index("_doc")
        .explode("_f")
        .drop_nulls("_f")
        .unnest("_f")
    )
    return found.with_columns(_line_in_file().alias("line")).drop("_text")


TEXT_FILE_SUFFIX = ".txt"
_LINE_BREAK = r"\r\n?|\n"


def _line_in_file() -> pl.Expr:
    """The line of the input file a finding is on.

    A JSON Lines record is one line, and a table row is one row, so their findings are
    on the document's own line. A ``.txt`` file is one document: its title is line 1 and
    its body starts on line 2, so a finding in the body is on line 2 plus the line
    breaks before the first visible character of its span (a stripped block often starts
    with the line breaks that end the line above it).
    """
    in_body = (
        pl.col("file").str.to_lowercase().str.ends_with(TEXT_FILE_SUFFIX)
        & (pl.col("field") == "text")
        & pl.col("_text").is_not_null()
    )
    start = pl.col("start").fill_null(0).clip(lower_bound=0)
    length = (pl.col("end").fill_null(0) - start).clip(lower_bound=0)
    leading_space = pl.col("_text").str.slice(start, length).str.extract(r"^(\s*)")
    before = pl.col("_text").str.slice(0, start) + leading_space.fill_null("")
    body_line = pl.col("line") + 1 + before.str.count_matches(_LINE_BREAK).cast(pl.Int64())
    return pl.when(in_body).then(body_line).otherwise(pl.col("line"))


def _index_findings(
    frame: pl.DataFrame, documents: pl.DataFrame, matches: pl.DataFrame | None
) -> pl.DataFrame:
    """One IDX001 finding per incoming document that matches the index (best match)."""
    if matches is None or matches.height == 0:
        return pl.DataFrame()
    missing = [c for c in ("id", "match_id", "similarity") if c not in matches.columns]
    if missing:
        raise SchemaError(
            f"index matches need column(s) {', '.join(missing)}; found {', '.join(matches.columns)}"
        )
    best = (
        matches.with_columns(
            pl.col("id").cast(pl.String()),
            pl.col("match_id").cast(pl.String()),
            pl.col("similarity").cast(pl.Float64()),
            (pl.col("match_kind") if "match_kind" in matches.columns else pl.lit(None))
            .cast(pl.String())
            .alias("match_kind"),
        )
        .sort(["id", "similarity", "match_id"], descending=[False, True, False])
        .unique("id", keep="first", maintain_order=True)
        .select(*MATCHES_COLUMNS)
    )
    texts = frame.select(
        (pl.col(schema.TITLE) if schema.TITLE in frame.columns else pl.lit(None))
        .cast(pl.String())
        .alias("_title"),
        pl.col(schema.TEXT).cast(pl.String()).alias("_text")
        if schema.TEXT in frame.columns
        else pl.lit(None, pl.String()).alias("_text"),
    )
    located = pl.concat([documents, texts], how="horizontal").with_row_index("_doc")
    joined = located.join(best, left_on="doc_id", right_on="id", how="inner")
    excerpts = [
        _short(title or text)
        for title, text in zip(joined["_title"].to_list(), joined["_text"].to_list(), strict=True)
    ]
    return joined.with_columns(
        pl.lit("text").alias("field"),
        pl.lit(INDEX_MATCH).alias("code"),
        pl.lit("drop").alias("action"),
        pl.lit(None, pl.Int64()).alias("start"),
        pl.lit(None, pl.Int64()).alias("end"),
        pl.Series("excerpt", excerpts, dtype=pl.String()),
    ).drop("_title", "_text")


def run_check(
    validated: pl.DataFrame,
    *,
    matches: pl.DataFrame | None = None,
    codes: CodeRegistry | None = None,
    severity: Mapping[str, str] | None = None,
    ignore: Sequence[str] = (),
    allow_column: str = ALLOW_COLUMN,
) -> pl.DataFrame:
    """The check findings frame (:data:`CHECK_FINDINGS_SCHEMA`) for ``validated``.

    Args:
        validated: documents after ``corpuskit.validate.validate``: ``id``, the origin
            columns and the ``findings`` list column (``text``/``title`` give the
            excerpt of index matches; ``corpuskit_allow`` carries allow-lists).
        matches: ``DedupIndex.query`` output (``id, match_id, similarity, match_kind``);
            each matching document gets one ``IDX001`` finding for its best match.
        codes: the registry of codes (:func:`corpuskit.codes.code_registry`) that names
            each finding and gives its severity and message; None: the codes that are
            not rules, and no rules.
        severity: per-code (or code-prefix) severity overrides, from the config.
        ignore: codes or code prefixes whose findings are left out entirely (for codes
            the rule selection does not cover, such as ``IO…`` and ``IDX…``).
        allow_column: the metadata column holding each document's allow-list.

    Suppressed findings stay in the frame with ``suppressed = True``.
    """
    schema.require_columns(validated, (schema.ID,), "check")
    overrides = severity_overrides(severity or {})
    codes = codes if codes is not None else code_registry()
    documents = checked_documents(validated)
    parts = [
        p
        for p in (
            _rule_findings(validated, documents),
            _index_findings(validated, documents, matches),
        )
        if p.height > 0
    ]
    if not parts:
        return pl.DataFrame(schema=CHECK_FINDINGS_SCHEMA)
    found = pl.concat(parts, how="diagonal_relaxed")
    ignored = tuple(code.strip().upper() for code in ignore if code.strip())
    if ignored:
        keep = [not code.upper().startswith(ignored) for code in found["code"].to_list()]
        found = found.filter(pl.Series(keep, dtype=pl.Boolean()))
    found = found.sort("_doc", maintain_order=True)

    infos = describe_codes(found, codes)
    codes = found.get_column("code").to_list()
    severities = [override_for(c, overrides) or infos[c].severity for c in codes]
    for column in ("match_id", "similarity", "match_kind"):
        if column not in found.columns:
            found = found.with_columns(pl.lit(None, CHECK_FINDINGS_SCHEMA[column]).alias(column))
    messages = [
        _message(infos[c], match_id, sim, kind)
        for c, match_id, sim, kind in zip(
            codes,
            found["match_id"].to_list(),
            found["similarity"].to_list(),
            found["match_kind"].to_list(),
            strict=True,
        )
    ]
    allow = allowed_codes(validated, allow_column).gather(found.get_column("_doc"))
    found = found.with_columns(
        pl.Series("name", [infos[c].name for c in codes], dtype=pl.String()),
        pl.Series("severity", severities, dtype=pl.String()),
        pl.Series("message", messages, dtype=pl.String()),
        suppressed_mask(found.get_column("code"), allow),
    )
    for column, dtype in CHECK_FINDINGS_SCHEMA.items():
        if column not in found.columns:
            found = found.with_columns(pl.lit(None, dtype).alias(column))
    return found.select(list(CHECK_FINDINGS_SCHEMA)).cast(CHECK_FINDINGS_SCHEMA)


def describe_codes(found: pl.DataFrame, codes: CodeRegistry) -> dict[str, CodeInfo]:
    """The registry's metadata for every code in ``found`` (unknown codes get a fallback
    from their action)."""
    pairs = found.select("code", "action").unique(maintain_order=True).iter_rows()
    infos: dict[str, CodeInfo] = {}
    for code, action in pairs:
        infos.setdefault(code, codes.describe(code, action))
    return infos


def _message(
    info: CodeInfo, match_id: str | None, similarity: float | None, kind: str | None
) -> str:
    if info.code == INDEX_MATCH and match_id is not None:
        sim = f"{similarity:.2f}" if similarity is not None else "unknown"
        if kind == "url":
            what = f"has the same URL as {match_id} of the existing corpus (body similarity {sim})"
        elif kind == "id":
            what = (
                f"is already in the existing corpus as {match_id}, with another body "
                f"(body similarity {sim})"
            )
        else:
            what = f"copies {match_id} of the existing corpus (similarity {sim})"
        return f"this document {what}; {info.message}"
    return info.message
