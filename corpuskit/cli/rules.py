"""``corpuskit rules``: list, explain and test the codes and the rules behind them.

``list`` and ``explain`` read the registry of every code (:mod:`corpuskit.codes`): the
rules of the rule files and the codes that are not rules (input problems ``IO…``,
duplicates ``DUP…``, index matches ``IDX…``). ``test`` runs the rules' examples.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from corpuskit.cli.common import EXIT_FINDINGS, FullHelpGroup, user_errors_exit
from corpuskit.codes import CodeInfo, CodeRegistry, closest_matches, load_code_registry
from corpuskit.display import printable
from corpuskit.errors import ConfigError, RuleError
from corpuskit.rules import Rule, load_ruleset


@click.group("rules", cls=FullHelpGroup)
def rules() -> None:
    """List, explain and test the boilerplate and quality rules and every other code."""


_RULE_DIR = click.option(
    "--rule-dir",
    "rule_dir",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="An extra folder of rule files (repeatable).",
)

# The columns of `rules list`, in order, with the width each is padded to.
LIST_COLUMNS: tuple[tuple[str, int], ...] = (
    ("code", 7),
    ("category", 11),
    ("scope", 8),
    ("action", 6),
    ("severity", 8),
    ("languages", 9),
    ("name", 0),
)


def _list_row(values: list[str]) -> str:
    cells = [f"{value:<{width}}" for value, (_, width) in zip(values, LIST_COLUMNS, strict=True)]
    return " ".join(cells).rstrip()


def _row_of(info: CodeInfo) -> list[str]:
    return [
        info.code,
        info.category,
        info.scope,
        info.action,
        info.severity,
        ",".join(info.languages),
        info.name,
    ]


def _refuse_unknown(option: str, value: str, valid: list[str]) -> None:
    closest = closest_matches(value, valid)
    suggestion = f"; did you mean {' or '.join(closest)}?" if closest else ""
    raise ConfigError(
        f"{option} {value!r} matches no code{suggestion}",
        hint=f"valid values: {', '.join(valid)}",
    )


@rules.command("list")
@click.option(
    "--category", help="Only codes of this category (e.g. boilerplate, quality, duplicate)."
)
@click.option("--lang", help="Only codes that apply to this language (e.g. ar, en, any).")
@_RULE_DIR
@user_errors_exit
def list_rules(category: str | None, lang: str | None, rule_dir: tuple[Path, ...]) -> None:
    """One line per code under a header: code, category, scope, action, severity,
    languages, name.

    Lists the rules of the rule files and the codes that are not rules: input problems
    (IO…), duplicates (DUP…) and index matches (IDX…). An unknown --category or --lang
    is an error that lists the valid ones.
    """
    registry = load_code_registry(rule_dir)
    if category is not None and category not in registry.categories():
        _refuse_unknown("--category", category, registry.categories())
    if lang is not None and lang not in registry.languages():
        _refuse_unknown("--lang", lang, registry.languages())
    shown = [
        info
        for info in registry
        if (category is None or info.category == category)
        and (lang is None or lang in info.languages or "any" in info.languages)
    ]
    click.echo(_list_row([name.upper() for name, _ in LIST_COLUMNS]))
    for info in shown:
        click.echo(printable(_list_row(_row_of(info))))


def _wrapped(text: str) -> list[str]:
    return ["  " + s for s in textwrap.wrap(" ".join(text.split()), 88)] or ["  -"]


_EMITTED_BY = {
    "input": "the reader, for a record it cannot take as it is (corpuskit.io)",
    "duplicate": "the duplicate stage of `corpuskit clean` and `check --batch-dedup`",
    "index": "`corpuskit check --against INDEX`, for a copy of an indexed document",
}


def explain_text(info: CodeInfo) -> str:
    """What ``corpuskit rules explain CODE`` prints for one code."""
    lines = [f"{info.code}  {info.name}"]
    meta = f"category {info.category}, action {info.action}, severity {info.severity}"
    rule = info.rule
    if rule is not None:
        meta = (
            f"category {rule.category}, scope {rule.scope}, action {rule.action}, "
            f"severity {rule.severity}, languages {', '.join(rule.languages)}"
        )
    lines.append(f"  {meta}")
    if rule is None:
        lines.append(f"  reported by {_EMITTED_BY.get(info.kind, 'corpuskit')}")
    else:
        lines.extend(_rule_details(rule))
    lines.append("")
    lines.append("Why:")
    lines.extend(_wrapped(info.rationale))
    lines.append("What to do:")
    lines.extend(_wrapped(info.message))
    if rule is not None:
        lines.extend(_examples(rule))
    return printable_lines(lines)


def printable_lines(lines: list[str]) -> str:
    """Lines joined by newlines, each escaped: rule files are user input."""
    return "\n".join(printable(line) for line in lines)


def _rule_details(rule: Rule) -> list[str]:
    lines = []
    if rule.sources:
        lines.append(f"  sources: {', '.join(rule.sources)}")
    if rule.pattern is not None:
        lines.append(f"  pattern ({rule.match}, strip {rule.strip}): {rule.pattern}")
    else:
        params = ", ".join(f"{k}={v!r}" for k, v in rule.params.items())
        lines.append(f"  detector: {rule.detector}" + (f" ({params})" if params else ""))
    lines.append(f"  file: {rule.path}")
    return lines


def _examples(rule: Rule) -> list[str]:
    lines = ["Examples:"]
    for i, ex in enumerate(rule.examples, 1):
        kind = "must match" if ex.must_match else "must not match"
        if ex.known_failure:
            kind += " (known failure)"
        lines.append(f"  {i}. {kind}" + (f" - {ex.note}" if ex.note else ""))
        if ex.title is not None:
            lines.append(f"     title: {ex.title!r}")
        lines.append(f"     text:  {ex.text!r}")
        if ex.must_match and ex.clean is not None:
            lines.append(f"     clean: {ex.clean!r}")
        if ex.must_match and ex.clean_title is not None:
            lines.append(f"     clean title: {ex.clean_title!r}")
    return lines


def _lookup(registry: CodeRegistry, code: str) -> CodeInfo:
    info = registry.get(code)
    if info is None:
        closest = closest_matches(code, [i.code for i in registry])
        suggestion = f"; did you mean {' or '.join(closest)}?" if closest else ""
        raise RuleError(
            f"no code {code!r}{suggestion}",
            hint="run `corpuskit rules list` to see every code",
        )
    return info


@rules.command("explain")
@click.argument("code")
@_RULE_DIR
@user_errors_exit
def explain(code: str, rule_dir: tuple[Path, ...]) -> None:
    """Print what a code means, why, and what to do (a rule also with its examples)."""
    click.echo(explain_text(_lookup(load_code_registry(rule_dir), code)))


@rules.command("test")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="Show every example, not only failures.")
@user_errors_exit
def test(directory: Path | None, verbose: bool) -> None:
    """Run the rules' examples, built-in and DIRECTORY's (exit 1 on a failure).

    Examples marked known_failure are expected to fail: they are listed apart (XFAIL)
    and do not fail the run; one that passes (XPASS) fails it, so the mark goes.
    """
    from corpuskit.validate.examples import run_examples

    ruleset = load_ruleset([directory] if directory else [])
    results = run_examples(ruleset)
    expected = [r for r in results if r.example.known_failure and r.ok]
    failed = [r for r in results if not r.ok]
    passed = len(results) - len(failed) - len(expected)
    for result in results:
        if verbose and result.ok and not result.example.known_failure:
            click.echo(printable(f"ok {result.label} {result.rule.name}: {result.detail}"))
    for result in failed:
        mark = "XPASS" if result.example.known_failure else "FAIL"
        click.echo(printable(f"{mark} {result.label} {result.rule.name}: {result.detail}"))
    if expected:
        click.echo("known failures (marked known_failure in the rule file; expected to fail):")
        for result in expected:
            why = result.detail.removeprefix("known failure: ")
            click.echo(printable(f"XFAIL {result.label} {result.rule.name}: {why}"))
    counts = [f"{passed} passed", f"{len(failed)} failed"]
    if expected:
        counts.append(f"{len(expected)} known failure{'s' if len(expected) != 1 else ''}")
    click.echo(f"{', '.join(counts)} ({len(results)} examples of {len(ruleset)} rules)")
    if failed:
        sys.exit(EXIT_FINDINGS)
