"""Rule patterns run on a linear-time regular-expression engine.

Rules come from users, so a pattern must never be able to hang a run: Python's ``re``
backtracks, and ``(a+)+$`` on a line of 36 ``a`` and a ``b`` takes hours. corpuskit
matches every rule pattern (``pattern``, ``exclude`` and the regular expressions a
detector takes as a parameter) with the Rust ``regex`` crate: in batches through polars
(``str.contains`` over every line of a batch), and, where the offsets of each match are
needed, through rurex, a binding of the same crate with the ``re`` API. Both guarantee
time linear in the input, and both read a pattern the same way.

The syntax is Python's, minus what needs backtracking. Refused when the rules are loaded:

* lookaround ``(?=…)`` ``(?!…)`` ``(?<=…)`` ``(?<!…)``: for a line rule, put what
  must NOT match in ``exclude``; for ``strip = "match"``, match the context too and name
  the part that goes ``(?P<strip>…)``;
* backreferences ``\\1`` ``(?P=name)``, conditionals, atomic groups;
* ``\\Z``: write ``\\z`` for the end of the text.

Read differently from ``re`` (rarely matters on news text): ``\\w`` also matches
combining marks (harakat) and not other-number symbols (``²``), ``\\s`` does not match
the ASCII separators U+001C-U+001F, ``$`` without the ``m`` flag matches only at the very
end, and inside ``[…]`` a nested ``[`` and the operators ``&&`` ``--`` ``~~`` are set
operations.

Speed: a Unicode word boundary ``\\b`` keeps the engine off its fast automaton on
non-ASCII text; where the word is ASCII ("var", "CNN") write ``(?-u:\\b)``.
"""

from __future__ import annotations

from functools import lru_cache

import rurex

FLAG_LETTERS = "imsx"
_FLAG_BITS = {
    "i": rurex.IGNORECASE,
    "m": rurex.MULTILINE,
    "s": rurex.DOTALL,
    "x": rurex.VERBOSE,
}

Pattern = rurex.Pattern
PATTERN_HINT = (
    "rule patterns run on a linear-time engine (Rust regex syntax): no lookaround "
    "(?=…) (?!…) (?<=…) (?<!…), no backreferences, \\z instead of \\Z. For a line that "
    "must not match, use exclude = '…'; to keep context out of a strip = \"match\" span, "
    "match it too and name the stripped part (?P<strip>…)"
)


class PatternProblem(ValueError):
    """A pattern the linear-time engine cannot run, with the engine's reason."""


def inline_flags(pattern: str, flags: str) -> str:
    """``pattern`` with ``flags`` ("ims…") written inline, for engines that take no flags."""
    return f"(?{''.join(sorted(set(flags)))}){pattern}" if flags else pattern


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str, flags: str = "") -> Pattern:
    """The compiled pattern; :class:`PatternProblem` when the engine cannot run it."""
    bits = 0
    for letter in flags:
        if letter not in _FLAG_BITS:
            raise PatternProblem(f"unknown flag {letter!r} (flags are letters of {FLAG_LETTERS!r})")
        bits |= _FLAG_BITS[letter]
    try:
        return rurex.compile(pattern, bits)
    except rurex.error as exc:
        raise PatternProblem(str(exc)) from None
