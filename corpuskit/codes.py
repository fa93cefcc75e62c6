"""One registry of every finding code: rules, input problems, duplicates, index matches.

Every finding names a code. Most codes are rules from rule files (the built-in ``rules/``
folder or a user's rule folder), which carry their own metadata. The others are defined
next to the code that emits them: input problems (``IO…``) in :mod:`corpuskit.io.codes`,
duplicates inside a corpus (``DUP…``) and matches against a persisted index (``IDX…``) in
:mod:`corpuskit.dedup.codes`. :func:`code_registry` collects all of them into one
:class:`CodeRegistry`, so ``corpuskit rules list`` and ``rules explain``, the report,
``corpuskit check`` and its SARIF output describe every code the same way: its name,
category, severity, action, why it exists and what to do.

The registry also decides what a selector in ``select``/``ignore`` may be (a code, a
code prefix such as ``BP`` or ``Q``, a category, a rule name): one that matches nothing is
a configuration error that suggests the closest valid selector, because a misspelled
``select = ["ZZ999"]`` would otherwise silently switch every rule off.

>>> from corpuskit.codes import code_registry
>>> registry = code_registry()  # the codes that are not rules; pass a RuleSet for rules
>>> info = registry["DUP200"]
>>> info.name, info.category, info.action
('near-duplicate', 'duplicate', 'drop')
>>> registry.describe("ZZ999", "drop").name  # a code nobody describes
'unknown-code'
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpuskit.dedup.codes import DUP_CODES
from corpuskit.errors import ConfigError
from corpuskit.io.codes import IO_CODES
from corpuskit.rules import SEVERITIES, Rule, RuleSet, load_ruleset

# Where a code comes from.
KIND_RULE, KIND_INPUT, KIND_DUPLICATE, KIND_INDEX = "rule", "input", "duplicate", "index"

# Category of the codes that are not rules (rules name their own).
INPUT_CATEGORY, DUPLICATE_CATEGORY = "input", "duplicate"

# Severity and advice for a code nobody describes (a findings table from another version).
_SEVERITY_BY_ACTION = {"drop": "error", "flag": "warning", "strip": "info"}
_MESSAGE_BY_ACTION = {
    "drop": "`corpuskit clean` would reject this document; fix the record or remove it",
    "flag": "review this document",
    "strip": "`corpuskit clean` removes this span; nothing to do unless the span is wrong",
}
_FAMILY = re.compile(r"^[A-Z]+")


@dataclass(frozen=True)
class CodeInfo:
    """What one finding code means: the metadata every output reports it with."""

    code: str
    name: str
    category: str
    severity: str
    action: str
    rationale: str  # why the code exists: what the finding says about the document
    message: str  # what to do about a finding
    kind: str = KIND_RULE  # rule | input | duplicate | index
    scope: str = "document"  # rules: line, block, document or title
    languages: tuple[str, ...] = ("any",)
    rule: Rule | None = None  # the rule itself, for rule codes

    @property
    def family(self) -> str:
        """The code's letters: ``BP`` for ``BP101``, ``DUP`` for ``DUP200``."""
        match = _FAMILY.match(self.code)
        return match.group(0) if match else self.code


def _from_rule(rule: Rule) -> CodeInfo:
    return CodeInfo(
        code=rule.code,
        name=rule.name,
        category=rule.category,
        severity=rule.severity,
        action=rule.action,
        rationale=rule.rationale,
        message=rule.message,
        kind=KIND_RULE,
        scope=rule.scope,
        languages=rule.languages,
        rule=rule,
    )


def _from_table(entry: Any, category: str, kind: str) -> CodeInfo:
    """A :class:`CodeInfo` from an ``IOCode`` or ``DupCode`` (read by attribute)."""
    return CodeInfo(
        code=entry.code,
        name=entry.name,
        category=category,
        severity=entry.severity,
        action=entry.action,
        rationale=entry.rationale,
        message=entry.message,
        kind=kind,
    )


def builtin_codes() -> tuple[CodeInfo, ...]:
    """The codes that are not rules: input problems, duplicates, index matches."""
    found = [_from_table(c, INPUT_CATEGORY, KIND_INPUT) for c in IO_CODES]
    for entry in DUP_CODES:
        kind = KIND_INDEX if entry.code.startswith("IDX") else KIND_DUPLICATE
        found.append(_from_table(entry, DUPLICATE_CATEGORY, kind))
    return tuple(found)


def unknown_code_info(code: str, action: str | None = None) -> CodeInfo:
    """Metadata for a code the registry does not know, from what ``clean`` would do."""
    return CodeInfo(
        code=code,
        name="unknown-code",
        category="",
        severity=_SEVERITY_BY_ACTION.get(action or "", "warning"),
        action=action or "flag",
        rationale="",
        message=_MESSAGE_BY_ACTION.get(action or "", "review this document"),
        kind="",
    )


