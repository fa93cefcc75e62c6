"""Output formats of ``corpuskit check``: each turns a CheckReport into text."""

from __future__ import annotations

from collections.abc import Callable

from corpuskit.check.formats import github, human, json_format, junit, sarif
from corpuskit.check.result import CheckReport
from corpuskit.errors import ConfigError

FORMATS: dict[str, Callable[[CheckReport], str]] = {
    "human": human.render,
    "json": json_format.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "github": github.render,
}


def render(report: CheckReport, fmt: str = "human", **options: object) -> str:
    """Render ``report`` in format ``fmt`` (one of :data:`FORMATS`)."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ConfigError(
            f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}"
        ) from None
    return renderer(report, **options)  # type: ignore[call-arg]
