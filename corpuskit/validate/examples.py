"""Run a rule's examples: the tests every rule carries in its TOML file.

A must-match example passes when the rule finds something and the cleaned field equals
the expected ``clean`` (``clean_title``) text; a must-not-match example passes when the
rule finds nothing. An example marked ``known_failure`` documents a case the rule gets
wrong today: it is expected to fail, and its passing is reported (so the mark can go).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from corpuskit.rules import Example, Rule, RuleSet
from corpuskit.validate.engine import validate

EXAMPLE_ID = "example"


@dataclass(frozen=True)
class ExampleResult:
    rule: Rule
    index: int  # 1-based position among the rule's examples
    example: Example
    ok: bool  # the example behaved as the rule file says (known failures included)
    detail: str

    @property
    def label(self) -> str:
        return f"{self.rule.code}-{self.index}"


def _example_frame(rule: Rule, example: Example) -> pl.DataFrame:
    default_lang = next((lang for lang in rule.languages if lang != "any"), None)
    source = example.source or (rule.sources[0] if rule.sources else None)
    rows = [
        {
            "id": EXAMPLE_ID,
            "title": example.title,
            "text": example.text,
            "source": source,
            "lang": example.lang or default_lang,
        }
    ]
    for i, doc in enumerate(example.corpus):
        # ``copies = "60"`` stands for sixty documents of that shape (ids and a
        # counter in the title/text keep them distinct): corpus-level rules need a corpus.
        copies = int(doc.get("copies", "1"))
        for k in range(copies):
            tag = f" {k + 1}" if copies > 1 else ""
            rows.append(
                {
                    "id": doc.get("id", f"corpus-{i + 1}") + (f"-{k + 1}" if copies > 1 else ""),
                    "title": (doc["title"] + tag) if "title" in doc else None,
                    "text": doc.get("text", "").replace("{n}", str(k + 1)),
                    "source": doc.get("source", source),
                    "lang": doc.get("lang", example.lang or default_lang),
                }
            )
    schema = {k: pl.String for k in ("id", "title", "text", "source", "lang")}
    return pl.DataFrame(rows, schema=schema)


def check_example(rule: Rule, example: Example, index: int) -> ExampleResult:
    out = validate(_example_frame(rule, example), ruleset=RuleSet((rule,)))
    row = out.filter(pl.col("id") == EXAMPLE_ID).row(0, named=True)
    found = [f for f in row["findings"] if f["code"] == rule.code]
    if example.must_match:
        problems = []
        if not found:
            problems.append("the rule found nothing")
        if example.clean is not None and row["text_clean"] != example.clean:
            problems.append(f"text_clean is {row['text_clean']!r}, expected {example.clean!r}")
        if example.clean_title is not None and row["title_clean"] != example.clean_title:
            problems.append(
                f"title_clean is {row['title_clean']!r}, expected {example.clean_title!r}"
            )
        behaved = not problems
        detail = "; ".join(problems) or f"{len(found)} finding(s) as expected"
    else:
        behaved = not found
        detail = (
            "no finding, as expected"
            if behaved
            else "must not match but found: " + "; ".join(repr(f["excerpt"]) for f in found)
        )
    if example.known_failure:
        return ExampleResult(
            rule,
            index,
            example,
            not behaved,
            ("known failure: " + detail)
            if not behaved
            else "marked known_failure but now passes; remove the mark",
        )
    return ExampleResult(rule, index, example, behaved, detail)


def run_examples(ruleset: RuleSet) -> list[ExampleResult]:
    """Every example of every rule in ``ruleset``, in file order."""
    return [
        check_example(rule, example, i + 1)
        for rule in ruleset.rules
        for i, example in enumerate(rule.examples)
    ]
