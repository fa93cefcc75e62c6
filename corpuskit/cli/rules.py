"""``corpuskit rules``: list, explain and test the rules that drive validation."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import click

from corpuskit.cli.common import EXIT_FINDINGS, user_errors_exit
from corpuskit.errors import RuleError
from corpuskit.rules import Rule, load_ruleset


@click.group("rules")
def rules() -> None:
    """List, explain and test the boilerplate and quality rules."""


def _extra_dirs(rule_dir: tuple[Path, ...]) -> list[Path]:
    return [Path(d) for d in rule_dir]


_RULE_DIR = click.option(
    "--rule-dir",
    "rule_dir",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="An extra folder of rule files (repeatable).",
)


@rules.command("list")
@click.option("--category", help="Only rules of this category (e.g. boilerplate, quality).")
@click.option("--lang", help="Only rules that apply to this language code (e.g. ar, en).")
@_RULE_DIR
@user_errors_exit
def list_rules(category: str | None, lang: str | None, rule_dir: tuple[Path, ...]) -> None:
    """One line per rule: code, action, severity, languages, name."""
    ruleset = load_ruleset(_extra_dirs(rule_dir))
    shown = [
        r
        for r in ruleset.rules
        if (category is None or r.category == category)
        and (lang is None or lang in r.languages or "any" in r.languages)
    ]
    for rule in sorted(shown, key=lambda r: r.code):
        langs = ",".join(rule.languages)
        click.echo(
            f"{rule.code:<7} {rule.category:<12} {rule.scope:<8} {rule.action:<5} "
            f"{rule.severity:<7} {langs:<8} {rule.name}"
        )
    if not shown:
        click.echo("no rule matches", err=True)


def _explain(rule: Rule) -> str:
    lines = [
        f"{rule.code}  {rule.name}",
        f"  category {rule.category}, scope {rule.scope}, action {rule.action}, "
        f"severity {rule.severity}, languages {', '.join(rule.languages)}",
    ]
    if rule.sources:
        lines.append(f"  sources: {', '.join(rule.sources)}")
    if rule.pattern is not None:
        lines.append(f"  pattern ({rule.match}, strip {rule.strip}): {rule.pattern}")
    else:
        params = ", ".join(f"{k}={v!r}" for k, v in rule.params.items())
        lines.append(f"  detector: {rule.detector}" + (f" ({params})" if params else ""))
    lines.append(f"  file: {rule.path}")
    lines.append("")
    lines.append("Why:")
    lines.extend("  " + s for s in textwrap.wrap(" ".join(rule.rationale.split()), 88))
    lines.append("What to do:")
    lines.extend("  " + s for s in textwrap.wrap(" ".join(rule.message.split()), 88))
    lines.append("Examples:")
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
    return "\n".join(lines)


@rules.command("explain")
@click.argument("code")
@_RULE_DIR
@user_errors_exit
def explain(code: str, rule_dir: tuple[Path, ...]) -> None:
    """Print a rule with its rationale and examples."""
    ruleset = load_ruleset(_extra_dirs(rule_dir))
    rule = ruleset.get(code.upper())
    if rule is None:
        raise RuleError(
            f"no rule has code {code!r}",
            hint="run `corpuskit rules list` to see the codes",
        )
    click.echo(_explain(rule))


@rules.command("test")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("-v", "--verbose", is_flag=True, help="Show every example, not only failures.")
@user_errors_exit
def test(directory: Path | None, verbose: bool) -> None:
    """Run the examples of the built-in rules and of DIRECTORY's rules (exit 1 on a failure)."""
    from corpuskit.validate.examples import run_examples

    ruleset = load_ruleset([directory] if directory else [])
    results = run_examples(ruleset)
    failed = [r for r in results if not r.ok]
    for result in results:
        if verbose or not result.ok:
            mark = "ok  " if result.ok else "FAIL"
            click.echo(f"{mark} {result.label} {result.rule.name}: {result.detail}")
    known = sum(r.example.known_failure for r in results)
    click.echo(
        f"{len(results)} examples of {len(ruleset)} rules: {len(results) - len(failed)} ok, "
        f"{len(failed)} failed" + (f", {known} known failures" if known else "")
    )
    if failed:
        sys.exit(EXIT_FINDINGS)
