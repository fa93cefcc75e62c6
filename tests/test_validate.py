"""validate(): the seed document, span bookkeeping, options, prior findings, batches."""

from __future__ import annotations

import itertools
import pickle
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpuskit.config import SourceOverride, ValidateOptions
from corpuskit.rules import load_ruleset
from corpuskit.schema import FINDINGS_DTYPE, finding
from corpuskit.validate import (
    ValidationPlan,
    apply_batch,
    apply_findings,
    finish_evidence,
    fit_batch,
    merge_partials,
    validate,
)
from corpuskit.validate.spans import cut_spans, merge_spans, removed_line_spans, split_lines
from tests._rule_files import ADVERT_RULE

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_NAME = "000_cb30d6f76c2cbe33.txt"


def _seed_path() -> Path:
    candidates = (
        REPO / "seeds" / SEED_NAME,
        REPO / "seeds" / "articles" / SEED_NAME,
        SHARED / "seed" / SEED_NAME,
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    pytest.skip(f"seed document {SEED_NAME} is neither in seeds/ nor in ../shared/seed/")


def _frame(*texts: str, titles=None, sources=None, langs=None) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame(
        {
            "id": [f"d{i}" for i in range(n)],
            "title": titles or [None] * n,
            "text": list(texts),
            "source": sources or [None] * n,
            "lang": langs or ["ar"] * n,
        },
        schema={k: pl.String for k in ("id", "title", "text", "source", "lang")},
    )


def test_seed_document_is_cleaned_to_its_nine_paragraphs():
    raw = _seed_path().read_text(encoding="utf-8")
    title, body = raw.split("\n", 1)
    out = validate(pl.DataFrame({"id": ["seed"], "title": [title], "text": [body]}))
    row = out.row(0, named=True)

    lines = body.split("\n")
    marker_index = next(i for i, s in enumerate(lines) if s.strip() == "مواضيع ذات صلة")
    content = [s for s in lines[marker_index + 1 :] if s.strip()]
    paragraphs, headlines = content[:9], content[9:]
    assert len(headlines) == 12
    assert all(p.rstrip(' ”"').endswith(".") for p in paragraphs)  # the body really is prose
    assert row["text_clean"] == "\n".join(paragraphs)
    assert row["title_clean"] == title
    assert row["drop_reason"] is None
    assert row["lang"] == "ar"

    findings = row["findings"]
    marker = [f for f in findings if f["code"] == "BP101"]
    assert len(marker) == 1
    start = body.index("مواضيع ذات صلة")
    assert (marker[0]["start"], marker[0]["end"]) == (start, start + len("مواضيع ذات صلة\n"))
    trailing = [f for f in findings if f["code"] == "BP120"]
    assert [f["excerpt"] for f in trailing] == [h.strip() for h in headlines]
    for f, headline in zip(trailing, headlines, strict=True):
        # each finding's span contains its headline at the headline's own offset
        assert headline in body[f["start"] : f["end"]]
    assert trailing[-1]["end"] == len(body)
    assert {f["action"] for f in findings} == {"strip"}


def test_related_phrase_inside_a_sentence_survives():
    text = "قال الوزير إن المواضيع ذات صلة بالاقتصاد نوقشت أمس في الرياض مع الوفد الزائر."
    row = validate(_frame(text)).row(0, named=True)
    assert row["text_clean"] == text
    assert not [f for f in row["findings"] if f["code"].startswith("BP")]


def test_mid_article_related_block_is_removed():
    text = (
        "قال المحامي إن موكله بريء من التهم الموجهة إليه.\n"
        "اقرأ أيضاً:\n"
        "التفاصيل الكاملة لحكاية الرئيس مع الممثلة\n"
        "ترامب يصف تفتيش مكتب محاميه بأنه اعتداء على الوطن\n"
        "وأضاف المحامي أن القضية ستنتهي قريبا بعد تقديم الأدلة."
    )
    row = validate(_frame(text)).row(0, named=True)
    assert row["text_clean"] == (
        "قال المحامي إن موكله بريء من التهم الموجهة إليه.\n"
        "وأضاف المحامي أن القضية ستنتهي قريبا بعد تقديم الأدلة."
    )
    assert [f["code"] for f in row["findings"]] == ["BP101", "BP110", "BP110"]


@pytest.mark.parametrize(
    ("text", "removed", "expected"),
    [
        ("A\nX\n\nB", {1}, "A\nB"),
        ("A\n\nX\nB", {2}, "A\n\nB"),
        ("X\nA", {0}, "A"),
        ("A\nB \n\nX\nY\n", {3, 4}, "A\nB"),
        ("A\nX\nB\nY", {1, 3}, "A\nB"),
        ("X\nY", {0, 1}, ""),
    ],
)
def test_removed_lines_take_their_line_breaks(text, removed, expected):
    lines = split_lines(text)
    spans = removed_line_spans(text, lines, removed)
    assert cut_spans(text, spans.values()) == expected


_ALPHABET = st.sampled_from(list("ابتثجحخد هوزيىةأإآـًٌ") + list("ab .،؛:؟\n\n\u00a0"))
_TEXT = st.text(_ALPHABET, max_size=300)


@settings(max_examples=150, deadline=None)
@given(st.lists(_TEXT.map(lambda s: s.replace("\n", " ")), min_size=0, max_size=12), st.data())
def test_text_clean_is_original_minus_strip_spans(lines, data):
    # headers and headline runs appear at random places among arbitrary lines
    pool = ["مواضيع ذات صلة", "اقرأ أيضاً:", "بحث قضايا رقمنة الخدمات في دبي", ""]
    mixed = []
    for line in lines:
        mixed.append(line)
        if data.draw(st.booleans()):
            mixed.append(data.draw(st.sampled_from(pool)))
    text = "\n".join(mixed)
    row = validate(_frame(text)).row(0, named=True)
    spans = [(f["start"], f["end"]) for f in row["findings"] if f["action"] == "strip"]
    for start, end in spans:
        assert 0 <= start <= end <= len(text)
    merged = merge_spans(spans)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))
    assert row["text_clean"] == cut_spans(text, spans)
    kept = "".join(text[i] for i in range(len(text)) if not any(s <= i < e for s, e in merged))
    assert row["text_clean"] == kept


