"""How well does corpuskit strip boilerplate, and how much body does it wrongly remove?

Run on demand from the repository root::

    .venv/bin/python benchmarks/boilerplate.py [--mode corpus|isolated] [--split dev|test|all]
                                               [--batch-size N] [--corpus all|saudinewsnet|ant_corpus|none]
                                               [--no-english] [--workers N] [--worst N] [--show-text]

Arabic: the hand-labelled lines of ``tests/data/boilerplate_labels`` (see ``GUIDE.md``
there) are scored in one of two settings, measured apart:

- ``--mode corpus``: ``validate`` runs on both whole corpora read together, as
  ``corpuskit clean --no-dedup`` over SaudiNewsNet and ANT would (corpus-level detectors
  see every document of an outlet and every title), then the labelled articles are scored;
- ``--mode isolated``: each labelled article is validated alone, or in batches of
  ``--batch-size`` labelled articles of one corpus, as ``corpuskit check`` sees incoming
  documents: no corpus evidence beyond the batch.

Figures: line precision (of removed lines, the share labelled boilerplate), recall (of
boilerplate lines, the share removed), body false-removal rate, and, apart, the mixed
lines (correct when the glued boilerplate goes and the sentence stays) and the documents a
rule dropped whole. ``--split dev`` prints them per corpus and per outlet and lists the
failing lines; ``--split test`` (and ``all``, which contains test) prints aggregate figures
only and never an individual line, so nobody reads the test misses. Targets (issue 9):
test split, corpus mode precision >= 0.98 and recall >= 0.95; isolated mode recall >= 0.90;
body false removal <= 0.5% everywhere.

English: the 181 pages of the article-extraction benchmark; ``validate`` runs on the full
page text and ``text_clean`` is scored against the human gold body with bag-of-token and
4-gram-shingle precision/recall/F1, beside trafilatura (on the HTML) and the no-op baseline
(the page text unchanged), all in the same invocation.

Corpus text is never printed unless ``--show-text`` is given (SaudiNewsNet is research-only),
and never for test lines.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlparse

import polars as pl

# Run from a checkout: this folder's helpers, and the corpuskit next to it (not whatever
# an older install of the package points at).
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from _english import prf
from _labels import CORPORA, SHARED, SPLITS, LabelledCorpus, line_sha1, read_labels
from _scoring import (
    LineOutcome,
    Tally,
    coverage_mask,
    line_removals_by_code,
    score_document,
    strip_spans_by_doc,
)

TARGETS = {
    "corpus": {"precision": 0.98, "recall": 0.95, "false_removal": 0.005},
    "isolated": {"precision": None, "recall": 0.90, "false_removal": 0.005},
}
ENGLISH = SHARED / "corpora" / "article_extraction_benchmark" / "pages.parquet"


def load_validator():
    """The validator API, or an exit with a clear message when it is not built yet."""
    try:
        from corpuskit.rules import load_ruleset
        from corpuskit.schema import findings_table
        from corpuskit.validate import validate
    except ImportError as error:
        sys.exit(f"corpuskit's validator is not importable ({error}); nothing to measure yet")
    return validate, load_ruleset, findings_table


def canonical_frame(parquets: list[Path]) -> pl.DataFrame:
    """The corpora as corpuskit reads them (``read_corpus``), or built directly if io is absent."""
    try:
        from corpuskit.io import read_corpus
    except ImportError:
        read_corpus = None
    if read_corpus is not None:
        return read_corpus(list(parquets))
    frames = []
    for parquet in parquets:
        raw = pl.read_parquet(parquet)
        frames.append(
            raw.select(
                pl.col(name).cast(pl.String)
                if name in raw.columns
                else pl.lit(None, pl.String).alias(name)
                for name in ("id", "title", "text", "source", "url", "date", "lang")
            )
        )
    return pl.concat(frames)


def fmt(value: float | None, percent: bool = False) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.2f}%" if percent else f"{value:.3f}"


def print_tally_table(title: str, rows: list[tuple[str, Tally]]) -> None:
    print(f"\n{title}")
    header = (
        f"{'group':<14}{'docs':>5}{'drop':>5}{'body':>6}{'bp':>5}{'mix':>5}{'rm':>5}"
        f"{'prec':>8}{'recall':>8}{'false-rm':>10}{'part-bd':>8}{'mix ok':>8}{'bd-drop':>8}"
    )
    print(header)
    print("-" * len(header))
    for name, t in rows:
        mixed = f"{t.mixed_correct}/{t.mixed}" if t.mixed else "-"
        print(
            f"{name:<14}{t.docs:>5}{t.dropped_docs:>5}{t.body:>6}{t.boilerplate:>5}{t.mixed:>5}"
            f"{t.removed:>5}{fmt(t.precision):>8}{fmt(t.recall):>8}"
            f"{fmt(t.false_removal_rate, True):>10}{t.partly_body:>8}{mixed:>8}{t.dropped_body:>8}"
        )


def split_labels(corpus: LabelledCorpus, split: str) -> pl.DataFrame:
    """The label rows of ``corpus`` in ``split`` (``all`` = every split)."""
    labels = read_labels(corpus.labels)
    return labels if split == "all" else labels.filter(pl.col("split") == split)


def score_corpus(
    corpus: LabelledCorpus,
    labels: pl.DataFrame,
    validated: pl.DataFrame,
    findings: pl.DataFrame,
) -> tuple[list[LineOutcome], dict[str, Tally], list[tuple[str, str, str]]]:
    """Score the labelled articles of one corpus in a validated frame."""
    sources = dict(
        pl.read_parquet(corpus.parquet, columns=["id", corpus.source_column])
        .unique("id", keep="first")
        .iter_rows()
    )
    wanted = labels["id"].unique().to_list()
    docs = validated.filter(pl.col("id").is_in(wanted)).unique("id", keep="first")
    spans = strip_spans_by_doc(findings.filter(pl.col("doc_id").is_in(wanted)))
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for row in labels.iter_rows(named=True):
        by_doc[row["id"]].append(row)
    tallies: dict[str, Tally] = defaultdict(Tally)
    outcomes: list[LineOutcome] = []
    dropped: list[tuple[str, str, str]] = []
    for doc_id, text, drop_reason in docs.select("id", "text", "drop_reason").iter_rows():
        source = sources.get(doc_id, "?")
        rows = by_doc[doc_id]
        lines = text.split("\n")
        stale = [
            r
            for r in rows
            if r["line"] > len(lines) or line_sha1(lines[r["line"] - 1]) != r["sha1"]
        ]
        if stale:
            print(f"  ! {doc_id}: {len(stale)} labelled line(s) changed in the corpus; skipped")
            continue
        for key in (corpus.name, source):
            tallies[key].docs += 1
        if drop_reason is not None:
            labels_here = Counter(r["label"] for r in rows)
            dropped.append((source, doc_id, f"{drop_reason} ({dict(labels_here)})"))
            for key in (corpus.name, source):
                tallies[key].dropped_docs += 1
                tallies[key].dropped_body += labels_here["body"]
            continue
        for outcome in score_document(
            corpus=corpus.name,
            source=source,
            doc_id=doc_id,
            text=text,
            labels=rows,
            spans=spans.get(doc_id, []),
        ):
            outcomes.append(outcome)
            tallies[corpus.name].add(outcome)
            tallies[source].add(outcome)
    missing = set(wanted) - set(docs["id"].to_list())
    if missing:
        print(f"  ! {len(missing)} labelled id(s) not in the validated frame")
    return outcomes, tallies, dropped


def print_worst(outcomes: list[LineOutcome], worst: int, texts: dict[str, str] | None) -> None:
    def show(o: LineOutcome, what: str) -> None:
        codes = ",".join(o.codes) or "-"
        print(
            f"  {o.corpus:<13}{o.source:<13}{o.doc_id:<38}line {o.line:<4}{o.label:<12}{what:<22}{codes}"
        )
        if texts is not None:
            print(f"      {texts[o.doc_id].split(chr(10))[o.line - 1].strip()[:160]!r}")

    false_removals = sorted(
        (o for o in outcomes if o.label == "body" and (o.removed or o.partly)),
        key=lambda o: (not o.removed, -o.length),
    )
    print(f"\nBody lines removed or partly stripped ({len(false_removals)}), worst first:")
    for o in false_removals[:worst]:
        show(o, "REMOVED" if o.removed else "partly stripped")
    misses = sorted(
        (o for o in outcomes if o.label == "boilerplate" and not o.removed), key=lambda o: -o.length
    )
    print(
        f"\nBoilerplate lines left in ({len(misses)}), longest first (codes = any partial strip):"
    )
    for o in misses[:worst]:
        show(o, "partly stripped" if o.partly else "kept")
    wrong_mixed = [o for o in outcomes if o.label == "mixed" and not o.mixed_correct]
    print(f"\nMixed lines not cleaned exactly ({len(wrong_mixed)}):")
    for o in wrong_mixed[:worst]:
        what = "body damaged" if not o.mixed_body_intact else "boilerplate kept"
        show(o, what)


def print_corpus_shares(name: str, validated: pl.DataFrame, findings: pl.DataFrame) -> None:
    """What share of the whole corpus each rule strips (characters, lines) and drops."""
    texts = dict(validated.select("id", "text").unique("id", keep="first").iter_rows())
    total_chars = sum(len(t or "") for t in texts.values())
    strips = findings.filter((pl.col("action") == "strip") & (pl.col("field") == "text"))
    spans = strip_spans_by_doc(strips)
    removed_lines, non_blank = line_removals_by_code({k: v or "" for k, v in texts.items()}, spans)
    by_code = (
        strips.with_columns(chars=pl.col("end") - pl.col("start"))
        .group_by("code")
        .agg(pl.col("doc_id").n_unique().alias("docs"), pl.col("chars").sum().alias("chars"))
        .sort("chars", descending=True)
    )
    print(
        f"\n{name}: stripped by rule (of {len(texts)} docs, {total_chars:,} chars, {non_blank:,} lines)"
    )
    print(
        f"{'code':<10}{'docs':>8}{'docs %':>9}{'chars':>12}{'chars %':>9}{'whole lines':>13}{'lines %':>9}"
    )
    for code, docs, chars in by_code.iter_rows():
        lines = removed_lines.get(code, 0)
        print(
            f"{code:<10}{docs:>8}{100 * docs / len(texts):>8.2f}%{chars:>12,}"
            f"{100 * chars / total_chars:>8.2f}%{lines:>13,}{100 * lines / non_blank:>8.2f}%"
        )
    union = sum(sum(coverage_mask(len(texts[doc_id] or ""), v)) for doc_id, v in spans.items())
    print(
        f"{'all':<10}{len(spans):>8}{100 * len(spans) / len(texts):>8.2f}%{union:>12,}"
        f"{100 * union / total_chars:>8.2f}%{sum(removed_lines.values()):>13,}"
        f"{100 * sum(removed_lines.values()) / non_blank:>8.2f}%"
    )
    drops = validated.filter(pl.col("drop_reason").is_not_null())
    print(f"{name}: dropped by rule ({drops.height} docs, {100 * drops.height / len(texts):.2f}%)")
    for code, count in drops.group_by("drop_reason").len().sort("len", descending=True).iter_rows():
        print(f"  {code:<10}{count:>8}{100 * count / len(texts):>8.2f}%")


def validate_corpus_mode(
    corpora: list[LabelledCorpus], workers: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Run ``corpuskit clean --no-dedup`` over every chosen corpus read together (the
    pipeline, on ``workers`` processes) and return its documents and findings."""
    import tempfile

    from corpuskit.engine import make_engine
    from corpuskit.pipeline import clean

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ck-boilerplate-") as tmp:
        out = Path(tmp) / "out"
        result = clean(
            [c.parquet for c in corpora],
            out,
            do_dedup=False,
            engine=make_engine("local", workers=workers),
        )
        kept = pl.read_parquet(out / "clean.parquet", columns=["id", "text"])
        rejected = pl.read_parquet(
            out / "rejected.parquet", columns=["id", "text", "reject_reason"]
        )
        validated = pl.concat(
            [
                kept.with_columns(pl.lit(None, pl.String).alias("drop_reason")),
                rejected.rename({"reject_reason": "drop_reason"}),
            ]
        )
        findings = pl.read_parquet(out / "findings.parquet")
    seconds = time.perf_counter() - started
    n = result.summary["documents"]["in"]
    print(
        f"\nclean --no-dedup ({' + '.join(c.name for c in corpora)}): {n:,} docs in "
        f"{seconds:.1f} s ({n / seconds:,.0f} docs/s, workers={workers})"
    )
    return validated, findings