class CodeRegistry:
    """Every code corpuskit can report, looked up by code (``registry["DUP200"]``)."""

    def __init__(self, infos: Iterable[CodeInfo]) -> None:
        self._infos: dict[str, CodeInfo] = {}
        for info in infos:
            self._infos.setdefault(info.code, info)

    def __contains__(self, code: object) -> bool:
        return code in self._infos

    def __getitem__(self, code: str) -> CodeInfo:
        return self._infos[code]

    def __iter__(self) -> Iterator[CodeInfo]:
        return iter(sorted(self._infos.values(), key=lambda i: i.code))

    def __len__(self) -> int:
        return len(self._infos)

    def get(self, code: str) -> CodeInfo | None:
        """The code's metadata, or None (codes are matched case-insensitively)."""
        return self._infos.get(code) or self._infos.get(code.strip().upper())

    def describe(self, code: str, action: str | None = None) -> CodeInfo:
        """The code's metadata; an unknown code gets :func:`unknown_code_info`."""
        return self.get(code) or unknown_code_info(code, action)

    def names(self) -> dict[str, str]:
        """``{code: name}`` for every code."""
        return {code: info.name for code, info in self._infos.items()}

    def categories(self) -> list[str]:
        return sorted({info.category for info in self._infos.values() if info.category})

    def languages(self) -> list[str]:
        return sorted({lang for info in self._infos.values() for lang in info.languages})

    def matching(self, selector: str) -> list[CodeInfo]:
        """Codes a ``select``/``ignore`` entry names: by code, code prefix, category or
        rule name (the same test :meth:`corpuskit.rules.RuleSet.select` applies)."""
        return [
            info
            for info in self
            if info.code.startswith(selector) or selector in (info.category, info.name)
        ]

    def check_selectors(self, selectors: Sequence[str], where: str) -> None:
        """Raise :class:`ConfigError` for the first entry of ``selectors`` that names no
        code, suggesting the closest valid one. ``where`` names the option for the message
        (``"corpuskit.toml: [validate] select"``, ``"--ignore"``)."""
        for selector in selectors:
            if not self.matching(selector):
                raise self._unknown(selector, where, self._selector_vocabulary(), categories=True)

    def check_severity_keys(self, keys: Iterable[str], where: str) -> None:
        """Like :meth:`check_selectors` for severity overrides, which name codes or code
        prefixes only (an override applies by exact code, else by the longest prefix)."""
        codes = [info.code for info in self]
        for key in keys:
            if not any(code.startswith(key) for code in codes):
                raise self._unknown(key, where, [*codes, *self._families()], categories=False)

    def _families(self) -> list[str]:
        return sorted({info.family for info in self._infos.values()})

    def _selector_vocabulary(self) -> list[str]:
        names = [info.name for info in self]
        return [*(i.code for i in self), *self._families(), *self.categories(), *names]

    def _unknown(
        self, selector: str, where: str, vocabulary: list[str], *, categories: bool
    ) -> ConfigError:
        closest = closest_matches(selector, vocabulary)
        suggestion = f"; did you mean {' or '.join(closest)}?" if closest else ""
        valid = f"a code or a code prefix ({', '.join(self._families())})"
        if categories:
            valid = f"a code, a code prefix ({', '.join(self._families())}) or a category "
            valid += f"({', '.join(self.categories())})"
        return ConfigError(
            f"{where}: {selector!r} names no code{suggestion}",
            hint=f"use {valid}; `corpuskit rules list` shows every code",
        )


def closest_matches(word: str, vocabulary: Iterable[str], n: int = 2) -> list[str]:
    """Up to ``n`` entries of ``vocabulary`` closest to ``word``, ignoring case."""
    by_folded: dict[str, str] = {}
    for entry in vocabulary:
        by_folded.setdefault(entry.casefold(), entry)
    found = difflib.get_close_matches(word.casefold(), list(by_folded), n=n, cutoff=0.6)
    return [by_folded[f] for f in found]


def code_registry(ruleset: RuleSet | None = None) -> CodeRegistry:
    """Every code: the rules of ``ruleset`` (none when None) and the codes that are not
    rules. A rule may not reuse a built-in code; the rule wins the lookup if it does."""
    rules = [_from_rule(rule) for rule in ruleset or ()]
    return CodeRegistry([*rules, *builtin_codes()])


def load_code_registry(rule_dirs: Sequence[Path | str] = ()) -> CodeRegistry:
    """The registry of the built-in rules, the rules in ``rule_dirs`` and every other code."""
    return code_registry(load_ruleset([Path(d) for d in rule_dirs]))


def check_rule_selection(
    options: Any,
    registry: CodeRegistry,
    *,
    where: str = "[validate]",
) -> None:
    """Refuse ``select``, ``ignore``, ``per_source`` and ``severity`` entries of
    ``options`` (a :class:`corpuskit.config.ValidateOptions`) that name no code.

    Raises :class:`ConfigError` naming the option and suggesting the closest code.
    """
    registry.check_selectors(options.select, f"{where} select")
    registry.check_selectors(options.ignore, f"{where} ignore")
    for source, override in sorted(options.per_source.items()):
        registry.check_selectors(override.select, f"{where} per_source.{source} select")
        registry.check_selectors(override.ignore, f"{where} per_source.{source} ignore")
    registry.check_severity_keys(severity_overrides(options.severity), f"{where} severity")


def severity_overrides(overrides: Mapping[str, str]) -> dict[str, str]:
    """Severity overrides with upper-case codes and lower-case levels.

    Raises :class:`ConfigError` on a level that is not a severity.
    """
    checked: dict[str, str] = {}
    for code, level in overrides.items():
        normalized = str(level).strip().lower()
        if normalized not in SEVERITIES:
            raise ConfigError(
                f"severity override for {code}: expected one of {', '.join(SEVERITIES)}, "
                f"found {level!r}",
                hint='write e.g. severity = { BP101 = "error" } under [validate]',
            )
        checked[str(code).strip().upper()] = normalized
    return checked


def override_for(code: str, overrides: Mapping[str, str]) -> str | None:
    """The override for ``code``: an exact code wins, else the longest matching prefix."""
    if code in overrides:
        return overrides[code]
    prefixes = [p for p in overrides if code.startswith(p)]
    return overrides[max(prefixes, key=len)] if prefixes else None
