"""render_report / write_report_from_dir: escaping, CSP, sections, bounded size."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import polars as pl
import pytest
from test_report_fixtures import HOSTILE_SCRIPT, sample_run, write_sample_output

from corpuskit import schema
from corpuskit.errors import InputError
from corpuskit.report import ReportLimits, build_summary, render_report, write_report_from_dir


@pytest.fixture(scope="module")
def html() -> str:
    clean, rejected, findings, run = sample_run()
    summary = build_summary(clean=clean, rejected=rejected, findings=findings, run=run)
    return render_report(clean=clean, rejected=rejected, findings=findings, summary=summary)


def _csp(page: str) -> str:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert match, "no CSP meta tag"
    return match.group(1).replace("&#39;", "'")


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_hostile_corpus_text_is_escaped(html):
    assert HOSTILE_SCRIPT not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<script") == 1


def test_csp_forbids_network_and_pins_the_own_style_and_script(html):
    policy = _csp(html)
    assert "default-src 'none'" in policy
    for directive in ("connect-src", "font-src", "frame-src"):
        assert directive not in policy  # falls back to default-src 'none'
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    assert f"style-src '{_sha(style)}'" in policy
    assert f"script-src '{_sha(script)}'" in policy
    assert "unsafe-inline" not in policy


def test_no_external_references(html):
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html


def test_text_blocks_pick_their_own_direction(html):
    blocks = re.findall(r'<div class="(?:text|title)"[^>]*>', html)
    assert blocks and all('dir="auto"' in b for b in blocks)


def test_removals_are_highlighted_with_their_rule(html):
    assert re.search(r'<mark class="strip" dir="auto" title="removed by BP101">\s*رابط الخبر', html)
    assert 'href="#rule-BP101-' in html
    assert re.search(r'id="rule-BP101-\d+"', html)


def test_duplicate_pairs_show_differences(html):
    assert '<ins class="diff">3</ins>' in html
    assert '<del class="diff">ثلاثة</del>' in html
    assert "similarity <strong>0.91</strong>" in html
    assert "similarity <strong>0.52</strong>" in html  # the borderline copy


def test_overview_numbers_and_run(html):
    assert "corpuskit quality report" in html
    assert "seeds/ant_sample.jsonl" in html
    assert "&#34;threshold&#34;: 0.5" in html


def test_source_far_above_the_corpus_rate_is_marked():
    rows = [(f"a{i}", "good", "نص سليم " * 20) for i in range(20)]
    rows += [(f"b{i}", "broken", "x") for i in range(10)]
    frame = pl.DataFrame(rows, schema=["id", "source", "text"], orient="row")
    clean = frame.filter(pl.col("source") == "good")
    rejected = frame.filter(pl.col("source") == "broken").with_columns(
        pl.lit("Q001").alias("reject_reason")
    )
    findings = schema.empty_findings_table()
    summary = build_summary(clean=clean, rejected=rejected, findings=findings, run={})
    page = render_report(clean=clean, rejected=rejected, findings=findings, summary=summary)
    broken_row = re.search(
        r"<tr data-item><td dir=\"auto\"><bdi>broken</bdi></td>.*?</tr>", page, re.S
    )
    assert broken_row and 'class="num alert"' in broken_row.group(0)
    good_row = re.search(r"<tr data-item><td dir=\"auto\"><bdi>good</bdi></td>.*?</tr>", page, re.S)
    assert good_row and "alert" not in good_row.group(0)


def test_report_size_is_bounded_by_samples_not_corpus_size():
    def run(n: int) -> int:
        texts = [f"خبر رقم {i} " * 40 + "\nاقرأ أيضا: عنوان آخر" for i in range(n)]
        frame = pl.DataFrame(
            {
                "id": [f"d{i}" for i in range(n)],
                "source": [f"s{i % 7}" for i in range(n)],
                "text": texts,
                "text_clean": [t.split("\n")[0] for t in texts],
            }
        )
        findings = pl.DataFrame(
            {
                "doc_id": frame["id"],
                "field": "text",
                "code": "BP100",
                "action": "strip",
                "start": [len(t.split("\n")[0]) for t in texts],
                "end": [len(t) for t in texts],
                "excerpt": "اقرأ أيضا",
            },
            schema=schema.FINDINGS_TABLE_SCHEMA,
        )
        empty = frame.clear()
        summary = build_summary(clean=frame, rejected=empty, findings=findings, run={})
        limits = ReportLimits(sample_documents=5)
        page = render_report(
            clean=frame, rejected=empty, findings=findings, summary=summary, limits=limits
        )
        assert page.count('<article class="doc"') == 5
        return len(page.encode())

    small, large = run(200), run(4000)
    assert large < small * 1.2


def test_write_report_from_dir_uses_the_folder(tmp_path):
    folder = write_sample_output(tmp_path / "out")
    written = write_report_from_dir(folder)
    assert written == folder / "report.html"
    page = written.read_text(encoding="utf-8")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["run"]["generated_at"] in page
    other = write_report_from_dir(folder, tmp_path / "elsewhere.html")
    assert other.read_text(encoding="utf-8") == page
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_missing_summary_is_rebuilt(tmp_path):
    folder = write_sample_output(tmp_path / "out")
    (folder / "summary.json").unlink()
    page = write_report_from_dir(folder).read_text(encoding="utf-8")
    assert "documents in" in page


def test_not_an_output_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        write_report_from_dir(tmp_path / "missing")
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "clean.parquet").write_bytes(b"")
    with pytest.raises(InputError, match=r"rejected\.parquet, findings\.parquet missing"):
        write_report_from_dir(tmp_path / "partial")


def test_damaged_files_are_clear_errors(tmp_path):
    folder = write_sample_output(tmp_path / "out")
    (folder / "summary.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"summary\.json"):
        write_report_from_dir(folder)
    (folder / "summary.json").unlink()
    (folder / "findings.parquet").write_bytes(b"not parquet")
    with pytest.raises(InputError, match=r"findings\.parquet"):
        write_report_from_dir(folder)


def test_empty_run_renders():
    empty = pl.DataFrame(schema={"id": pl.String, "text": pl.String, "source": pl.String})
    findings = schema.empty_findings_table()
    summary = build_summary(clean=empty, rejected=empty, findings=findings, run={})
    page = render_report(clean=empty, rejected=empty, findings=findings, summary=summary)
    assert "No document was rejected." in page
    assert "No duplicate clusters." in page


# --- the Rules table, rule cards and the Run section ----------------------------------


def _rules_table_row(page: str, code: str) -> list[str]:
    table = re.search(r'<section id="rules">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        if f"<code>{code}</code>" in row:
            return [
                re.sub(r"<[^>]+>", "", cell).strip()
                for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            ]
    raise AssertionError(f"no row for {code}")


def test_rules_table_counts_the_rejections_of_duplicates_and_second_drop_rules():
    clean, rejected, findings, run = sample_run()
    # ar-5 is rejected under Q001; Q002 drops it too
    second = pl.DataFrame(
        [
            {
                "doc_id": "ar-5",
                "field": "text",
                "code": "Q002",
                "action": "drop",
                "start": 0,
                "end": 0,
                "excerpt": "",
            }
        ],
        schema=schema.FINDINGS_TABLE_SCHEMA,
    )
    findings = pl.concat([findings, second])
    summary = build_summary(clean=clean, rejected=rejected, findings=findings, run=run)
    page = render_report(clean=clean, rejected=rejected, findings=findings, summary=summary)
    rejected_column = {
        code: _rules_table_row(page, code)[-1]
        for code in ("DUP100", "DUP200", "Q001", "Q002", "BP101")
    }
    assert rejected_column == {"DUP100": "1", "DUP200": "2", "Q001": "1", "Q002": "1", "BP101": "0"}
    # and every code is named, rules or not
    assert _rules_table_row(page, "DUP200")[0] == "DUP200 near-duplicate"


LINES = [f"سطر رقم {n} من روابط أخرى لا علاقة لها بالخبر" for n in range(4)]
FILLER = "وقال المتحدث إن الوزارة تعمل على تطوير الخدمات في جميع المناطق. " * 12


def test_a_rule_card_highlights_every_span_the_rule_found_in_its_example():
    # four lines of one rule: two together after the opening, two far apart at the end
    parts = [
        FILLER,
        "\n",
        LINES[0],
        "\n",
        LINES[1],
        "\n",
        FILLER,
        FILLER,
        "\n",
        LINES[2],
        "\n",
        FILLER,
        "\n",
        LINES[3],
    ]
    text = "".join(parts)
    findings = []
    for line in LINES:
        start = text.index(line)
        findings.append(("a", "BP110", "strip", start, start + len(line)))
    frame = pl.DataFrame({"id": ["a"], "title": ["عنوان"], "text": [text], "source": ["s"]})
    table = pl.DataFrame(
        [
            {
                "doc_id": d,
                "field": "text",
                "code": c,
                "action": a,
                "start": s,
                "end": e,
                "excerpt": text[s:e],
            }
            for d, c, a, s, e in findings
        ],
        schema=schema.FINDINGS_TABLE_SCHEMA,
    )
    kept = frame.with_columns(pl.lit(text).alias("text_clean"))
    summary = build_summary(clean=kept, rejected=kept.clear(), findings=table, run={})
    assert summary["stripped_by_rule"]["BP110"]["findings"] == 4
    page = render_report(clean=kept, rejected=kept.clear(), findings=table, summary=summary)
    card = re.search(
        r'<div class="rule" id="rule-BP110-[^"]+".*?(?=<div class="rule"|</div>\s*</section>)',
        page,
        re.S,
    ).group(0)
    assert "<span>4 findings</span>" in card and "<span>4 lines</span>" in card
    marked = " ".join(re.findall(r"<mark[^>]*>(.*?)</mark>", card, re.S))
    assert all(line in marked for line in LINES), marked


def test_run_section_folds_the_parameters_and_names_the_rejection_reasons():
    from corpuskit.rules import load_ruleset

    clean, rejected, findings, run = sample_run()
    summary = build_summary(clean=clean, rejected=rejected, findings=findings, run=run)
    page = render_report(
        clean=clean, rejected=rejected, findings=findings, summary=summary, ruleset=load_ruleset()
    )
    details = re.search(r'<details class="params">(.*?)</details>', page, re.S)
    assert details and "&#34;threshold&#34;: 0.5" in details.group(1)
    assert '<details class="params" open' not in page
    reasons = re.search(r'<table class="reasons">(.*?)</table>', page, re.S).group(1)
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", reasons))
    assert f"Q001 {load_ruleset().get('Q001').name} 1" in flat
    assert "duplicate (DUP200 near-duplicate 2, DUP100 exact-duplicate 1)" in flat


def test_the_rejection_chart_names_each_reason():
    from corpuskit.rules import load_ruleset

    clean, rejected, findings, run = sample_run()
    summary = build_summary(clean=clean, rejected=rejected, findings=findings, run=run)
    page = render_report(
        clean=clean, rejected=rejected, findings=findings, summary=summary, ruleset=load_ruleset()
    )
    chart = re.search(r'<figure id="chart-reasons">(.*?)</figure>', page, re.S).group(1)
    bars = re.findall(r"<title>\u2068(.*?)\u2069: (\d+)</title>", chart)
    assert (f"Q001 {load_ruleset().get('Q001').name}", "1") in bars, bars
    assert ("duplicate", "3") in bars, bars


def test_a_rule_example_is_the_documents_first_finding_among_equals():
    from corpuskit.report import sections

    findings = pl.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b"],
            "field": ["text"] * 4,
            "code": ["DUP300"] * 4,
            "action": ["flag"] * 4,
            "start": [None, None, None, None],
            "end": [None, None, None, None],
            "excerpt": ["matches x", "matches y", "matches z", "matches w"],
        },
        schema=schema.FINDINGS_TABLE_SCHEMA,
    )
    docs = pl.DataFrame({"id": ["a", "b"], "text": ["نص", "نص آخر"], "title": ["", ""]})
    for order in ([0, 1, 2, 3], [2, 0, 1, 3]):
        examples = sections.rule_examples(
            findings[order].lazy(), docs.lazy(), ["DUP300"], ReportLimits(), {}
        )["DUP300"]
        assert {e.doc_id for e in examples} == {"a", "b"}
        first_of_a = findings[order]["excerpt"][0]  # the first row of "a" in table order
        assert next(e.excerpt for e in examples if e.doc_id == "a") == first_of_a


def test_charts_drawn_from_measures_taken_part_by_part_equal_those_measured_whole():
    """A run measures each part's bodies as it writes it (in any order of parts); the
    report drawn from those measures is the report that reads every body itself."""
    from corpuskit.report.bodies import body_measures

    clean, rejected, findings, run = sample_run()
    summary = build_summary(clean=clean, rejected=rejected, findings=findings, run=run)
    whole = render_report(clean=clean, rejected=rejected, findings=findings, summary=summary)
    half_c, half_r = clean.height // 2, rejected.height // 2
    parts = [
        body_measures(clean.slice(half_c), rejected.slice(half_r)),
        body_measures(clean.head(half_c), rejected.head(half_r)),
    ]
    measured = pl.concat(parts).collect()
    assert measured.filter(pl.col("kept")).height == clean.height
    assert measured["others"].drop_nulls().sum() > 0  # the letter share has something to show
    page = render_report(
        clean=clean, rejected=rejected, findings=findings, summary=summary, bodies=measured.lazy()
    )
    assert page == whole
    shifted = measured.with_columns(pl.col("after") // 3)  # a wrong measure shows
    assert (
        render_report(
            clean=clean,
            rejected=rejected,
            findings=findings,
            summary=summary,
            bodies=shifted.lazy(),
        )
        != whole
    )


def _many_findings(seed: int, docs: int = 400) -> pl.DataFrame:
    """Findings of several codes over ``docs`` documents, some with several findings of
    one code, some with spans and some without, in a shuffled order."""
    import random

    rng = random.Random(seed)
    rows = []
    for d in range(docs):
        for code in rng.sample(["Q001", "Q002", "DUP200"], rng.randint(1, 3)):
            for _ in range(rng.randint(1, 3)):
                start = rng.choice([None, 0, 5])
                end = None if start is None else start + rng.choice([0, 4])
                rows.append((f"doc{d}", code, start, end))
    rng.shuffle(rows)
    doc_id, code, start, end = zip(*rows, strict=True)
    return pl.DataFrame(
        {"doc_id": doc_id, "code": code, "start": start, "end": end},
        schema={"doc_id": pl.String, "code": pl.String, "start": pl.Int64, "end": pl.Int64},
    )


@pytest.mark.parametrize("batch_rows", [1, 7, 64, 10_000])
def test_rule_examples_ranked_a_batch_at_a_time_are_those_ranked_at_once(monkeypatch, batch_rows):
    from corpuskit.report import sections

    findings = _many_findings(batch_rows)
    narrow = (
        findings.with_row_index("_row")
        .select(
            "_row",
            "code",
            "doc_id",
            sections._sample_order().alias("_order"),
            (pl.col("end") > pl.col("start")).alias("_span"),
        )
        .lazy()
    )
    at_once = (
        narrow.sort(["code", "_span", "_order", "_row"], descending=[False, True, False, False])
        .unique(subset=["code", "doc_id"], keep="first", maintain_order=True)
        .group_by("code", maintain_order=True)
        .head(5)
        .collect()
    )
    monkeypatch.setattr(sections, "RANK_BATCH_ROWS", batch_rows)
    batched = sections._first_examples(narrow, 5)
    assert batched.select(at_once.columns).equals(at_once)
    assert batched.height == 15  # five documents of each of three codes


@pytest.mark.parametrize("count", [0, 1, 4, 50, 500])
def test_the_sample_read_below_a_threshold_is_the_sample_of_sorting_every_id(count):
    """Ids are read below a threshold of the sample order that grows until enough of
    them qualify; what is kept is what sorting every id and filtering would keep, also
    when few ids qualify (the threshold grows) or fewer than asked (all are read)."""
    from corpuskit.report import sections

    ids = pl.DataFrame({"doc_id": [f"d{i}" for i in range(2_000)] + ["d7", "d7"]}).lazy()
    odd = pl.col("doc_id").str.slice(1).cast(pl.Int64) % 9 == 1  # one id in nine qualifies

    def keep(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.filter(odd)

    every = (
        ids.unique()
        .filter(odd)
        .with_columns(sections._sample_order().alias("_o"))
        .sort("_o", "doc_id")
        .head(count)
        .collect()["doc_id"]
        .to_list()
    )
    assert sections._first_in_sample_order(ids, count, keep) == every
    assert len(every) == min(count, 223)
