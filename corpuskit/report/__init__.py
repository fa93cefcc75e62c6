"""What a run did, for people (``report.html``) and for machines (``summary.json``).

* :func:`build_summary` — the numbers, queried from the clean/rejected/findings tables
  (schema: ``docs/summary-schema.md``).
* :func:`render_report` — the self-contained HTML report of a run.
* :func:`write_report_from_dir` — regenerate ``report.html`` from an output folder.
"""

from __future__ import annotations

from corpuskit.report.files import write_report_from_dir
from corpuskit.report.render import render_report
from corpuskit.report.sections import ReportLimits
from corpuskit.report.summary import build_summary

__all__ = ["ReportLimits", "build_summary", "render_report", "write_report_from_dir"]
