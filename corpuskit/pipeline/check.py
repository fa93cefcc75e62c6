"""``check`` on the spine: read, validate, (sign and link), look up the index, report.

This is what ``corpuskit check`` runs, usable from Python too. It reads the incoming
files (never writes anything the user sees), validates them with the same rules as
``corpuskit clean``, optionally asks a persisted duplicate index (``corpuskit index
build``) whether any incoming document copies a document of the existing corpus, and
returns a :class:`~corpuskit.check.result.CheckReport`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

import corpuskit
from corpuskit.check.result import CheckReport, report_from
from corpuskit.check.run import (
    CHECK_DOCUMENTS_SCHEMA,
    CHECK_FINDINGS_SCHEMA,
    checked_documents,
    run_check,
)
from corpuskit.codes import CodeRegistry, code_registry
from corpuskit.config import Config
from corpuskit.dedup.annotate import annotate_batch
from corpuskit.dedup.index import open_index
from corpuskit.engine import make_engine
from corpuskit.pipeline.passes import links_of, validated_part
from corpuskit.pipeline.run import ProgressFactory, link_parts, prepare, silent


def check_paths(
    paths: Sequence[Path],
    *,
    config: Config | None = None,
    against: Path | None = None,
    fail_on: str = "error",
    batch_dedup: bool = False,
    workers: int = 1,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    progress: ProgressFactory | None = None,
    engine: Any = None,
) -> CheckReport:
    """Check the documents in ``paths`` and return the report (nothing is written).

    The documents go through the same spine as ``corpuskit clean`` (read, validate with
    the configured rules, and with ``batch_dedup`` sign and link), in a temporary work
    folder, part by part.

    Args:
        paths: input files or folders, as for ``corpuskit clean``.
        config: input mapping, rule selection and severity overrides.
        against: a persisted duplicate index; matches become ``IDX001`` findings.
        fail_on: ``info``, ``warning``, ``error`` or ``never``; sets ``exit_code``.
        batch_dedup: also report duplicates among the incoming documents themselves.
        workers: processes for validation (0 = every core).
        select, ignore: which findings to report (codes, code prefixes or rule
            categories). They choose what is shown, not how documents are cleaned, so
            a similarity to an indexed document is the same whatever is selected.
    """
    config = config or Config()
    engine = engine or make_engine("local", workers=workers)
    index = open_index(against) if against is not None else None  # fail before any work
    findings, documents = [], []
    with tempfile.TemporaryDirectory(prefix="corpuskit-check-") as tmp:
        context, read = prepare(
            list(paths),
            Path(tmp),
            config=config,
            engine=engine,
            do_validate=True,
            do_dedup=batch_dedup,
            progress=progress or silent,
        )
        if batch_dedup:
            link_parts(context, read, engine)
        codes = code_registry(context.ruleset)
        for part, first_row in enumerate(read.first_rows):
            frame = validated_part(context, part)
            if batch_dedup:
                decisions, flags = links_of(context, part, frame.height)
                frame = annotate_batch(frame, decisions, flags, first_row=first_row)
            matches = index.query(frame) if index is not None else None
            found = run_check(
                frame, matches=matches, codes=codes, severity=config.validate.severity
            )
            findings.append(_shown(found, codes, select, ignore))
            documents.append(checked_documents(frame))
    return report_from(
        pl.concat(findings) if findings else pl.DataFrame(schema=CHECK_FINDINGS_SCHEMA),
        pl.concat(documents) if documents else pl.DataFrame(schema=CHECK_DOCUMENTS_SCHEMA),
        codes=codes,
        severity=config.validate.severity,
        fail_on=fail_on,
        tool_version=corpuskit.__version__,
    )


def _matches_any(code: str, patterns: Sequence[str], codes: CodeRegistry) -> bool:
    """Whether ``code`` is one of ``patterns``: a code, a code prefix or a category."""
    info = codes.get(code)
    category = info.category if info is not None else None
    return any(code.upper().startswith(p.upper()) or p == category for p in patterns)


def _shown(found: pl.DataFrame, codes: CodeRegistry, select: Sequence[str], ignore: Sequence[str]):
    """The findings ``select`` and ``ignore`` leave in the report."""
    if found.height == 0 or not (select or ignore):
        return found
    keep = [
        (not select or _matches_any(code, select, codes))
        and not (ignore and _matches_any(code, ignore, codes))
        for code in found["code"].to_list()
    ]
    return found.filter(pl.Series(keep, dtype=pl.Boolean))
