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
_FOREIGN = ("[[", "&&", "--", "~~", "\\p", "\\P", "\\<", "\\>", "\\b{", "(?-u", "(?u", "\\z", "\\A")


@lru_cache(maxsize=4096)
def required_literals(pattern: str) -> frozenset[str] | None:
    """Literals of which every match of ``pattern`` (flags inline) holds one, or ``None``."""
    if _parser is None or any(token in pattern for token in _FOREIGN):
        return None
    try:
        parsed = _parser.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    folds_case = bool(parsed.state.flags & re.IGNORECASE)
    literals = _sequence(list(parsed), folds_case)
    if not literals or any(not s for s in literals):
        return None
    return frozenset(literals)


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
    are found in one pass over the texts."""
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
    out: dict[str, list[int]] = {}
    for key, pattern in patterns.items():
        wanted = rows[key]
        if key in pooled:
            candidates: set[int] = set()
            for literal in pooled[key]:
                candidates |= holding.get(literal, set())
            wanted = [row for row in wanted if row in candidates]
        out[key] = _regex_rows(subject, pattern, wanted, literals[key])
    return out


def _regex_rows(
    subject: pl.Series, pattern: str, rows: list[int], literals: frozenset[str] | None
) -> list[int]:
    if not rows:
        return []
    texts = subject if len(rows) == subject.len() else subject.gather(rows)
    if literals is not None and min(map(len, literals)) < POOLED_MIN_CHARS:
        maybe = texts.str.contains_any(sorted(literals)).to_numpy()
        rows = [row for row, keep in zip(rows, maybe, strict=True) if keep]
        if not rows:
            return []
        texts = texts.filter(pl.Series(maybe))
    hits = texts.str.contains(pattern).to_list()
    return [row for row, hit in zip(rows, hits, strict=True) if hit]
