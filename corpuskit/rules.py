"""Load, check and select the rules that drive validation.

A rule is one ``[[rule]]`` table in a TOML file under ``rules/`` (built in) or under a
user's own rule folder. It either carries a regular expression (``pattern``) or names a
structural detector (``detector``) with its ``params``. Its ``examples`` are its tests:
inputs that must match with the expected clean output, and inputs that must not match.

File layout::

    [[rule]]
    code = "BP101"                     # stable, never reused
    name = "related-links-header"      # kebab-case, names the pattern
    category = "boilerplate"
    scope = "line"                     # line | block | document | title
    action = "strip"                   # flag | strip | drop
    severity = "info"                  # info | warning | error
    languages = ["ar"]                 # or ["any"]
    sources = []                       # optional: only these sources (outlets)
    pattern = '^مواضيع ذات صله$'       # or: detector = "trailing-headline-run"
    match = "folded"                   # "folded" (default for line rules) or "raw"
    strip = "line"                     # "line": the whole line goes; "match": only the match
    rationale = "why this is boilerplate"
    message = "what to do about it"

    [[rule.examples]]                  # must match: the field after cleaning
    text = "body\\nمواضيع ذات صلة\\nmore body"
    clean = "body\\nmore body"
    [[rule.examples]]                  # must not match
    text = "الأخبار ذات صلة بالموضوع."
    match = false

Pattern rules on lines may also set ``[rule.params]`` ``first_lines = N`` / ``last_lines
= N`` to look only at the first / last N non-blank lines (a byline, a signature).

``match = "folded"`` runs the pattern on the line folded with
:func:`corpuskit.normalize.fold_keep_punctuation` (no diacritics, tatweel, hamza
variants or case; ى→ي, ة→ه; whitespace collapsed), so one pattern matches every
spelling. Write folded patterns in folded spelling. ``strip = "match"`` needs
``match = "raw"`` because offsets must point into the original text.

Patterns (``pattern``, ``exclude`` and regular-expression parameters) run on a
linear-time engine and are checked for it here; see :mod:`corpuskit.rule_regex`. A line
that also matches ``exclude`` is not a finding. Parameters are checked against
:mod:`corpuskit.rule_params`, which fills in their defaults.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpuskit.datafiles import data_dir
from corpuskit.errors import RuleError
from corpuskit.rule_params import DETECTOR_PARAMS, ParamProblem, resolve_params
from corpuskit.rule_regex import PATTERN_HINT, Pattern, PatternProblem, compile_pattern

SCOPES = ("line", "block", "document", "title")
ACTIONS = ("flag", "strip", "drop")
SEVERITIES = ("info", "warning", "error")
MATCH_MODES = ("folded", "raw")
STRIP_MODES = ("line", "match")
# Structural detectors a rule may name; corpuskit.validate implements each one
# (a test keeps this list and the validate registry equal). Their parameters are
# declared in corpuskit.rule_params.
KNOWN_DETECTORS = frozenset(name for name in DETECTOR_PARAMS if name != "pattern")
_CODE = re.compile(r"^[A-Z]{1,4}[0-9]{3,4}$")
_KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_REQUIRED = ("code", "name", "category", "scope", "action", "severity", "languages")
_KNOWN_KEYS = {
    *_REQUIRED,
    "sources",
    "outlets",
    "pattern",
    "exclude",
    "flags",
    "match",
    "strip",
    "detector",
    "params",
    "rationale",
    "message",
    "examples",
}
_EXAMPLE_KEYS = {
    "text",
    "title",
    "clean",
    "clean_title",
    "match",
    "known_failure",
    "corpus",
    "note",
    "lang",
    "source",
}


def builtin_rules_dir() -> Path:
    """The built-in ``rules/`` folder.

    In a checkout (or an editable install) it is the ``rules/`` folder at the top of the
    repository; an installed wheel carries it as data files under
    ``<prefix>/share/corpuskit/rules``.
    """
    return data_dir("rules", "the built-in rules folder", RuleError)


@dataclass(frozen=True)
class Example:
    """One test of a rule: an input and whether (and how) the rule must change it."""

    text: str = ""
    title: str | None = None
    must_match: bool = True
    clean: str | None = None
    clean_title: str | None = None
    known_failure: bool = False
    # Other documents of the same corpus, for corpus-level detectors.
    corpus: tuple[dict[str, str], ...] = ()
    note: str = ""
    lang: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: str
    scope: str
    action: str
    severity: str
    languages: tuple[str, ...]
    rationale: str
    message: str
    sources: tuple[str, ...] = ()
    pattern: str | None = None
    # A subject (line, title or text) that also matches ``exclude`` is not a hit.
    exclude: str | None = None
    flags: str = ""
    match: str = "folded"
    strip: str = "line"
    detector: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    examples: tuple[Example, ...] = ()
    path: str = ""

    def __post_init__(self) -> None:
        # Every declared parameter is present: the registry's defaults under the given ones.
        kind = "pattern" if self.pattern is not None else self.detector
        declared = DETECTOR_PARAMS.get(kind or "", {})
        missing = {k: p.default for k, p in declared.items() if k not in self.params}
        if missing:
            object.__setattr__(self, "params", {**missing, **self.params})

    def compiled(self) -> Pattern:
        """The compiled pattern (only for pattern rules), on the linear-time engine."""
        if self.pattern is None:
            raise RuleError(f"rule {self.code} has no pattern")
        return compile_pattern(self.pattern, self.flags)

    def compiled_exclude(self) -> Pattern | None:
        """The compiled ``exclude`` pattern, if the rule has one."""
        return None if self.exclude is None else compile_pattern(self.exclude, self.flags)

    def applies_to(self, lang: str | None, source: str | None) -> bool:
        """Whether the rule runs on a document of language ``lang`` from ``source``."""
        if self.sources and (source is None or source not in self.sources):
            return False
        return "any" in self.languages or lang is None or lang in self.languages

    def describe(self) -> str:
        how = (
            f"pattern {self.pattern!r} ({self.match})"
            if self.pattern
            else f"detector {self.detector}"
        )
        return f"{self.code} {self.name} [{self.category}/{self.scope}/{self.action}] {how}"


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def get(self, code: str) -> Rule | None:
        for rule in self.rules:
            if rule.code == code:
                return rule
        return None

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def select(self, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> RuleSet:
        """Rules chosen by code, code prefix or category (``select`` empty = all)."""
        chosen = [
            r
            for r in self.rules
            if (not select or _matches_any(r, select)) and not _matches_any(r, ignore)
        ]
        return RuleSet(tuple(chosen))

    def with_severity(self, overrides: dict[str, str]) -> RuleSet:
        """Copy with severities replaced by rule code (``{"BP101": "error"}``)."""
        if not overrides:
            return self
        from dataclasses import replace

        for code, severity in overrides.items():
            if severity not in SEVERITIES:
                raise RuleError(
                    f"severity override for {code}: expected one of {', '.join(SEVERITIES)}, "
                    f"found {severity!r}"
                )
        return RuleSet(
            tuple(replace(r, severity=overrides.get(r.code, r.severity)) for r in self.rules)
        )


def _matches_any(rule: Rule, selectors: Iterable[str]) -> bool:
    return any(
        rule.code == s or rule.code.startswith(s) or rule.category == s or rule.name == s
        for s in selectors
    )


def _fail(where: str, message: str, hint: str | None = None) -> RuleError:
    return RuleError(f"{where}: {message}", hint=hint)


def _reject_unknown_keys(raw: dict[str, Any], known: Iterable[str], where: str, kind: str) -> None:
    unknown = set(raw) - set(known)
    if unknown:
        raise _fail(
            where,
            f"unknown key(s) {', '.join(sorted(unknown))}",
            hint=f"{kind} keys are: {', '.join(sorted(known))}",
        )


def _parse_example(raw: Any, where: str, needs_clean: bool) -> Example:
    if not isinstance(raw, dict):
        raise _fail(where, f"expected a table, found {type(raw).__name__}")
    _reject_unknown_keys(raw, _EXAMPLE_KEYS, where, "example")
    must_match = bool(raw.get("match", True))
    if must_match and needs_clean and "clean" not in raw and "clean_title" not in raw:
        raise _fail(
            where,
            "a must-match example of a strip rule needs `clean` (or `clean_title`): "
            "the expected output",
            hint='add clean = "..." or mark it match = false',
        )
    corpus = raw.get("corpus", [])
    if not isinstance(corpus, list) or not all(isinstance(d, dict) for d in corpus):
        raise _fail(where, "`corpus` must be a list of tables with title/text/source")
    return Example(
        text=str(raw.get("text", "")),
        title=raw.get("title"),
        must_match=must_match,
        clean=raw.get("clean"),
        clean_title=raw.get("clean_title"),
        known_failure=bool(raw.get("known_failure", False)),
        corpus=tuple({str(k): str(v) for k, v in d.items()} for d in corpus),
        note=str(raw.get("note", "")),
        lang=raw.get("lang"),
        source=raw.get("source"),
    )


def _check_pattern(value: Any, flags: str, where: str, key: str) -> None:
    """Refuse a pattern that is not a string or that the linear-time engine cannot run."""
    if not isinstance(value, str):
        raise _fail(where, f"`{key}` must be a string, found {type(value).__name__}")
    try:
        compile_pattern(value, flags)
    except PatternProblem as exc:
        raise _fail(
            where, f"`{key}` does not compile on the linear-time engine: {exc}", hint=PATTERN_HINT
        ) from None


def _resolved_params(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """The rule's parameters checked against the registry, defaults filled in."""
    given = raw.get("params", {})
    if not isinstance(given, dict):
        raise _fail(where, f"`params` must be a table, found {type(given).__name__}")
    kind = "pattern" if "pattern" in raw else str(raw["detector"])
    if kind not in DETECTOR_PARAMS:
        return dict(given)
    try:
        params = resolve_params(kind, given)
    except ParamProblem as exc:
        raise _fail(where, str(exc), hint=exc.hint) from None
    for name, spec in DETECTOR_PARAMS[kind].items():
        if spec.kind == "regex":
            _check_pattern(params[name], "", where, f"params.{name}")
    return params


