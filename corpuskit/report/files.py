"""Regenerate ``report.html`` from an output folder of ``corpuskit clean``.

The folder holds ``clean.parquet``, ``rejected.parquet``, ``findings.parquet`` and
``summary.json``. The parquet files are scanned lazily: only lengths and the sampled
documents are read into memory, so a report of a large run needs little RAM.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from corpuskit.errors import CorpuskitError, InputError, OutputError
from corpuskit.io import write_text_atomic
from corpuskit.io.datasets import scan_dataset
from corpuskit.report.render import render_report
from corpuskit.report.summary import build_summary
from corpuskit.rules import load_ruleset

REPORT_FILE = "report.html"
REQUIRED_FILES = ("clean.parquet", "rejected.parquet", "findings.parquet")


def write_report_from_dir(out_dir: Path, out_file: Path | None = None) -> Path:
    """Render the report of the run in ``out_dir`` to ``out_file`` (default: its report.html).

    A missing ``summary.json`` is rebuilt from the parquet files. Returns the path written.
    The folder of ``out_file`` must exist: a misspelled folder is an error, not created.
    """
    out_dir = Path(out_dir)
    if out_file is not None and not Path(out_file).parent.is_dir():
        folder = Path(out_file).parent
        raise OutputError(
            f"cannot write the report to {out_file}: the folder {folder} does not exist",
            hint=f"create it first (mkdir -p {folder}) or choose a folder that exists",
        )
    if not out_dir.is_dir():
        raise InputError(
            f"expected an output folder of `corpuskit clean`, but {out_dir} is not a folder",
            hint="pass the folder given to `corpuskit clean --out`",
        )
    missing = [name for name in REQUIRED_FILES if not (out_dir / name).exists()]
    if missing:
        raise InputError(
            f"{out_dir} is not a complete output folder: {', '.join(missing)} missing",
            hint="run `corpuskit clean --out DIR` again, or pass the right folder",
        )
    frames = {}
    for name in REQUIRED_FILES:
        try:
            frames[name] = scan_dataset(out_dir / name)
            frames[name].collect_schema()
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise InputError(
                f"cannot read {out_dir / name}: {exc}",
                hint="the file is damaged; run `corpuskit clean` again",
            ) from exc
    clean, rejected, findings = (frames[n] for n in REQUIRED_FILES)
    summary = _load_summary(out_dir, clean, rejected, findings)
    html = render_report(
        clean=clean,
        rejected=rejected,
        findings=findings,
        summary=summary,
        ruleset=_ruleset(summary),
    )
    target = Path(out_file) if out_file is not None else out_dir / REPORT_FILE
    write_text_atomic(html, target)
    return target


def _load_summary(
    out_dir: Path, clean: pl.LazyFrame, rejected: pl.LazyFrame, findings: pl.LazyFrame
) -> dict[str, Any]:
    path = out_dir / "summary.json"
    if not path.is_file():
        return build_summary(
            clean=clean.collect(),
            rejected=rejected.collect(),
            findings=findings.collect(),
            run={},
        )
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"cannot read {path}: {exc}",
            hint="delete summary.json to have it rebuilt from the parquet files",
        ) from exc
    if not isinstance(summary, dict) or "documents" not in summary:
        raise InputError(
            f"{path} is not a corpuskit summary (no 'documents' key)",
            hint="delete summary.json to have it rebuilt from the parquet files",
        )
    return summary


def _ruleset(summary: dict[str, Any]) -> Any:
    """The rules of the run, for names and rationales: the built-in rules and the rule
    folders the run used (when they are still there); None when they cannot be loaded."""
    params = summary.get("run", {}).get("parameters", {})
    folders = params.get("validate", {}).get("rule_dirs", []) if isinstance(params, dict) else []
    present = [Path(d) for d in folders if isinstance(d, str) and Path(d).is_dir()]
    try:
        return load_ruleset(present)
    except CorpuskitError:  # a broken rule file must not stop a report from being written
        try:
            return load_ruleset()
        except CorpuskitError:
            return None