def test_prior_io_findings_are_kept_and_their_strips_honoured():
    text = "BROKEN\nقال مسؤول إن الاجتماع انتهى دون اتفاق بين الطرفين."
    frame = _frame(text).with_columns(
        pl.Series(
            "findings",
            [[finding("text", "IO005", "strip", 0, 7, "BROKEN")]],
            dtype=FINDINGS_DTYPE,
        )
    )
    row = validate(frame).row(0, named=True)
    assert row["findings"][0]["code"] == "IO005"
    assert row["text_clean"] == text[7:]


def test_drop_reason_is_first_drop_finding():
    out = validate(_frame("   ", "قال مسؤول إن الاجتماع انتهى دون اتفاق بين الطرفين أمس."))
    assert out["drop_reason"].to_list() == ["Q001", None]
    assert out.height == 2


def test_an_empty_document_is_reported_empty_and_a_short_one_too_short():
    # one finding each: an empty body is not also "too short"; a short one is not "empty"
    out = validate(_frame("  \n ", "قال مسؤول إن المحادثات", "<p></p>"))
    codes = [sorted(f["code"] for f in row) for row in out["findings"].to_list()]
    assert [[c for c in row if c.startswith("Q00")] for row in codes] == [
        ["Q001"],
        ["Q002"],
        ["Q001"],
    ]
    assert out["drop_reason"].to_list() == ["Q001", "Q002", "Q001"]


