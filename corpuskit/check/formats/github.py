"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` per finding.

GitHub shows each as an annotation on the file (and line) in the pull request. Values
are escaped as the Actions toolkit does: ``%``, CR and LF everywhere, and additionally
``:`` and ``,`` inside properties, so a message can never end the command early or
inject a second one; other control characters are written as escapes
(:func:`corpuskit.display.printable`), so none reaches the log raw. Table files (Parquet,
CSV) get no ``line=`` (their row is not a line of the file); the row is named in the
message instead. Suppressed findings are not shown.
"""

from __future__ import annotations

from typing import Any

from corpuskit.check.result import CheckReport
from corpuskit.display import printable

_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _safe(value: str) -> str:
    return printable(value, keep_line_breaks=True)


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(row: dict[str, Any]) -> str:
    """One workflow command line for one finding row."""
    props = [f"file={escape_property(_safe(row['file']))}"]
    if row["location"] == "line" and row["line"] is not None:
        props.append(f"line={row['line']}")
    props.append(f"title={escape_property(_safe(row['code'] + ' ' + row['name']))}")
    where = f" (row {row['line']})" if row["location"] == "row" else ""
    text = f"doc {_safe(row['doc_id'])}{where}: {_safe(row['message'])}"
    if row["excerpt"]:
        text += f"\n> {_safe(' '.join(row['excerpt'].split())[:200])}"
    return f"::{_COMMAND.get(row['severity'], 'warning')} {','.join(props)}::{escape_data(text)}"


def render(report: CheckReport) -> str:
    lines = [annotation(row) for row in report.active().iter_rows(named=True)]
    return "".join(line + "\n" for line in lines)
