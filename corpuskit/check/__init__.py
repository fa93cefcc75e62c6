"""``corpuskit check``: a CI gate that lints incoming documents before they join a corpus.

The CLI reads the inputs, validates them, optionally looks them up in a persisted
duplicate index, then hands the validated frame to :func:`build_report`; a formatter from
:mod:`corpuskit.check.formats` renders the :class:`CheckReport` and its ``exit_code`` is
the process exit code (0 clean, 1 findings at or above ``--fail-on``).
"""

from corpuskit.check.levels import FAIL_ON_LEVELS, SEVERITY_RANK
from corpuskit.check.result import CheckReport, build_report
from corpuskit.check.run import CHECK_DOCUMENTS_SCHEMA, CHECK_FINDINGS_SCHEMA, run_check
from corpuskit.check.suppress import ALLOW_COLUMN, allowed_codes

__all__ = [
    "ALLOW_COLUMN",
    "CHECK_DOCUMENTS_SCHEMA",
    "CHECK_FINDINGS_SCHEMA",
    "FAIL_ON_LEVELS",
    "SEVERITY_RANK",
    "CheckReport",
    "allowed_codes",
    "build_report",
    "run_check",
]
