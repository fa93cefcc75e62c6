"""The default output: findings grouped by file, one block per finding, a summary line.

Styling goes through a ``style`` callable (``click.style`` from the CLI) so this module
stays free of terminal handling; the CLI prints with ``color=None`` so colour appears
only on a terminal. Every string that comes from the corpus or a rule file (file names,
ids, excerpts, names, messages) goes through :func:`corpuskit.display.printable`, so a
newline in an id cannot start a line of its own in a CI log and an escape sequence
cannot reach the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import polars as pl

from corpuskit.check.result import CheckReport
from corpuskit.display import printable

Style = Callable[..., str]

_SEVERITY_COLOUR = {"error": "red", "warning": "yellow", "info": "blue"}
EXCERPT_CHARS = 100
MAX_EXCERPTS = 3  # per block of repeated findings


def plain(text: str, **_styles: Any) -> str:
    """A ``style`` that adds nothing (the default, and what tests compare against)."""
    return text


def _one_line(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join((text or "").split())
    flat = flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return printable(flat)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render(
    report: CheckReport,
    *,
    style: Style = plain,
    show_suppressed: bool = False,
    summary: bool = True,
) -> str:
    """Human-readable findings, grouped by file in input order, then (with ``summary``)
    the line that counts them and gives the verdict."""
    lines: list[str] = []
    shown = report.findings if show_suppressed else report.active()
    for (file,), group in shown.group_by("file", maintain_order=True):
        lines.append(style(printable(file), bold=True, underline=True))
        for rows in _same_problem_runs(group.iter_rows(named=True)):
            lines.extend(_finding_lines(rows, style))
        lines.append("")
    if summary:
        lines.append(summary_line(report, style))
    return "\n".join(lines) + "\n" if lines else ""


def _same_problem_runs(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Consecutive findings of one code on one document, shown as one block."""
    run: list[dict[str, Any]] = []
    for row in rows:
        key = (row["doc_id"], row["line"], row["code"], row["suppressed"])
        if run and key != (run[0]["doc_id"], run[0]["line"], run[0]["code"], run[0]["suppressed"]):
            yield run
            run = []
        run.append(row)
    if run:
        yield run


def _finding_lines(rows: list[dict[str, Any]], style: Style) -> list[str]:
    row = rows[0]
    where = f"{row['location']} {row['line']}" if row["line"] is not None else "?"
    severity = row["severity"]
    head = (
        f"  {where:<10} {style(f'{severity:<7}', fg=_SEVERITY_COLOUR.get(severity))} "
        f"{style(printable(row['code']), bold=True)} {printable(row['name'])}  "
        f"{style('doc ' + printable(row['doc_id']), dim=True)}"
    )
    if row["suppressed"]:
        head += style("  (suppressed by the document's allow-list)", dim=True)
    if len(rows) > 1:
        head += f"  ({len(rows)} times)"
    out = [head, f"{'':13}{printable(row['message'])}"]
    excerpts = [r["excerpt"] for r in rows if r["excerpt"]]
    for excerpt in excerpts[:MAX_EXCERPTS]:
        out.append(f"{'':13}{style('> ' + _one_line(excerpt), dim=True)}")
    if len(excerpts) > MAX_EXCERPTS:
        out.append(f"{'':13}{style(f'… and {len(excerpts) - MAX_EXCERPTS} more', dim=True)}")
    return out


def summary_line(report: CheckReport, style: Style = plain) -> str:
    """One line: what was checked, the counts by severity, and the verdict."""
    summary = report.summary()
    counts = ", ".join(
        f"{n} info" if sev == "info" else _plural(n, sev)
        for sev, n in summary["by_severity"].items()
    )
    checked = (
        f"Checked {_plural(summary['documents'], 'document')} in "
        f"{_plural(summary['files'], 'file')}: {counts}"
    )
    if summary["suppressed"]:
        codes = ", ".join(f"{c} {n}" for c, n in summary["suppressed_by_code"].items())
        checked += f"; {summary['suppressed']} suppressed by allow-lists ({codes})"
    if report.fail_on == "never":
        verdict = style("not failing (--fail-on never)", fg="green")
    elif summary["failing"]:
        verdict = style(
            f"FAILED: {_plural(summary['failing'], 'finding')} at or above {report.fail_on}",
            fg="red",
            bold=True,
        )
    else:
        verdict = style(f"passed: nothing at or above {report.fail_on}", fg="green")
    return f"{checked}. {verdict}"


def findings_by_file(report: CheckReport) -> dict[str, pl.DataFrame]:
    """Active findings per file, in input order (used by tests and other formats)."""
    return {
        str(file): group for (file,), group in report.active().group_by("file", maintain_order=True)
    }
