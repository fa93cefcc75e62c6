"""A user rule with catastrophic backtracking must not hang a run.

``(a+)+$`` on 36 ``a`` and a ``b`` takes a backtracking engine (Python's ``re``) hours;
rule patterns run on a linear-time engine, so ``clean`` and ``rules test`` finish at
once. Patterns that engine cannot run (lookaround, backreferences) are refused when the
rules are loaded, with the file, the rule and what to write instead.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from corpuskit.cli import main
from corpuskit.rules import load_ruleset
from corpuskit.validate import validate
from tests._rule_files import raw_strip_rule

HOSTILE_LINE = "a" * 36 + "b"
# A backtracking engine needs hours for one hostile line; linear time needs microseconds.
BUDGET_SECONDS = 1.0

EVIL_EXAMPLES = """
[[rule.examples]]
text = "نص الخبر.\\naaaa"
clean = "نص الخبر."

[[rule.examples]]
text = "نص الخبر.\\n{hostile}"
match = false
""".replace("{hostile}", HOSTILE_LINE * 3)
# (a+)+$ backtracks catastrophically on a run of "a" followed by "b"
EVIL_RULE = raw_strip_rule("XX950", "evil-pattern", "(a+)+$") + EVIL_EXAMPLES
EVIL_SPAN_RULE = (
    raw_strip_rule("XX951", "evil-span", "(a+)+$", extra='strip = "match"\nflags = "m"')
    + EVIL_EXAMPLES
)


def _rules(tmp_path: Path, *bodies: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for i, body in enumerate(bodies):
        (folder / f"r{i}.toml").write_text(body, encoding="utf-8")
    return folder


def _timed(args: list[str]) -> tuple[object, float]:
    started = time.perf_counter()
    result = CliRunner().invoke(main, args)
    return result, time.perf_counter() - started


def test_catastrophic_pattern_matches_hostile_lines_in_linear_time(tmp_path):
    rules = load_ruleset([_rules(tmp_path, EVIL_RULE, EVIL_SPAN_RULE)], include_builtin=False)
    texts = [f"نص الخبر {i}.\n" + "\n".join([HOSTILE_LINE] * 20) for i in range(100)]
    frame = pl.DataFrame({"id": [f"d{i}" for i in range(100)], "text": texts, "lang": "ar"})
    validate(frame.head(1).with_columns(text=pl.lit("نص.")), ruleset=rules)  # one-time set-up
    started = time.process_time()  # CPU time: the machine may be busy with other work
    out = validate(frame, ruleset=rules)
    assert time.process_time() - started < BUDGET_SECONDS  # 2,000 hostile lines, two rules
    assert out["text_clean"].to_list() == texts  # nothing matches "…ab" at the line end


def test_catastrophic_pattern_in_rules_test_passes(tmp_path):
    folder = _rules(tmp_path, EVIL_RULE, EVIL_SPAN_RULE)
    result, seconds = _timed(["rules", "test", str(folder)])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output
    assert seconds < 60  # every built-in example runs too


def test_catastrophic_pattern_in_clean_finishes_at_once(tmp_path):
    folder = _rules(tmp_path, EVIL_RULE, EVIL_SPAN_RULE)
    corpus = tmp_path / "in.jsonl"
    records = [
        {
            "id": f"d{i}",
            "title": "عنوان",
            "text": f"قال مسؤول إن العمل بدأ اليوم {i}.\n" + HOSTILE_LINE,
        }
        for i in range(50)
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    config = tmp_path / "corpuskit.toml"
    config.write_text(f'[validate]\nrule_dirs = ["{folder}"]\n', encoding="utf-8")
    out = tmp_path / "out"
    args = ["clean", str(corpus), "--out", str(out), "--config", str(config), "--no-dedup"]
    result, seconds = _timed(args)
    assert result.exit_code == 0, result.output
    assert seconds < 60  # the whole run, report included; the hostile lines cost nothing
    codes = set(pl.read_parquet(out / "findings.parquet")["code"])
    assert not codes & {"XX950", "XX951"}  # (a+)+$ cannot match "…ab"


def test_lookaround_in_a_user_rule_is_refused_with_file_rule_and_fix(tmp_path):
    folder = _rules(tmp_path, EVIL_RULE.replace("'(a+)+$'", "'(?<!b)a+$'"))
    result = CliRunner().invoke(main, ["rules", "test", str(folder)])
    assert result.exit_code == 2
    assert "r0.toml" in result.output and "XX950" in result.output
    assert "look-around" in result.output and "exclude" in result.output