def test_a_share_rule_with_min_chars_0_passes_over_an_empty_document():
    from corpuskit.rules import KNOWN_DETECTORS, RuleSet, parse_rule

    rule = parse_rule(
        {
            "code": "XX950",
            "name": "digits-only",
            "category": "custom",
            "scope": "document",
            "action": "flag",
            "severity": "info",
            "languages": ["any"],
            "detector": "non-letter-ratio",
            "params": {"min_chars": 0},
            "rationale": "r",
            "message": "m",
        },
        "mine.toml",
        KNOWN_DETECTORS,
    )
    out = validate(_frame("", "12345 678", "نص عربي"), ruleset=RuleSet((rule,)))
    flagged = [[f["code"] for f in row] for row in out["findings"].to_list()]
    assert flagged == [[], ["XX950"], []]


def test_select_ignore_and_per_source_options():
    text = "نص الخبر الأول هنا.\nمواضيع ذات صلة\nنص الخبر الثاني هنا."
    frame = _frame(text, text, sources=["a", "b"])
    ignored = validate(frame, options=ValidateOptions(ignore=("BP101",)))
    assert ignored["text_clean"].to_list() == [text, text]
    per_source = validate(
        frame, options=ValidateOptions(per_source={"b": SourceOverride(ignore=("boilerplate",))})
    )
    assert per_source["text_clean"].to_list() == [
        "نص الخبر الأول هنا.\nنص الخبر الثاني هنا.",
        text,
    ]


def test_language_is_filled_only_where_missing():
    english = "The ministry said on Friday that the talks would resume next week in Geneva."
    out = validate(_frame(english, english, langs=[None, "fr"]))
    assert out["lang"].to_list() == ["en", "fr"]


def test_user_rule_dir_from_options(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "x.toml").write_text(ADVERT_RULE, encoding="utf-8")
    out = validate(_frame("نص الخبر.\nإعلان"), options=ValidateOptions(rule_dirs=(str(folder),)))
    assert out["text_clean"].to_list() == ["نص الخبر."]


def test_batches_give_the_same_result():
    texts = [f"نص الخبر رقم {i} هنا.\nمواضيع ذات صلة\nنهاية الخبر {i}." for i in range(10)]
    whole = validate(_frame(*texts))
    batched = validate(_frame(*texts), batch_size=3)
    assert whole.equals(batched)
    assert whole["text_clean"].to_list()[4] == "نص الخبر رقم 4 هنا.\nنهاية الخبر 4."


def test_user_rules_given_twice_run_once(tmp_path):
    folder = tmp_path / "r"
    folder.mkdir()
    (folder / "x.toml").write_text(ADVERT_RULE, encoding="utf-8")
    options = ValidateOptions(rule_dirs=(str(folder),))
    loaded = load_ruleset([folder])  # the caller loaded the folder already
    out = validate(_frame("نص الخبر.\nإعلان"), ruleset=loaded, options=options)
    assert [f["code"] for f in out["findings"][0] if f["code"].startswith("XX")] == ["XX901"]


def test_never_drops_rows_and_keeps_extra_columns():
    frame = _frame("", "نص").with_columns(pl.Series("extra", [1, 2]))
    out = validate(frame, ruleset=load_ruleset(select=["Q"]))
    assert out.height == 2
    assert out["extra"].to_list() == [1, 2]


def test_apply_findings_uses_only_existing_findings():
    frame = _frame("BROKEN\nمواضيع ذات صلة", "نص").with_columns(
        pl.Series(
            "findings",
            [
                [finding("text", "IO005", "strip", 0, 7, "BROKEN")],
                [finding("text", "IO001", "drop", 0, 2, "نص")],
            ],
            dtype=FINDINGS_DTYPE,
        )
    )
    out = apply_findings(frame)
    assert out["text_clean"].to_list() == ["مواضيع ذات صلة", "نص"]
    assert out["drop_reason"].to_list() == [None, "IO001"]


def _stats_corpus(n: int = 30) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [f"d{i}" for i in range(n)],
            "title": [f"عنوان الخبر رقم {i % 7} عن الاقتصاد" for i in range(n)],
            "text": [
                f"افتتح الوزير اليوم مشروعا جديدا للطاقة في المنطقة الشرقية رقم {i % 5}.\n"
                f"وقال إن المشروع يوفر آلاف الوظائف.\nتابعونا على تويتر\nرابط الخبر: عنوان {i}"
                for i in range(n)
            ],
            "source": ["a" if i % 3 else "b" for i in range(n)],
        }
    )


