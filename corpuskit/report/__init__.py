"""What a run did, for people (``report.html``) and for machines (``summary.json``).

* :func:`build_summary` — the numbers, queried from the clean/rejected/findings tables.
"""

from __future__ import annotations

from corpuskit.report.summary import build_summary

__all__ = ["build_summary"]