def parse_rule(
    raw: dict[str, Any], where: str, known_detectors: Iterable[str] | None = None
) -> Rule:
    """Turn one ``[[rule]]`` table into a :class:`Rule`, checking every field."""
    missing = [k for k in _REQUIRED if k not in raw]
    code = raw.get("code", "?")
    where = f"{where} rule {code}"
    if missing:
        raise _fail(where, f"missing field(s) {', '.join(missing)}")
    _reject_unknown_keys(raw, _KNOWN_KEYS, where, "rule")
    if not _CODE.match(str(code)):
        raise _fail(where, f"code must look like BP101 (letters then 3-4 digits), found {code!r}")
    if not _KEBAB.match(str(raw["name"])):
        raise _fail(where, f"name must be kebab-case, found {raw['name']!r}")
    for key, allowed in (
        ("scope", SCOPES),
        ("action", ACTIONS),
        ("severity", SEVERITIES),
        ("match", MATCH_MODES),
        ("strip", STRIP_MODES),
    ):
        value = raw.get(key, allowed[0])
        if value not in allowed:
            raise _fail(where, f"{key} must be one of {', '.join(allowed)}, found {value!r}")
    languages = raw["languages"]
    if isinstance(languages, str):
        languages = [languages]
    has_pattern, has_detector = "pattern" in raw, "detector" in raw
    if has_pattern == has_detector:
        raise _fail(where, "a rule needs exactly one of `pattern` or `detector`")
    match_mode = raw.get("match", "folded")
    strip_mode = raw.get("strip", "line")
    if "exclude" in raw and not has_pattern:
        raise _fail(where, "`exclude` goes with `pattern`: it names lines the pattern must skip")
    if has_pattern:
        for key in ("pattern", "exclude"):
            if key in raw:
                _check_pattern(raw[key], str(raw.get("flags", "")), where, key)
        if strip_mode == "match" and match_mode != "raw":
            raise _fail(
                where, 'strip = "match" needs match = "raw" (offsets point into the original)'
            )
    if has_detector and known_detectors is not None and raw["detector"] not in set(known_detectors):
        raise _fail(
            where,
            f"unknown detector {raw['detector']!r}",
            hint=f"known detectors: {', '.join(sorted(known_detectors))}",
        )
    params = _resolved_params(raw, where)
    examples_raw = raw.get("examples", [])
    examples = tuple(
        _parse_example(e, f"{where} example {i + 1}", raw["action"] == "strip")
        for i, e in enumerate(examples_raw)
    )
    sources = raw.get("sources", raw.get("outlets", []))
    return Rule(
        code=str(code),
        name=str(raw["name"]),
        category=str(raw["category"]),
        scope=str(raw["scope"]),
        action=str(raw["action"]),
        severity=str(raw["severity"]),
        languages=tuple(languages),
        rationale=str(raw.get("rationale", "")).strip(),
        message=str(raw.get("message", "")).strip(),
        sources=tuple(sources),
        pattern=raw.get("pattern"),
        exclude=raw.get("exclude"),
        flags=str(raw.get("flags", "")),
        match=match_mode,
        strip=strip_mode,
        detector=raw.get("detector"),
        params=params,
        examples=examples,
        path=where.split(" rule ")[0],
    )