def test_corpus_statistics_of_batches_add_up_to_the_whole():
    frame = _stats_corpus()
    plan = ValidationPlan.build(load_ruleset(select=["BP401", "BP402", "BP130"]))
    whole = fit_batch(frame, plan)
    parts = [fit_batch(frame.slice(i, 7), plan) for i in range(0, frame.height, 7)]
    merged = merge_partials(parts)
    assert merged.docs == whole.docs == 30
    assert merged.source_docs == whole.source_docs == {"a": 20, "b": 10}
    assert merged.pattern_docs == whole.pattern_docs
    assert merged.lines.sort(["source", "key", "prefix"]).equals(
        whole.lines.sort(["source", "key", "prefix"])
    )
    # "تابعونا على تويتر" is in every document of its source
    assert merged.lines["docs"].max() == 20
    assert merged.anchors.sort(["scope", "kind", "key", "order"]).equals(
        whole.anchors.sort(["scope", "kind", "key", "order"])
    )
    assert merged.anchor_docs.sort("order").equals(whole.anchor_docs.sort("order"))
    whole_evidence = finish_evidence(whole, plan)
    merged_evidence = finish_evidence(merged, plan)
    assert whole_evidence.repeated == merged_evidence.repeated
    whole_anchors = whole_evidence.anchors.to_frame()
    merged_anchors = merged_evidence.anchors.to_frame()
    assert whole_anchors.sort(whole_anchors.columns).equals(
        merged_anchors.sort(merged_anchors.columns)
    )


def test_partials_and_evidence_pickle_and_apply_like_the_eager_stage():
    frame = _stats_corpus()
    plan = pickle.loads(pickle.dumps(ValidationPlan.build(load_ruleset())))
    parts = [pickle.loads(pickle.dumps(fit_batch(frame.slice(i, 9), plan))) for i in (0, 9, 18, 27)]
    evidence = pickle.loads(pickle.dumps(finish_evidence(merge_partials(parts), plan)))
    applied = pl.concat([apply_batch(frame.slice(i, 9), plan, evidence) for i in (0, 9, 18, 27)])
    assert applied.equals(validate(frame, plan=plan))
    # the repeated line goes in the large source only when counts come from the corpus
    assert all("تابعونا" not in t for t in applied["text_clean"].to_list())


def test_inline_headline_runs_are_found_whatever_invisible_characters_lengthen_them():
    """Runs are looked for only where short lines follow one another; a line made long
    only by invisible characters is still a headline (they are not counted)."""
    from corpuskit.validate.document import Doc
    from corpuskit.validate.headlines import inline_headline_candidates

    rule = load_ruleset(select=["BP130"]).rules[0]
    titles = [
        "ترامب يبحث مع ولي العهد السعودي أزمة اليمن والاتفاق النووي الإيراني",
        "مجلس الشيوخ الأمريكي يرفض إنهاء دعم السعودية في حرب اليمن",
    ]
    before = "قررت الولايات المتحدة السماح لمئات المواطنين اليمنيين بالبقاء في البلاد."
    after = "وحصل حوالي 6000 من السوريين على تمديد إقامة مماثل وفق برنامج الحماية المؤقت."

    def found(lines: list[str]) -> list[int]:
        doc = Doc("d", "", "\n".join([before, *lines, after]), None, "ar")
        return [hit.line for hit in inline_headline_candidates(doc, rule, lone_titles=False)]

    assert found(titles) == [1, 2]
    padded = [title + "\u200b" * 200 for title in titles]
    assert all(len(line) > int(rule.params["max_chars"]) for line in padded)
    assert found(padded) == [1, 2]
    assert found([title + " " + "كلمة " * 40 for title in titles]) == []
