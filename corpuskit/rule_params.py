"""The parameters every detector reads: one registry, with type, range and default.

A rule's ``[rule.params]`` table is checked against this registry when the rule file is
loaded: an unknown (misspelled) name, a value of the wrong type or out of range is an
error that names the file, the rule and the valid parameters. The defaults are filled
in, so a detector reads ``rule.params[name]`` and finds every parameter it declares.

Pattern rules have parameters too (``first_lines``, ``last_lines``): they are under the
name ``"pattern"``.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Param:
    """One parameter: ``kind`` is int, float, bool, regex, str or list-of-str."""

    kind: str
    default: Any
    low: float | None = None
    high: float | None = None
    doc: str = ""
    required: bool = False

    def describe(self) -> str:
        bounds = ""
        if self.low is not None and self.high is not None:
            bounds = f" in [{self.low:g}, {self.high:g}]"
        elif self.low is not None:
            bounds = f" >= {self.low:g}"
        return f"{self.kind}{bounds}" + (" (required)" if self.required else "")


def _int(default: int, low: int = 0, high: int | None = None, doc: str = "") -> Param:
    return Param("int", default, low, high, doc)


def _share(default: float, doc: str = "") -> Param:
    return Param("float", default, 0.0, 1.0, doc)


def _regex(doc: str) -> Param:
    return Param("regex", None, doc=doc, required=True)


_HEADLINE = {
    "min_words": _int(2, doc="a headline has at least this many words"),
    "max_words": _int(22, 1, doc="... and at most this many"),
    "max_chars": _int(180, 1, doc="... and at most this many characters"),
    "max_commas": _int(1, doc="... and at most this many commas"),
}

DETECTOR_PARAMS: dict[str, dict[str, Param]] = {
    "pattern": {
        "first_lines": _int(0, doc="look only at the first N non-blank lines (0 = all)"),
        "last_lines": _int(0, doc="look only at the last N non-blank lines (0 = all)"),
    },
    "link-block": {
        "header": _regex("the folded header line that opens the block"),
        "max_items": _int(12, 1),
        "min_items": _int(1, 1),
        **_HEADLINE,
    },
    "related-block": {
        "header": _regex("the folded header line that opens the block"),
        "max_items": _int(15, 1, doc="lines a header introduces at most"),
        "max_words": _int(24, 1, doc="a headline has at most this many words"),
        "max_teaser_words": _int(80, 1, doc="a story opening under a header, at most"),
        "max_unrelated_overlap": _share(
            0.15,
            "paragraphs under a header that share at most this share of their words with "
            "the article (on average) are other stories, whatever their opening",
        ),
    },
    "trailing-links": {
        "header": _regex("a related-links header line (evidence when anywhere in the text)"),
        "min_lines": _int(3, 1, doc="headlines in a run with no header in the document"),
        "max_words": _int(24, 1, doc="a headline has at most this many words"),
        "max_body_headline_share": _share(0.34, "above this the article is in short lines"),
        "min_mean_words": Param("float", 4.0, 0.0, 50.0, "a run of names is shorter"),
        "min_gap": _int(2, doc="with no header, blank lines at least between article and run"),
        "max_topic_overlap": _share(
            0.3,
            "with no header, a line sharing this share of its words with the article "
            "(two at least) is the article's own; a third of such lines keeps the run",
        ),
    },
    "teaser-run": {
        "header": _regex("a related-links header line"),
        "max_words": _int(24, 1),
        "min_lines": _int(2, 1, doc="story openings in the trailing run"),
        "max_teaser_words": _int(80, 1, doc="a story opening has at most this many words"),
        "min_body_continuing": _share(0.5, "share of body paragraphs that continue the story"),
        "max_extra_lines": _int(4, doc="the run may exceed the body by this many lines"),
        "max_topic_overlap": _share(
            0.05,
            "a paragraph sharing at most this share of words with the title and "
            "opening is about another story",
        ),
        "max_unrelated_overlap": _share(
            0.15,
            "with no dateline, teasers share at most this share of their words "
            "with the article, on average",
        ),
        "min_other_stories": _int(
            3, 1, doc="paragraphs about other stories, with no dateline or header, at least"
        ),
        "max_tail_overlap": _share(
            0.2,
            "... each sharing at most this share of its topic words with the article, "
            "and with the other paragraphs of the run",
        ),
        "max_gap_tail_overlap": _share(
            0.3,
            "paragraphs below a blank gap wider than the article's own: each shares at "
            "most this share of its topic words with the article and with the rest of the run",
        ),
    },
    "trailing-headline-run": {
        "min_lines": _int(3, 1),
        "max_body_headline_share": _share(0.34),
        "min_body_lines": _int(1),
        "require_gap": Param("bool", True),
        **_HEADLINE,
    },
    "inline-headline-run": {
        "min_lines": _int(2, 1),
        "max_lines": _int(6, 1),
        "min_words": _int(5),
        "max_body_headline_share": _share(0.34),
        "min_source_share": _share(0.0),
        "min_source_docs": _int(
            30, doc="fewer documents of a source in view are no evidence of its layout"
        ),
        "max_shared_words": _int(
            1, doc="without that evidence, a line may share this many words with the article"
        ),
        "min_short_title_words": _int(
            4, 1, doc="... and a line this short or longer, sharing none, goes too"
        ),
        "max_words": _HEADLINE["max_words"],
        "max_chars": _HEADLINE["max_chars"],
        "max_commas": _HEADLINE["max_commas"],
    },
    "repeated-line": {
        "min_source_docs": _int(50, 1),
        "min_docs": _int(10, 1),
        "min_share": _share(0.02),
        "min_prefix_share": _share(0.1),
        "sourceless_min_docs": _int(
            25, 1, doc="without a source column: a line in this many documents ..."
        ),
        "min_edge_share": _share(0.9, "... at the first or last lines of this share of them"),
    },
    "other-document-headline": {
        "same_source": Param("bool", True),
        "skip_opening_lines": _int(1),
        "skip_opening_leads": _int(
            2, doc="another document's opening among the first N lines is this one's own lead"
        ),
    },
    "too-short": {
        "min_chars": _int(1),
        "min_words": _int(0),
        "empty": Param("bool", True, doc="also match a document with no letters at all"),
    },
    "non-letter-ratio": {"min_letter_share": _share(0.5), "min_chars": _int(50)},
    "repetition": {
        "min_words": _int(50),
        "max_duplicate_line_chars": _share(0.3),
        "max_top_2gram": _share(0.3),
        "max_top_3gram": _share(0.28),
        "max_top_4gram": _share(0.26),
        "max_duplicate_5gram": _share(0.6),
        "max_duplicate_7gram": _share(0.55),
        "max_duplicate_10gram": _share(0.5),
    },
    "language-mismatch": {
        "min_chars": _int(200),
        "min_probability": _share(0.95),
        "expected": Param("list", (), doc="language codes; empty = the document's own"),
    },
    "mojibake": {
        "sample_chars": _int(5000, 1),
        "min_suspect_chars": _int(3),
        "min_latin1_share": _share(0.3),
    },
    "page-chrome": {
        "min_words": _int(6),
        "long_words": _int(15, 1),
        "min_run": _int(3, 1),
        "min_prose_lines": _int(2, 1),
    },
    "later-dateline-tail": {
        "dateline": _regex("a line that opens with an outlet dateline"),
        "min_lines_before": _int(2),
        "max_tail_share": _share(0.5),
    },
}


class ParamProblem(ValueError):
    """A parameter that does not fit the registry; the message says which and why."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def _valid_list(name: str, params: Mapping[str, Param]) -> str:
    return ", ".join(f"{k} ({p.describe()})" for k, p in sorted(params.items())) or "none"


