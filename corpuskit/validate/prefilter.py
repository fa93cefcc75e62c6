"""The literal strings a pattern cannot match without: a cheap first search.

A rule pattern such as ``^[^.؟!]{0,100}(?:اضغط|انقر)\\s+هنا`` can only match a text that
holds "اضغط" or "انقر"; searching a batch for a handful of literal strings at once
(Aho-Corasick, one pass over the text for every rule) is far cheaper than running each
rule's regular expression over it. This is the prefilter idea of RE2's FilteredRE2 and
of ripgrep, kept to its simplest sound form: from the parsed pattern, a set of literals
of which every match holds at least one, or ``None`` when no such set can be said
(an optional part, a character class, a pattern this reader does not take apart).

``None`` is always safe: the rule is then searched with its full pattern. A set is
never wrong by construction: a sequence needs what any one of its parts needs, an
alternation needs one of what each branch needs, a repeat needs what its body needs
only when it must occur at least once.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from corpuskit.rule_regex import PatternProblem, compile_pattern

try:  # the parser behind ``re`` (named ``sre_parse`` before Python 3.11)
    from re import _constants as _c
    from re import _parser
except ImportError:  # pragma: no cover - a Python without it searches with the full pattern
    _parser = None

# More alternatives than this says little about a text, and costs in the search.
MAX_LITERALS = 64
# Syntax the Rust engine reads differently from Python's parser (nested classes, class
# set operations, Unicode properties, word-edge assertions, inline flags Python does not
# know): no literals.
_FOREIGN = ("[[", "&&", "--", "~~", "\\p", "\\P", "\\<", "\\>", "\\b{", "(?-u", "(?u")
# One escape (backslash and the character after it), read left to right.
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


@lru_cache(maxsize=4096)
def required_literals(pattern: str) -> frozenset[str] | None:
    """Literals of which every match of ``pattern`` (flags inline) holds one, or ``None``."""
    if _parser is None or any(token in pattern for token in _FOREIGN):
        return None
    try:
        parsed = _parser.parse(_python_anchors(pattern))
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    folds_case = bool(parsed.state.flags & re.IGNORECASE)
    literals = _sequence(list(parsed), folds_case)
    if not literals or any(not s for s in literals):
        return None
    return frozenset(literals)


def _python_anchors(pattern: str) -> str:
    """``pattern`` with the Rust engine's end of text ``\\z`` written as Python's ``\\Z``
    (both match no character, at the very end); ``\\A`` is the same in both."""
    return _ESCAPE.sub(lambda m: "\\Z" if m.group(1) == "z" else m.group(0), pattern)


def _cased(text: str) -> bool:
    return any(ch.lower() != ch.upper() for ch in text)


def _best(factors: list[frozenset[str]]) -> frozenset[str] | None:
    """The most telling of several sets that are each required: the one whose shortest
    literal is longest, then the one with fewest literals."""
    if not factors:
        return None
    return max(factors, key=lambda s: (min(map(len, s)), -len(s)))


def _sequence(items: list, folds_case: bool) -> frozenset[str] | None:
    factors: list[frozenset[str]] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            factors.append(frozenset({"".join(run)}))
            run.clear()

    for op, arg in items:
        if op is _c.LITERAL:
            char = chr(arg)
            if folds_case and _cased(char):
                close_run()  # a cased letter under (?i) matches more than itself
            else:
                run.append(char)
            continue
        close_run()
        if op is _c.AT:
            continue  # an anchor takes no characters and breaks no literal
        required = _node(op, arg, folds_case)
        if required:
            factors.append(required)
    close_run()
    return _best(factors)


def _node(op, arg, folds_case: bool) -> frozenset[str] | None:
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, body = arg
        if del_flags & re.IGNORECASE:
            return None
        return _sequence(list(body), folds_case or bool(add_flags & re.IGNORECASE))
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            required = _sequence(list(branch), folds_case)
            if not required:
                return None  # one branch needs nothing, so the alternation needs nothing
            union |= required
        return frozenset(union) if len(union) <= MAX_LITERALS else None
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        low, _high, body = arg
        return _sequence(list(body), folds_case) if low >= 1 else None
    if op is _c.IN:
        chars = [chr(value) for kind, value in arg if kind is _c.LITERAL]
        if not chars or len(chars) != len(arg):
            return None  # ranges, categories or a negated class: too many characters
        if folds_case and any(_cased(ch) for ch in chars):
            return None
        return frozenset(chars) if chars and len(chars) <= MAX_LITERALS else None
    return None  # ANY, NOT_LITERAL, CATEGORY, group references, lookaround: no literal


# Literals this long are searched for all rules in one pass; shorter ones (a colon, a
# space) occur in nearly every text and are searched rule by rule.
POOLED_MIN_CHARS = 3


def matching_rows(
    subject: pl.Series, patterns: dict[str, str], rows: dict[str, list[int]]
) -> dict[str, list[int]]:
    """Per pattern, the rows among ``rows[key]`` of ``subject`` (no nulls) where it
    matches: what ``str.contains`` says, with each regular expression run only on the
    texts that hold one of its required literals. The long literals of every pattern
    are found in one pass over the texts, and the patterns left to search on most of
    the texts are screened together first (see :func:`_screened`)."""
    literals = {key: required_literals(pattern) for key, pattern in patterns.items()}
    pooled = {
        key: found
        for key, found in literals.items()
        if found and min(map(len, found)) >= POOLED_MIN_CHARS
    }
    holding: dict[str, set[int]] = {}
    if pooled:
        every = sorted(set().union(*pooled.values()))
        present = subject.str.extract_many(every, overlapping=True).list.unique().to_list()
        for row, found in enumerate(present):
            for literal in found:
                holding.setdefault(literal, set()).add(row)
    wanted: dict[str, list[int]] = {}
    for key in patterns:
        if key in pooled:
            candidates: set[int] = set()
            for literal in pooled[key]:
                candidates |= holding.get(literal, set())
            wanted[key] = [row for row in rows[key] if row in candidates]
        else:
            wanted[key] = _holding_any(subject, rows[key], literals[key])
    wanted = _screened(subject, patterns, wanted)
    return {key: _regex_rows(subject, pattern, wanted[key]) for key, pattern in patterns.items()}


def _holding_any(subject: pl.Series, rows: list[int], literals: frozenset[str] | None) -> list[int]:
    """``rows`` whose text holds one of ``literals`` (all of them without literals)."""
    if literals is None or not rows:
        return rows
    texts = subject if len(rows) == subject.len() else subject.gather(rows)
    holds = texts.str.contains_any(sorted(literals)).to_list()
    return [row for row, hit in zip(rows, holds, strict=True) if hit]


# A pattern left to search on at least this share of the texts joins a screen; a screen
# joins at most this many patterns (the search automaton of an alternation grows with
# the product of its branches' states, and past its cache it slows down).
SCREEN_MIN_SHARE = 0.8
SCREEN_MAX_PATTERNS = 5
# Syntax that keeps a pattern out of a screen: a Unicode word boundary keeps the engine
# off its fast automaton, a search anchored at the text's ends is cheap on its own, and
# the verbose flag lets a comment run past the group that wraps the pattern.
_UNSCREENED = re.compile(r"(?<!\(\?-u:)\\[bB]|\\[Az]|\(\?[a-zA-Z-]*x")


def _screened(
    subject: pl.Series, patterns: dict[str, str], wanted: dict[str, list[int]]
) -> dict[str, list[int]]:
    """``wanted`` less the rows where a screen finds none of its patterns.

    A screen is the alternation ``(?:p1)|(?:p2)|…`` of patterns searched on most texts:
    it matches a text exactly when one of them does (inline flags hold inside their
    group), so one pass over the texts leaves out the many where none can match. The
    patterns of one screen have no group name in common (the engine refuses an
    alternation that names a group twice); a screen the engine refuses is not used.
    """
    broad = [
        key
        for key, pattern in patterns.items()
        if len(wanted[key]) >= SCREEN_MIN_SHARE * subject.len() and not _UNSCREENED.search(pattern)
    ]
    out = dict(wanted)
    for group in _screen_groups(broad, patterns):
        if len(group) < 2:
            continue
        screen = "|".join(f"(?:{patterns[key]})" for key in group)
        union = sorted(set().union(*(wanted[key] for key in group)))
        texts = subject if len(union) == subject.len() else subject.gather(union)
        try:
            found = texts.str.contains(screen).to_list()
        except pl.exceptions.PolarsError:
            continue
        kept = {row for row, hit in zip(union, found, strict=True) if hit}
        for key in group:
            out[key] = [row for row in wanted[key] if row in kept]
    return out


def _screen_groups(keys: list[str], patterns: dict[str, str]) -> list[list[str]]:
    """``keys`` in screens of at most ``SCREEN_MAX_PATTERNS`` whose patterns name no
    group alike (a key in no screen is searched alone)."""
    groups: list[tuple[list[str], set[str]]] = []
    for key in keys:
        try:
            names = set(compile_pattern(patterns[key]).groupindex)
        except PatternProblem:
            continue  # not read alike by both bindings of the engine: searched alone
        for group, taken in groups:
            if len(group) < SCREEN_MAX_PATTERNS and not names & taken:
                group.append(key)
                taken |= names
                break
        else:
            groups.append(([key], names))
    return [group for group, _ in groups]


def _regex_rows(subject: pl.Series, pattern: str, rows: list[int]) -> list[int]:
    if not rows:
        return []
    texts = subject if len(rows) == subject.len() else subject.gather(rows)
    hits = texts.str.contains(pattern).to_list()
    return [row for row, hit in zip(rows, hits, strict=True) if hit]
