"""The ``corpuskit`` command line: the only layer that prints, exits or reads flags.

Exit codes are the same for every command: 0 success, 1 a check found problems at or
above ``--fail-on``, 2 a usage, configuration or input problem.
"""

from __future__ import annotations

import logging

import click

import corpuskit
from corpuskit.cli.check import check
from corpuskit.cli.clean import clean
from corpuskit.cli.common import FullHelpGroup
from corpuskit.cli.index import index
from corpuskit.cli.report import report
from corpuskit.cli.rules import rules


@click.group(
    cls=FullHelpGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(corpuskit.__version__, prog_name="corpuskit")
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Clean, deduplicate and check news corpora (Arabic first, multilingual by design)."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


for command in (clean, check, index, report, rules):
    main.add_command(command)
