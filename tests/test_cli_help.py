"""``corpuskit --help`` and the help of every command group."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from corpuskit.cli import main


def _groups() -> list[tuple[list[str], click.Group]]:
    found = [([], main)]
    found += [([name], cmd) for name, cmd in main.commands.items() if isinstance(cmd, click.Group)]
    return found


@pytest.mark.parametrize("width", [80, 60])
@pytest.mark.parametrize(
    ("path", "group"), _groups(), ids=[" ".join(p) or "corpuskit" for p, _ in _groups()]
)
def test_help_shows_every_command_summary_whole(path, group, width):
    result = CliRunner().invoke(main, [*path, "--help"], terminal_width=width)
    assert result.exit_code == 0
    shown = " ".join(result.output.split())
    for name, command in group.commands.items():
        summary = " ".join(command.get_short_help_str(limit=10_000).split())
        assert not summary.endswith("..."), name
        assert f"{name} {summary}" in shown, (name, result.output)