def load_rule_file(path: Path, known_detectors: Iterable[str] | None = None) -> list[Rule]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise _fail(str(path), f"not valid TOML: {exc}") from None
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise _fail(str(path), "expected [[rule]] tables")
    return [parse_rule(t, str(path), known_detectors) for t in tables]


def _rule_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise RuleError(
            f"rule folder {folder} does not exist or is not a folder",
            hint="pass a folder that holds *.toml rule files",
        )
    return sorted(folder.rglob("*.toml"))


def load_ruleset(
    extra_dirs: Sequence[Path] = (),
    *,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    include_builtin: bool = True,
) -> RuleSet:
    """All built-in rules plus those in ``extra_dirs``, filtered by ``select``/``ignore``.

    Raises :class:`RuleError` for an invalid file, an unknown detector or a repeated code.
    """
    folders = ([builtin_rules_dir()] if include_builtin else []) + [Path(d) for d in extra_dirs]
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for folder in folders:
        for path in _rule_files(folder):
            for rule in load_rule_file(path, KNOWN_DETECTORS):
                if rule.code in seen:
                    raise RuleError(
                        f"rule code {rule.code} is defined twice: in {seen[rule.code]} and {path}",
                        hint="codes are stable and unique; give the new rule an unused code",
                    )
                seen[rule.code] = str(path)
                rules.append(rule)
    return RuleSet(tuple(rules)).select(select, ignore)