def validate_in_batches(frame: pl.DataFrame, batch_size: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Validate ``frame`` ``batch_size`` rows at a time; each batch sees only itself.

    This is the evidence an incoming document has when ``corpuskit check`` sees it before
    it joins a corpus: corpus-level detectors count lines and titles within the batch only.
    Returns the validated rows (in order) and their findings table.
    """
    validate, load_ruleset, findings_table = load_validator()
    ruleset = load_ruleset()
    parts = [
        validate(frame.slice(start, batch_size), ruleset=ruleset)
        for start in range(0, frame.height, batch_size)
    ]
    validated = pl.concat(parts, how="vertical_relaxed")
    return validated, findings_table(validated)


def validate_isolated_mode(
    corpus: LabelledCorpus, ids: list[str], batch_size: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Validate the labelled articles alone, ``batch_size`` at a time, in label-file order."""
    frame = canonical_frame([corpus.parquet]).filter(pl.col("id").is_in(ids))
    frame = frame.unique("id", keep="first")
    order = {doc_id: n for n, doc_id in enumerate(ids)}
    frame = frame.sort(pl.col("id").replace_strict(order, return_dtype=pl.Int64))
    started = time.perf_counter()
    validated, findings = validate_in_batches(frame, batch_size)
    batches = -(-frame.height // batch_size)
    print(
        f"\nvalidate({corpus.name}, isolated): {frame.height} labelled docs in "
        f"{batches} batch(es) of <= {batch_size}, {time.perf_counter() - started:.1f} s"
    )
    return validated, findings


def print_targets(mode: str) -> None:
    targets = TARGETS[mode]
    parts = [
        f"{name.replace('_', ' ')} {'<=' if name == 'false_removal' else '>='} "
        + (f"{100 * value:.1f}%" if name == "false_removal" else f"{value}")
        for name, value in targets.items()
        if value is not None
    ]
    print(f"targets ({mode} mode, test split): " + ", ".join(parts))


def run_arabic(
    names: list[str],
    *,
    mode: str,
    split: str,
    batch_size: int,
    workers: int,
    worst: int,
    show_text: bool,
) -> None:
    corpora = [c for c in CORPORA if c.name in names]
    detailed = split == "dev"  # test lines are scored, never shown one by one
    labels = {c.name: split_labels(c, split) for c in corpora}
    whole = validate_corpus_mode(corpora, workers) if mode == "corpus" else None
    all_outcomes: list[LineOutcome] = []
    rows: list[tuple[str, Tally]] = []
    corpus_rows: list[Tally] = []
    for corpus in corpora:
        ids = list(dict.fromkeys(labels[corpus.name]["id"].to_list()))
        if whole is not None:
            validated, findings = whole
        else:
            validated, findings = validate_isolated_mode(corpus, ids, batch_size)
        outcomes, tallies, dropped = score_corpus(corpus, labels[corpus.name], validated, findings)
        all_outcomes.extend(outcomes)
        corpus_tally = tallies.pop(corpus.name, Tally())
        corpus_rows.append(corpus_tally)
        rows.append((corpus.name, corpus_tally))
        if detailed:
            rows.extend(sorted(tallies.items()))
            if dropped:
                print(f"  labelled documents dropped whole ({len(dropped)}):")
                for source, doc_id, reason in dropped:
                    print(f"    {source:<13}{doc_id:<38}{reason}")
        elif dropped:
            print(f"  {corpus.name}: {len(dropped)} labelled document(s) dropped whole")
        if whole is not None and detailed:
            own_ids = pl.read_parquet(corpus.parquet, columns=["id"])["id"].to_list()
            print_corpus_shares(
                corpus.name,
                validated.filter(pl.col("id").is_in(own_ids)),
                findings.filter(pl.col("doc_id").is_in(own_ids)),
            )
    if not rows:
        return
    overall = Tally()
    for o in all_outcomes:
        overall.add(o)
    overall.docs = sum(t.docs for t in corpus_rows)
    overall.dropped_docs = sum(t.dropped_docs for t in corpus_rows)
    overall.dropped_body = sum(t.dropped_body for t in corpus_rows)
    setting = f"{mode} mode" + (f", batches of {batch_size}" if mode == "isolated" else "")
    print_tally_table(
        f"Arabic line-level scores, split={split}, {setting} (rm = whole lines removed; "
        "part-bd = body lines partly stripped; bd-drop = body lines in documents dropped "
        "whole, not in the rates)",
        [*rows, ("ALL ARABIC", overall)],
    )
    print_targets(mode)
    if not detailed:
        print("(per-outlet figures and failing lines are shown for --split dev only)")
        return
    texts = None
    if show_text:
        texts = {}
        for corpus in corpora:
            texts.update(pl.read_parquet(corpus.parquet, columns=["id", "text"]).iter_rows())
    print_worst(all_outcomes, worst, texts)


def run_english() -> None:
    validate, load_ruleset, _ = load_validator()
    pages = pl.read_parquet(ENGLISH)
    frame = pages.select(
        pl.col("id"),
        pl.lit(None, pl.String).alias("title"),
        pl.col("full_page_text").alias("text"),
        pl.col("url")
        .map_elements(lambda u: urlparse(u).netloc, return_dtype=pl.String)
        .alias("source"),
        pl.col("url"),
        pl.lit(None, pl.String).alias("date"),
        pl.lit(None, pl.String).alias("lang"),
    )
    started = time.perf_counter()
    validated = validate(frame, ruleset=load_ruleset())
    corpuskit_seconds = time.perf_counter() - started
    cleaned = dict(validated.select("id", "text_clean").iter_rows())
    dropped = set(validated.filter(pl.col("drop_reason").is_not_null())["id"].to_list())

    import trafilatura

    started = time.perf_counter()
    extracted = {row["id"]: trafilatura.extract(row["html"]) for row in pages.iter_rows(named=True)}
    trafilatura_seconds = time.perf_counter() - started

    gold = dict(pages.select("id", "gold_text").iter_rows())
    full = dict(pages.select("id", "full_page_text").iter_rows())
    systems = {
        "no-op (full page text)": full,
        "corpuskit text_clean": cleaned,
        "corpuskit, drops as empty": {k: ("" if k in dropped else v) for k, v in cleaned.items()},
        "trafilatura (HTML)": extracted,
    }
    print(f"\nEnglish: {pages.height} pages of the article-extraction benchmark")
    print(
        f"  validate {corpuskit_seconds:.1f} s, trafilatura.extract {trafilatura_seconds:.1f} s; "
        f"corpuskit dropped {len(dropped)} page(s) whole"
    )
    print(f"{'system':<28}{'tok P':>8}{'tok R':>8}{'tok F1':>8}{'4g P':>8}{'4g R':>8}{'4g F1':>8}")
    for name, predicted in systems.items():
        pairs = [(gold[k], predicted.get(k)) for k in gold]
        tokens, shingles = prf(pairs, 1), prf(pairs, 4)
        print(
            f"{name:<28}{tokens['precision']:>8.3f}{tokens['recall']:>8.3f}{tokens['f1']:>8.3f}"
            f"{shingles['precision']:>8.3f}{shingles['recall']:>8.3f}{shingles['f1']:>8.3f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", default="all", choices=["all", "none", *[c.name for c in CORPORA]]
    )
    parser.add_argument(
        "--mode",
        default="corpus",
        choices=["corpus", "isolated"],
        help="corpus: validate both whole corpora (clean --no-dedup); isolated: each "
        "labelled article alone or in small batches (check)",
    )
    parser.add_argument("--split", default="dev", choices=[*SPLITS, "all"])
    parser.add_argument(
        "--batch-size", type=int, default=1, help="labelled articles per batch (isolated)"
    )
    parser.add_argument("--no-english", action="store_true", help="skip the English pages")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--worst", type=int, default=25, help="how many failures to list (dev)")
    parser.add_argument(
        "--show-text", action="store_true", help="print the failing dev lines (research-only text)"
    )
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error(f"--batch-size must be 1 or more, got {args.batch_size}")
    if not (SHARED / "corpora").is_dir():
        print(
            f"the shared corpora folder is missing: expected {SHARED / 'corpora'} beside the "
            "repository (with saudinewsnet/, ant_corpus/, article_extraction_benchmark/)",
            file=sys.stderr,
        )
        sys.exit(2)
    names = [c.name for c in CORPORA] if args.corpus == "all" else [args.corpus]
    if args.corpus != "none":
        run_arabic(
            names,
            mode=args.mode,
            split=args.split,
            batch_size=args.batch_size,
            workers=args.workers,
            worst=args.worst,
            show_text=args.show_text,
        )
    if not args.no_english:
        run_english()


if __name__ == "__main__":
    main()