def _coerce(name: str, spec: Param, value: Any) -> Any:
    def bad(expected: str) -> ParamProblem:
        return ParamProblem(
            f"parameter {name} must be {expected}, found {value!r}", f"{name}: {spec.describe()}"
        )

    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad("an integer")
    elif spec.kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise bad("a number")
        value = float(value)
    elif spec.kind in ("regex", "str"):
        if not isinstance(value, str):
            raise bad("a string")
        return value
    elif spec.kind == "list":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return tuple(value)
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        raise bad(spec.describe())
    return value


def resolve_params(kind: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter of detector ``kind``: ``given`` checked, defaults filled in.

    Raises :class:`ParamProblem` for an unknown name (with the closest valid one), a
    wrong type, a value out of range or a missing required parameter.
    """
    declared = DETECTOR_PARAMS[kind]
    unknown = sorted(set(given) - set(declared))
    if unknown:
        close = difflib.get_close_matches(unknown[0], list(declared), n=1)
        suggestion = f"did you mean {close[0]!r}? " if close else ""
        raise ParamProblem(
            f"unknown parameter(s) {', '.join(unknown)} for {kind}",
            f"{suggestion}valid parameters: {_valid_list(kind, declared)}",
        )
    resolved: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in given:
            resolved[name] = _coerce(name, spec, given[name])
        elif spec.required:
            raise ParamProblem(
                f"missing parameter {name} for {kind}", f"{name}: {spec.describe()}. {spec.doc}"
            )
        else:
            resolved[name] = spec.default
    return resolved
