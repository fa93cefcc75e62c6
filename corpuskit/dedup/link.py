"""Link: from the keys of every document to clusters, kept copies, updates and provenance.

1. **Evidence that needs no decision**: equal folded bodies (``exact``) and equal
   canonical URLs (``url``, :func:`corpuskit.dedup.keys.canonical_url`).
2. **Candidates** (:mod:`corpuskit.dedup.candidates`): near-copy LSH bands, loose
   bag-of-words bands within a time window, identical headline words.
3. **The pair decision** (:mod:`corpuskit.dedup.verify`) on the evidence of each
   candidate pair (:mod:`corpuskit.dedup.evidence`): a copy, an update (a newer version
   that adds news), or neither.
4. **Clusters that do not chain**: clusters grown around kept documents in keep-rule
   order (:func:`_clusters_without_chains`), then every dropped member is decided again
   against the cluster's kept document itself (or an exact twin of it), by the same
   decision; a member that is not a copy of it is split off and clustered again among
   the others split off. So a chain of serial items (relief flight four, five, six) or a
   roundup never joins stories that are not copies of the kept one. A cluster tied to
   another by a copy of both joins it when all its members are copies of the other's
   kept document with the days-apart rule lifted (:func:`_bridged`).
5. **Keep rule** (:func:`corpuskit.dedup.clusters.choose_kept`): the most complete
   version (longest clean body), then the newest, then the smallest id; an older
   version that another member updates is never kept over it.
6. **Updates** are flagged by default: the older version keeps its place, with
   ``dup_kind`` ``update`` and ``dup_of`` naming the newer document. With
   ``drop_updates`` the two are one cluster and the older is dropped.
7. **Headline matches** (:mod:`corpuskit.dedup.headline`) whose bodies are not copies
   become ``DUP300`` flags.
8. **Pages** that hold a story published on its own and break to another story where it
   ends (:mod:`corpuskit.dedup.breaks`) are not its copies: the page is kept and flagged
   ``contained`` (``DUP240``), and the story clusters with its own copies.

Only keys are read (a :class:`~corpuskit.dedup.keytable.KeyTable`): whole columns of
small keys, one LSH band at a time, and the sketches of candidate rows. The result,
:class:`Links`, names for every document in a cluster its kept document (by row;
:mod:`corpuskit.dedup.naming` gives the ids), how it relates to it and why (the evidence
that decided it); :mod:`corpuskit.dedup.annotate` writes it onto the documents batch by
batch.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

import corpuskit.dedup.verify as verify
from corpuskit.config import DedupOptions
from corpuskit.dedup.breaks import page_of
from corpuskit.dedup.candidates import HEADLINE, candidate_pairs
from corpuskit.dedup.clusters import components, keep_order
from corpuskit.dedup.evidence import (
    DocumentColumns,
    TemplateWords,
    dense_codes,
    orient,
    pair_evidence,
)
from corpuskit.dedup.keytable import KeyTable
from corpuskit.dedup.lsh import distinct_codes, pairs_of_codes
from corpuskit.dedup.sign import ACTIVE, BREAKS, DATE, EXACT_KEY, ID, LENGTH, URL_KEY, WORDS
from corpuskit.dedup.verdict_store import VerdictStore
from corpuskit.io.datasets import read_file

KIND_EXACT, KIND_URL, KIND_NEAR = "exact", "url", "near"
KIND_TRIMMED, KIND_REWRITTEN, KIND_UPDATE = "trimmed", "rewritten", "update"
KIND_CONTAINED = "contained"
KINDS = (
    KIND_EXACT,
    KIND_URL,
    KIND_NEAR,
    KIND_TRIMMED,
    KIND_REWRITTEN,
    KIND_UPDATE,
    KIND_CONTAINED,
)

# The verdict of a judged pair, and the key that makes it a copy whatever the evidence,
# as enums: one byte a pair, where millions of pairs are held.
RELATIONS = pl.Enum([verify.COPY, verify.UPDATE, verify.NONE])
SAME_KEYS = pl.Enum([KIND_EXACT, KIND_URL])
DUP_KINDS = pl.Enum(KINDS)
# Rows in the frames the pass holds: four bytes, as the pairs already bound them below
# 2**32 (:func:`~corpuskit.dedup.lsh.band_pair_code_batches`); named frames hold ``Int64`` rows
# and ``String`` kinds again (:mod:`corpuskit.dedup.naming`).
ROW = pl.UInt32()

# Columns of Links.decisions: one row per document in a cluster of two or more, and per
# older version that a newer document updates. Documents are named by row (the cluster
# by its kept document's); :mod:`corpuskit.dedup.naming` turns rows into ids where the
# decisions are written.
DECISION_SCHEMA: dict[str, pl.DataType] = {
    "row": ROW,
    "cluster_row": ROW,
    "dup_kind": DUP_KINDS,
    "dup_of_row": ROW,
    "similarity": pl.Float64(),
    "keep": pl.Boolean(),
    # the evidence that decided a dropped copy or a flag, worded batch by batch by
    # :func:`corpuskit.dedup.verify.why` (at millions of documents the sentences took
    # gigabytes)
    **verify.WHY_SCHEMA,
}
# Columns of Links.flags: a headline match without copied bodies, once per document and
# other cluster, with the similarities its finding gives (headline words, body words and
# 3-grams; :func:`corpuskit.dedup.verify.headline_why` words them batch by batch, so the
# link pass holds three numbers per flag instead of a sentence).
FLAG_SCHEMA: dict[str, pl.DataType] = {
    "row": ROW,
    "other_row": ROW,
    "title": pl.Float64(),
    "words": pl.Float64(),
    "shingles": pl.Float64(),
}


@dataclass
class Links:
    """The link pass's verdict: decisions and flags by global row (see the schemas)."""

    decisions: pl.DataFrame
    flags: pl.DataFrame


def _group_pairs(keys: pl.Series, rows: np.ndarray, rank: np.ndarray | None = None) -> np.ndarray:
    """Pairs (first row of the group, other row; of the type of ``rows``) for rows
    sharing a non-null key; the first row is the one ranked first by ``rank`` (else the
    smallest row). Sorted arrays: the keys of millions of rows are sorted once, and
    only the rows of a key held twice or more are ranked (a grouping of every row took
    gigabytes)."""
    key = keys.gather(rows) if rows.size else keys.head(0)
    valid = key.is_not_null()
    rows, key = rows[valid.to_numpy()], key.filter(valid).to_numpy()
    del valid
    by_key = np.argsort(key, kind="stable")
    ordered = key[by_key]
    same = ordered[1:] == ordered[:-1]
    del ordered
    shared = np.zeros(key.size, dtype=bool)
    shared[1:] = same
    shared[:-1] |= same
    at = by_key[shared]
    del by_key, same, shared
    key, rows = key[at], rows[at]
    order = np.lexsort((rows if rank is None else rank[rows], key))
    key, rows = key[order], rows[order]
    first = np.ones(key.size, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    head = rows[first][np.cumsum(first) - 1]
    return np.stack([head[~first], rows[~first]], axis=1)


@dataclass
class Matcher:
    """Decides pairs of rows from their keys: the evidence and the verifier together."""

    keys: KeyTable
    options: DedupOptions
    docs: DocumentColumns
    template: TemplateWords
    exact: np.ndarray  # exact key per row (0 when none)
    url: np.ndarray  # URL key per row (0 when none)
    long: np.ndarray  # rows with at least min_words words

    def judge(self, pairs: np.ndarray, *, across_days: bool = False) -> pl.DataFrame:
        """Evidence and verdict of ``pairs``, one row per pair in their order: ``a``, ``b``
        (oriented: ``a`` has fewer content words), ``first`` (the row given first), the
        evidence columns, ``score``, ``relation``, ``same`` (``exact``, ``url`` or
        null: keys that make a copy whatever the evidence) and ``page`` (``b`` is a page
        that opens with ``a`` and goes on to other stories: not a copy, see
        :func:`_pages`). ``across_days`` lifts the rule on documents dated days apart
        (:func:`corpuskit.dedup.verify.decide`)."""
        pairs = pairs.astype(np.int64).reshape(-1, 2)
        oriented = orient(pairs, self.docs)
        evidence = pair_evidence(self.keys, oriented, self.docs, self.template)
        relation, score = verify.decide(evidence, self.options, across_days=across_days)
        a, b = oriented[:, 0], oriented[:, 1]
        same_body = _same_key(self.exact, a, b)
        same_url = _same_key(self.url, a, b) & ~same_body
        keyed = same_body | same_url
        relation = np.where(keyed, verify.COPY, relation)
        relation = np.where(self.long[a] & self.long[b] | keyed, relation, verify.NONE)
        same = np.where(same_body, KIND_EXACT, np.where(same_url, KIND_URL, None))
        page = _pages(self, evidence, relation) & ~keyed
        relation = np.where(page, verify.NONE, relation)
        return evidence.with_columns(
            page=pl.Series(page, dtype=pl.Boolean),
            first=pl.Series(pairs[:, 0], dtype=pl.Int64),
            score=pl.Series(np.where(keyed, 1.0, score), dtype=pl.Float64),
            relation=pl.Series(relation.tolist(), dtype=RELATIONS),
            same=pl.Series(same.tolist(), dtype=SAME_KEYS),
        )


def _pages(m: Matcher, evidence: pl.DataFrame, relation: np.ndarray) -> np.ndarray:
    """Copy verdicts where the longer document ``b`` is a page that opens with ``a`` and
    then moves on to another story: ``a`` is clearly shorter (``CONTAINED_RATIO``) and
    ``b`` breaks to another story where ``a`` ends (:mod:`corpuskit.dedup.breaks`). A
    trimmed copy is cut where its story goes on; a page goes on with other news, so the
    two are not copies (the page is flagged as containing ``a``, ``DUP240``)."""
    if evidence.height == 0:
        return np.zeros(0, dtype=bool)
    a, b = evidence["a"].to_numpy(), evidence["b"].to_numpy()
    contained = (relation == verify.COPY) & (evidence["size_ratio"].to_numpy() <= CONTAINED_RATIO)
    page = np.zeros(a.size, dtype=bool)
    rows = np.flatnonzero(contained)
    if rows.size:
        page[rows] = page_of(m.keys.array(BREAKS, b[rows]), m.docs.words[a[rows]])
    return page


def _same_key(values: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rows whose non-null (non-zero) key equals the other row's."""
    return (values[a] == values[b]) & (values[a] != 0)


def matcher(keys: KeyTable, options: DedupOptions, candidate_rows: np.ndarray) -> Matcher:
    """A :class:`Matcher` over ``keys``; template words are counted over ``candidate_rows``."""
    words = keys.column(WORDS).to_numpy()
    active = keys.column(ACTIVE).to_numpy().astype(bool)
    return Matcher(
        keys,
        options,
        DocumentColumns.of(keys),
        TemplateWords(
            keys,
            candidate_rows,
            int((active & (words >= options.min_words)).sum()),
        ),
        dense_codes(keys.column(EXACT_KEY).fill_null(0).to_numpy()),
        dense_codes(keys.column(URL_KEY).fill_null(0).to_numpy()),
        active & (words >= options.min_words),
    )


def judged_candidates(
    keys: KeyTable, options: DedupOptions, *, every_pair: bool = False
) -> tuple[Matcher, pl.DataFrame]:
    """Candidate pairs with their evidence and verdict (see :meth:`Matcher.judge`), and
    the matcher that judged them: the pairs the rest of the link pass reads (copies,
    updates, pages, headline matches, and the documents found whole in a longer one
    that tell roundups apart), or ``every_pair``."""
    m, chunks = _judged_chunks(keys, options)
    # Not filtered again once roundups are decided: the few parts whose verdict they
    # undo are ignored by every later reader (no copy, page or headline match), and a
    # second filter would copy the whole frame.
    judged = pl.concat(
        [chunk if every_pair else chunk.filter(_read_later(chunk)) for chunk in chunks]
    )
    return m, _without_roundups(m, judged)


def _judged_chunks(keys: KeyTable, options: DedupOptions) -> tuple[Matcher, Iterator[pl.DataFrame]]:
    """The matcher, and the judged candidate pairs with their ``source``, at most
    :data:`JUDGE_CHUNK` pairs at a time (at least one chunk, maybe empty)."""
    active = keys.column(ACTIVE).to_numpy().astype(bool)
    words = keys.column(WORDS).to_numpy()
    long_rows = np.flatnonzero(active & (words >= options.min_words))
    del words
    candidates = candidate_pairs(keys, np.flatnonzero(active), long_rows, options)
    del active, long_rows
    m = matcher(keys, options, candidates.rows(keys.height))

    def chunks() -> Iterator[pl.DataFrame]:
        judged = False
        for codes, sources in candidates.chunks(JUDGE_CHUNK):
            judged = True
            yield m.judge(pairs_of_codes(codes)).with_columns(
                source=pl.Series(sources, dtype=pl.Int8)
            )
        if not judged:
            yield m.judge(np.empty((0, 2), dtype=np.int64)).with_columns(
                source=pl.Series([], dtype=pl.Int8)
            )

    return m, chunks()


@dataclass
class _LinkEvidence:
    """What the link pass reads of the judged pairs once roundups are told apart: the
    copy pairs (``copies``, the edges clusters grow along), the headline matches whose
    bodies are not copies (:func:`_headline_matches`, on disk until the headline flags
    take them: :func:`_headline_matches_taken`) with the ``roundups`` that undo some
    copies, and the updates and pages with all their evidence."""

    copies: np.ndarray
    headline: _SetAside
    roundups: pl.Series
    updates_and_pages: pl.DataFrame


def _headline_matches_taken(aside: _SetAside, roundups: pl.Series) -> _HeadlineMatches:
    """The headline matches set aside (:class:`_LinkEvidence`), with the copies one of
    the ``roundups`` undid (taken once)."""
    taken = aside.take(["a", "b", "part"])
    chosen = ~taken["part"] | taken["b"].is_in(roundups.implode())
    return _HeadlineMatches(
        taken.filter(chosen).drop("part"), np.flatnonzero(chosen.to_numpy()), aside
    )


@dataclass
class _HeadlineMatches:
    """The rows (``pairs``: ``a``, ``b``) of headline matches, and their similarities
    read for the few that become flags (:meth:`similarities`): at ten million documents
    the 11.6 million matches' three similarities were a quarter of a gigabyte held
    beside the flags being made."""

    pairs: pl.DataFrame
    positions: np.ndarray  # of each pair among the matches set aside
    aside: _SetAside

    def similarities(self, at: np.ndarray) -> pl.DataFrame:
        """``title``, ``words`` and ``shingles`` of ``pairs[at]``."""
        return self.aside.gather(self.positions[at], ["title", "words", "shingles"])


def _link_evidence(keys: KeyTable, options: DedupOptions) -> tuple[Matcher, _LinkEvidence]:
    """The matcher and the :class:`_LinkEvidence` of every candidate pair, taken out of
    the judged pairs chunk by chunk: the judged pairs are never held together (at
    millions of documents, gigabytes), only the few columns each later step reads of
    the pairs it reads. A copy that a roundup may undo (:func:`_roundup_part`) is held
    both as a copy and as a headline match until the roundups are known."""
    m, chunks = _judged_chunks(keys, options)
    rows = pl.Int32 if keys.height < 2**31 else pl.Int64
    copies, contained, whole = [], [], []
    headline = _SetAside(keys.scratch)
    try:
        for chunk in chunks:
            chunk = chunk.filter(_read_later(chunk)).with_columns(part=_roundup_part())
            whole.append(chunk.filter((pl.col("relation") == verify.UPDATE) | pl.col("page")))
            contained.append(_roundup_candidates(chunk))
            copies.append(
                chunk.filter(pl.col("relation") == verify.COPY).select(
                    pl.col("a", "b").cast(rows), "part"
                )
            )
            matches = _headline_matches(chunk, options)
            headline.add(matches.with_columns(pl.col("a", "b").cast(rows)))
            del chunk, matches
        roundups = _roundups(m, pl.concat(contained)).cast(rows)
    except BaseException:
        headline.discard()
        raise
    undone = pl.col("part") & pl.col("b").is_in(roundups.implode())
    return m, _LinkEvidence(
        copies=pl.concat(copies).filter(~undone).select("a", "b").to_numpy().reshape(-1, 2),
        headline=headline,
        roundups=roundups,
        updates_and_pages=pl.concat(whole).drop("part"),
    )


# Candidate pairs judged at once: the evidence of a few million pairs would take
# gigabytes, while the rows the rest of the link pass reads are far fewer.
JUDGE_CHUNK = 250_000


def _read_later(judged: pl.DataFrame) -> pl.Series:
    """The judged pairs the rest of the link pass reads: copies and updates, pages,
    headline matches, and the documents found whole in a longer one, which tell
    roundups apart."""
    keep = (
        (judged["relation"] != verify.NONE).to_numpy()
        | judged["page"].to_numpy()
        | ((judged["source"].to_numpy() & HEADLINE) != 0)
    )
    if judged.height:
        keep |= _contained_whole(judged)
    return pl.Series(keep, dtype=pl.Boolean)


ROUNDUP_PARTS = 20  # contained documents of one longer document compared with each other
ROUNDUP_APART = 0.15  # two of them sharing less vocabulary than this are different stories
CONTAINED_RATIO = 0.75  # a document this much smaller than another may be a part of it
# In a roundup, a copy verdict of a document up to this share of its size is a part.
ROUNDUP_PART_RATIO = 0.85
# Two parts are different stories when the shorter has less than this share of its words
# in the other (a teaser of the same story has most of them).
ROUNDUP_PART_SHARE = 0.5


def _without_roundups(m: Matcher, judged: pl.DataFrame) -> pl.DataFrame:
    """Copy verdicts of documents contained in a roundup turned into ``none``.

    A roundup (a page, a digest, a package of several releases) holds several stories;
    each of them, found whole inside it, looks like a trimmed copy of it. The parts of a
    longer document are the documents judged copies of it while clearly shorter, and the
    documents found whole in it (:func:`~corpuskit.dedup.verify.found_whole`) whatever
    the verdict: a short release printed at the end of a page
    shares too little with the page to be called its copy, but it is there word for
    word. When two parts share almost no vocabulary (``words`` below
    ``ROUNDUP_APART``), they are different stories, so the longer one is a roundup that
    *contains* them, not a version of either: the copy verdicts of its parts (up to
    ``ROUNDUP_PART_RATIO`` of its size) are not copies.
    """
    judged = judged.with_columns(part=_roundup_part())
    roundups = _roundups(m, _roundup_candidates(judged))
    is_part = pl.col("part") & pl.col("b").is_in(roundups.implode())
    return judged.with_columns(
        relation=pl.when(is_part)
        .then(pl.lit(verify.NONE, dtype=RELATIONS))
        .otherwise(pl.col("relation")),
        roundup=is_part,
    ).drop("part")


def _roundup_part() -> pl.Expr:
    """A copy verdict that a roundup undoes when its longer side ``b`` is one: no equal
    body or URL, and ``a`` up to ``ROUNDUP_PART_RATIO`` of its size."""
    return (
        pl.col("same").is_null()
        & (pl.col("relation") == verify.COPY)
        & (pl.col("size_ratio") <= ROUNDUP_PART_RATIO)
    )


def _roundup_candidates(judged: pl.DataFrame) -> pl.DataFrame:
    """The pairs ``(a, b)`` whose ``a`` may be a part of ``b`` (``judged`` with its
    ``part`` column, :func:`_roundup_part`): a copy part, or found whole in it."""
    whole = pl.Series(_contained_whole(judged)) & judged["same"].is_null()
    return judged.filter(judged["part"] | whole).select("a", "b")


def _roundups(m: Matcher, contained: pl.DataFrame) -> pl.Series:
    """The longer documents ``b`` of ``contained`` pairs (:func:`_roundup_candidates`)
    that hold two parts sharing almost no vocabulary: roundups. The parts of each are
    paired with a self-join (at most ``ROUNDUP_PARTS`` of them each), longer documents
    taken in runs that make about :data:`JUDGE_CHUNK` pairs, each run joined and judged
    on its own: at ten million documents (2.9 million contained pairs) the pairs of
    every longer document, joined at once, took 3.5 GB."""
    parts = (
        contained.group_by("b")
        .agg(pl.col("a").sort().head(ROUNDUP_PARTS))
        .filter(pl.col("a").list.len() >= 2)
        .sort("b")
    )
    sizes = parts["a"].list.len().to_numpy().astype(np.int64)
    ends = np.cumsum(sizes * (sizes - 1) // 2)
    runs = np.searchsorted(
        ends, np.arange(JUDGE_CHUNK, int(ends[-1]) if ends.size else 0, JUDGE_CHUNK)
    )
    different = (
        (pl.col("words") < ROUNDUP_APART)
        & (pl.col("a_in_b") < ROUNDUP_PART_SHARE)
        & (pl.col("rare_shared") == 0)
    )
    owners = [pl.Series("owner", [], dtype=pl.Int64)]
    for lo, hi in zip(np.concatenate([[0], runs]), np.append(runs, parts.height), strict=True):
        run = (
            parts.slice(int(lo), int(hi - lo))
            .explode("a")
            .with_columns(i=pl.int_range(pl.len()).over("b"))
        )
        pairs = (
            run.join(run, on="b", suffix="_other")
            .filter(pl.col("i") < pl.col("i_other"))
            .select("b", "a", "a_other")
        )
        if pairs.height == 0:
            continue
        judged = m.judge(pairs.select("a", "a_other").to_numpy().astype(np.int64))
        owners.append(pairs["b"].filter(judged.select(different).to_series()).cast(pl.Int64))
    return pl.concat(owners).unique().alias("owner")


def _contained_whole(judged: pl.DataFrame) -> np.ndarray:
    """Pairs whose shorter document is clearly shorter and found whole in the longer."""
    return verify.found_whole(judged) & (judged["size_ratio"].to_numpy() <= CONTAINED_RATIO)


class _Ranking:
    """The keep rule over rows: never an updated version, then longest, newest, smallest
    id, as one position per row (0: kept first).

    Every row is ranked once, when the ranking is made: each step that orders rows (the
    stars of equal keys, the clusters, which side of a headline match is flagged) reads
    positions from it, where ranking the rows of each step again held their lengths,
    dates and a sort of them, step after step, at millions of rows. The order of any
    subset of rows is the keep rule's order among them."""

    def __init__(self, keys: KeyTable, superseded: np.ndarray) -> None:
        n = keys.height
        order = keep_order(
            np.zeros(n, dtype=np.int8),  # one cluster
            keys.column(LENGTH).to_numpy(),
            keys.column(DATE),
            lambda at: keys.take(at, [ID])[ID],
            demoted=superseded,
        )
        self.rank = np.empty(n, dtype=_row_index(n))
        self.rank[order] = np.arange(n, dtype=self.rank.dtype)

    def prefer(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """For each pair, True when the keep rule prefers row ``a[i]`` over row ``b[i]``."""
        return self.rank[a] < self.rank[b]


def link(keys: KeyTable, options: DedupOptions | None = None) -> Links:
    """Clusters, kept documents, updates and provenance of every document of ``keys``.

    Each step lets go of what the next ones do not read (the edges once clustered, the
    verdicts once written as decisions): at millions of documents each is gigabytes."""
    options = options or DedupOptions()
    n = keys.height
    m, evidence = _link_evidence(keys, options)
    # the headline matches, set aside as they were judged, wait for the headline flags
    aside, roundups = evidence.headline, evidence.roundups
    decided: _DecidedRows | None = None
    try:
        updates_and_pages = evidence.updates_and_pages
        updates = updates_and_pages.filter(pl.col("relation") == verify.UPDATE)
        superseded = np.zeros(n, dtype=bool)
        accepted = {verify.COPY}
        if options.drop_updates and updates.height:
            older, _ = _update_sides(updates)
            superseded[older] = True
            accepted.add(verify.UPDATE)
        ranking = _Ranking(keys, superseded)
        all_pairs, keyed_pairs = _edges(keys, options, evidence.copies, updates, ranking)
        del evidence
        labels, kept, verdicts = _clusters_without_chains(
            m, all_pairs, ranking, accepted, keyed_pairs
        )
        del all_pairs, keyed_pairs
        try:
            decided = _DecidedRows(map(_decided, verdicts.frames()), keys.scratch)
        finally:
            verdicts.discard()
        updated = (
            _update_flags(labels, kept, updates, m)
            if not options.drop_updates
            else pl.DataFrame(schema=DECISION_SCHEMA)
        )
        busy = np.union1d(decided.copies, updated["row"])
        pages = _page_flags(labels, kept, updates_and_pages.filter(pl.col("page")), busy)
        del updates_and_pages, updates, m
        # the headline flags before the decisions: the matches go before the decisions
        # are built, and the decisions, the largest frame of the pass, are never held
        # beside them
        flags = _headline_flags(labels, kept, _headline_matches_taken(aside, roundups), ranking)
        del ranking
        decisions = _decisions(labels, kept, decided, [updated, pages])
        return Links(decisions, flags)
    finally:
        aside.discard()
        if decided is not None:
            decided.discard()


class _SetAside:
    """Frames of one schema written to a scratch folder as they come, until a later step
    takes them back as one frame (held as they are where there is no scratch folder):
    the headline matches are read only once the clusters are made, and at millions of
    documents they are hundreds of megabytes the ranking and the clustering would
    otherwise hold beside their own arrays."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder
        self._schema: pl.DataFrame | None = None  # of the first frame added
        self._frames: list[pl.DataFrame] = []
        self._path: Path | None = None
        self._writer: pq.ParquetWriter | None = None
        self._taken = False

    def add(self, frame: pl.DataFrame) -> None:
        if self._schema is None:
            self._schema = frame.clear()
        if frame.height == 0:
            return
        if self._folder is None:
            self._frames.append(frame)
            return
        table = frame.to_arrow()
        if self._writer is None:
            handle, name = tempfile.mkstemp(
                prefix="set-aside-", suffix=".parquet", dir=self._folder
            )
            os.close(handle)
            self._path = Path(name)
            self._writer = pq.ParquetWriter(self._path, table.schema, compression="lz4")
        self._writer.write_table(table)

    def take(self, columns: list[str] | None = None) -> pl.DataFrame:
        """Every frame added, in order, as one (once): whole, and let go of; or only
        ``columns``, the rest kept for :meth:`gather` until :meth:`discard`."""
        if self._taken:
            raise AssertionError("a set-aside frame is taken once")
        self._taken = True
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._path is not None:
            frames = [read_file(self._path, columns)]
        else:
            frames = [f.select(columns) if columns else f for f in self._frames]
        schema = self._schema
        if columns is None:
            self.discard()
        if frames:
            return pl.concat(frames)
        if schema is None:
            raise AssertionError("nothing was set aside, not even a schema")
        return schema.select(columns) if columns else schema

    def gather(self, positions: np.ndarray, columns: list[str]) -> pl.DataFrame:
        """``columns`` of the rows at ``positions`` (in their order) of the frames
        taken (:meth:`take` of some columns), read a row group at a time."""
        if self._schema is None:
            raise AssertionError("nothing was set aside, not even a schema")
        order = np.argsort(positions, kind="stable")
        wanted = positions[order]
        found = [self._schema.select(columns)]
        if self._path is not None:
            with pq.ParquetFile(self._path) as file:
                first = 0
                for group in range(file.num_row_groups):
                    end = first + file.metadata.row_group(group).num_rows
                    lo, hi = np.searchsorted(wanted, [first, end])
                    if hi > lo:
                        rows = pl.from_arrow(file.read_row_group(group, columns=columns))
                        found.append(rows[wanted[lo:hi] - first])
                    first = end
        elif self._frames:
            found.append(pl.concat([f.select(columns) for f in self._frames])[wanted])
        back = np.empty_like(order)
        back[order] = np.arange(order.size)
        return pl.concat(found)[back]

    def column(self, name: str) -> pl.Series:
        """One column of every frame added, read whole (once some columns are taken,
        as often as asked, until :meth:`discard`)."""
        if self._schema is None:
            raise AssertionError("nothing was set aside, not even a schema")
        if self._path is not None:
            return read_file(self._path, [name]).to_series()
        if self._frames:
            return pl.concat([frame.get_column(name) for frame in self._frames])
        return self._schema.get_column(name)

    def discard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None
        self._frames = []


def _edges(
    keys: KeyTable,
    options: DedupOptions,
    copies: np.ndarray,
    updates: pl.DataFrame,
    ranking: _Ranking,
) -> tuple[np.ndarray, np.ndarray]:
    """The edges the clusters grow along (``copies``, updates with ``drop_updates``, and
    stars of equal bodies and URLs), and the keyed ones among them, as distinct pairs
    (:func:`_distinct_pairs`) of :func:`_row_index` rows."""
    index = _row_index(keys.height)
    rows = np.flatnonzero(keys.column(ACTIVE).to_numpy().astype(bool)).astype(index)
    # stars of equal keys around the group's first in the keep order, a key column at a
    # time (each is eight bytes a document)
    stars = [
        _group_pairs(keys.column(name), rows, ranking.rank)
        for name, wanted in ((EXACT_KEY, options.exact), (URL_KEY, options.url))
        if wanted
    ]
    del rows
    edges = [*stars, copies]
    if options.drop_updates and updates.height:
        edges.append(updates.select("a", "b").to_numpy().reshape(-1, 2))
    empty = [np.empty((0, 2), index)]
    keyed_pairs = _distinct_pairs(np.concatenate([e for e in stars if e.size] or empty), index)
    del stars
    all_pairs = np.concatenate([e for e in edges if e.size] or empty)
    del edges
    return _distinct_pairs(all_pairs, index), keyed_pairs


def _row_index(n: int) -> type:
    """The integer type of row numbers among ``n`` rows: four bytes where they fit (the
    pairs of millions of documents are held as arrays of them)."""
    return np.int32 if n < 2**31 else np.int64


def _update_sides(updates: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(older, newer) rows of update pairs: the newer is the later-dated one, or the one
    with more words when the dates do not tell."""
    a, b = updates["a"].to_numpy(), updates["b"].to_numpy()
    b_newer = updates["b_newer"].to_numpy() >= 0
    return np.where(b_newer, a, b), np.where(b_newer, b, a)


def _clusters_without_chains(
    m: Matcher,
    pairs: np.ndarray,
    ranking: _Ranking,
    accepted: set[str],
    keyed_pairs: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, VerdictStore]:
    """Cluster labels, kept row per row, and the verdict of every dropped row against
    its kept row (held in a :class:`~corpuskit.dedup.verdict_store.VerdictStore`).

    Connected components would take the transitive closure: a - b - c can put c in a's
    cluster although the two are not copies (serial items, a month of royal cables that
    share their template). Instead clusters are grown around kept documents, in the
    order of the keep rule: the most preferred document not yet taken keeps its cluster,
    and takes every document not yet taken that is a verified copy of it (a pair the
    decision accepted); a document already taken never starts or joins another. So every
    dropped document is a copy of its kept document itself, by the same pair decision.
    (This is the lexicographically first maximal independent set of the copy graph in
    keep-rule order, computed in rounds over the pairs rather than document by
    document.)

    ``pairs`` are distinct (:func:`_distinct_pairs`). Documents with one folded body or
    one canonical URL (``keyed_pairs``) are one document published twice: they move as
    one unit, represented by the first of them in keep order, so the two never end in
    different clusters (their dates differ, and one may be days from the kept document
    while the other is not).
    """
    n = m.keys.height
    if pairs.size == 0:
        labels = np.arange(n, dtype=_row_index(n))
        return labels, labels.copy(), VerdictStore(None, n)
    rank = ranking.rank
    unit = _units(n, keyed_pairs, rank)
    unit_pairs = _distinct_pairs(unit[pairs], pairs.dtype)
    kept = _greedy_centres(n, unit_pairs, rank)[unit]
    twins = _ExactTwins(m.exact, np.unique(pairs))
    # the verdicts on disk, their rows and outcomes in memory (see VerdictStore)
    store = VerdictStore(m.keys.scratch, n)
    try:
        store.extend(_outcomes(_verdict_parts(m, kept, accepted, twins), accepted))
        for again in range(SPLIT_ROUNDS + 1):
            split = _split_off(store, unit, kept)
            if split.size == 0:
                break
            if again < SPLIT_ROUNDS:  # clustered again among the documents split off
                split_unit = np.zeros(n, dtype=bool)
                split_unit[unit[split]] = True
                among = unit_pairs[split_unit[unit_pairs[:, 0]] & split_unit[unit_pairs[:, 1]]]
                kept[split] = _greedy_centres(n, among, rank)[unit][split]
                del split_unit, among
            else:
                kept[split] = split
            store.withdraw(split)
            store.extend(_outcomes(_verdict_parts(m, kept, accepted, twins, only=split), accepted))
        del unit, unit_pairs, twins
        bridged = _bridged(m, pairs, kept, rank)
        if bridged.height:
            moved = bridged["dropped"].to_numpy()
            store.withdraw(moved)
            kept[moved] = bridged["kept"].to_numpy()
            store.extend(_outcomes([bridged], accepted))
        del bridged
        return _dense_labels(kept), kept, store
    except BaseException:
        store.discard()
        raise


def _split_off(store: VerdictStore, unit: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """The dropped rows whose standing verdict failed: they leave their cluster. A unit
    whose members are all in one cluster stays there when one member is a copy of the
    kept document (or is it): the others are that member again."""
    dropped, failed = store.standing()
    if not failed.any():
        return dropped[:0]
    unit_ok = np.zeros(kept.size, dtype=bool)
    unit_ok[unit[dropped[~failed]]] = True
    unit_ok[unit[kept == np.arange(kept.size)]] = True
    return dropped[failed & ~unit_ok[unit[dropped]]]


_NO_VERDICTS = pl.DataFrame(schema={"dropped": ROW, "kept": ROW, "relation": RELATIONS})


def _outcomes(
    parts: Iterable[pl.DataFrame], accepted: set[str]
) -> Iterator[tuple[pl.DataFrame, np.ndarray]]:
    """Each part of verdicts with the mark of the verdicts that do not accept (their
    relation is not one of ``accepted``)."""
    for part in parts:
        yield part, ~part["relation"].is_in(list(accepted)).to_numpy()


def _dense_labels(kept: np.ndarray) -> np.ndarray:
    """Each row's cluster numbered 0, 1, ... in the order of the kept rows: the inverse
    of a unique of ``kept``, found with a mark per row instead of sorting a copy."""
    is_kept = np.zeros(kept.size, dtype=bool)
    is_kept[kept] = True
    number = np.cumsum(is_kept, dtype=_row_index(kept.size))
    number -= 1
    return number[kept]


def _distinct_pairs(pairs: np.ndarray, dtype: type | None = None) -> np.ndarray:
    """The distinct pairs of two different rows in ``pairs``, each with its smaller row
    first, sorted, as ``dtype`` (that of ``pairs`` when not given); through eight-byte
    ``a << 32 | b`` codes (:func:`~corpuskit.dedup.lsh.pairs_of_codes`): a unique over
    the rows of the two-column array sorts copies of the pairs as records, several
    times their size at millions of pairs."""
    dtype = pairs.dtype if dtype is None else dtype
    low, high = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    two = low != high
    codes = (low[two].astype(np.uint64) << np.uint64(32)) | high[two].astype(np.uint64)
    del low, high, two
    return pairs_of_codes(distinct_codes(codes), dtype)


def _bridged(m: Matcher, pairs: np.ndarray, kept: np.ndarray, rank: np.ndarray) -> pl.DataFrame:
    """Verdicts of the clusters that join another cluster through one of its copies.

    A cluster kept by ``x`` with a member that is a copy of ``y``, a document dropped into
    the cluster of ``k`` (kept before ``x`` by the keep rule), joins that cluster when the
    pair decision calls ``x`` and each of its members a copy of ``k`` itself with the
    rule on documents dated days apart lifted: ``y`` agrees with both sides, so the two
    are not daily items of one template that merely look alike. A release put online in
    the evening and printed by the papers the next day is the usual case: the papers'
    versions are more than ``CROSS_DAY_HOURS`` from the online one, while some of their
    copies are not. Each cluster joins the cluster of the ``k`` most similar to ``x``,
    and never one that itself joins another."""
    n = kept.size
    empty = pl.DataFrame(schema={"dropped": ROW, "kept": ROW, "relation": RELATIONS})
    if pairs.size == 0:
        return empty
    dropped = kept != np.arange(n)
    sources, targets = [], []
    for lo in range(0, pairs.shape[0], JUDGE_CHUNK):  # both ways round, a chunk at a time
        chunk = pairs[lo : lo + JUDGE_CHUNK]
        for x, y in ((chunk[:, 0], chunk[:, 1]), (chunk[:, 1], chunk[:, 0])):
            usable = dropped[y] & (kept[x] != kept[y])
            source, target = kept[x[usable]], kept[y[usable]]
            usable = rank[target] < rank[source]
            sources.append(source[usable])
            targets.append(target[usable])
    del dropped
    source, target = np.concatenate(sources), np.concatenate(targets)
    if source.size == 0:
        return empty
    moves = pl.DataFrame(
        {"source": source, "target": target},
        schema=[("source", pl.Int64), ("target", pl.Int64)],
    ).unique()
    rows = np.flatnonzero(np.isin(kept, moves["source"].to_numpy()))
    tried = moves.join(
        pl.DataFrame(
            {"row": rows, "source": kept[rows]}, schema=[("row", pl.Int64), ("source", pl.Int64)]
        ),
        on="source",
    ).sort("source", "target", "row")
    judged = _judged_kind(
        m, tried["row"].to_numpy(), tried["target"].to_numpy(), across_days=True
    ).with_columns(
        source=tried["source"], target=tried["target"], ok=pl.col("relation") == verify.COPY
    )
    accepted = (
        judged.group_by("source", "target")
        .agg(
            pl.col("ok").all(),
            pl.col("shingles").filter(pl.col("dropped") == pl.col("source")).first().alias("near"),
        )
        .filter(pl.col("ok"))
        .sort(["source", "near", "target"], descending=[False, True, False])
        .unique("source", keep="first", maintain_order=True)
    )
    accepted = accepted.filter(~pl.col("target").is_in(accepted["source"].implode()))
    if accepted.height == 0:
        return empty
    return judged.join(accepted.select("source", "target"), on=["source", "target"]).drop(
        "source", "target", "ok"
    )


# Rounds of clustering again the documents split off a cluster (a copy of a copy that is
# not a copy of the kept one); what is still split off after them stays alone.
SPLIT_ROUNDS = 3


class _ExactTwins:
    """The rows that share a folded body with a row (one text published twice), among
    the rows of copy pairs."""

    def __init__(self, exact: np.ndarray, rows: np.ndarray) -> None:
        rows = rows[exact[rows] != 0]
        self._rows = rows[np.argsort(exact[rows], kind="stable")]
        self._keys = exact[self._rows]
        self._exact = exact

    def of(self, row: int) -> np.ndarray:
        key = self._exact[row]
        if key == 0:
            return np.empty(0, dtype=np.int64)
        lo = np.searchsorted(self._keys, key, side="left")
        hi = np.searchsorted(self._keys, key, side="right")
        twins = self._rows[lo:hi]
        return twins[twins != row]


def _units(n: int, keyed_pairs: np.ndarray | None, rank: np.ndarray) -> np.ndarray:
    """The first document in keep order (lowest ``rank``) of every row's group of equal
    bodies or URLs; a row in no group is its own."""
    if keyed_pairs is None or keyed_pairs.size == 0:
        return np.arange(n, dtype=_row_index(n))
    group = components(n, keyed_pairs)
    order = np.lexsort((rank, group))
    grouped = group[order]
    first = np.concatenate(([True], grouped[1:] != grouped[:-1]))
    head = np.empty(group.max() + 1, dtype=_row_index(n))
    head[grouped[first]] = order[first]
    del order, grouped, first
    return head[group]


def _greedy_centres(n: int, pairs: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Kept row of every row: documents taken, in ``rank`` order (0 first; rows without a
    pair keep themselves), by the first document kept among their neighbours."""
    src = np.concatenate([pairs[:, 0], pairs[:, 1]])
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]])
    better = rank[dst] < rank[src]  # dst comes before src in the keep order
    src, dst = src[better], dst[better]
    CENTRE, TAKEN = 1, 2  # 0: undecided
    state = np.zeros(n, dtype=np.int8)
    involved = np.unique(pairs)
    state_undecided = np.zeros(n, dtype=bool)
    state_undecided[involved] = True
    kept = np.arange(n, dtype=_row_index(n))
    while state_undecided.any():
        live = state_undecided[src]
        s, d = src[live], dst[live]
        # Taken: a better neighbour is kept.
        centre_nb = state[d] == CENTRE
        taken = np.zeros(n, dtype=bool)
        taken[s[centre_nb]] = True
        # Kept: every better neighbour is taken.
        waiting = np.zeros(n, dtype=bool)
        waiting[s[state[d] != TAKEN]] = True
        centre = state_undecided & ~taken & ~waiting
        newly_taken = state_undecided & taken
        if not centre.any() and not newly_taken.any():
            raise AssertionError("greedy clustering made no progress")
        state[centre] = CENTRE
        state[newly_taken] = TAKEN
        state_undecided &= ~(centre | newly_taken)
    # Each taken row joins its best kept neighbour.
    taken_rows = np.flatnonzero(state == TAKEN)
    if taken_rows.size:
        is_centre = state[dst] == CENTRE
        s, d = src[is_centre], dst[is_centre]
        order = np.lexsort((rank[d], s))
        s, d = s[order], d[order]
        first = np.concatenate(([True], s[1:] != s[:-1]))
        kept[s[first]] = d[first]
    return kept


# Dropped documents judged into one part of the verdicts (see :func:`_verdict_parts`).
VERDICT_PART_ROWS = 1_000_000


def _verdict_parts(
    m: Matcher,
    kept: np.ndarray,
    accepted: set[str] | None = None,
    twins: _ExactTwins | None = None,
    only: np.ndarray | None = None,
) -> Iterator[pl.DataFrame]:
    """The verdict of every dropped row (of ``only``, when given) against its kept row
    (``dropped``, ``kept``, evidence, ``relation``, ``kind``), as frames of at most
    :data:`VERDICT_PART_ROWS` dropped rows each, in order, judged one at a time as they
    are drawn (the clustering sets each aside before the next is judged:
    :class:`~corpuskit.dedup.verdict_store.VerdictStore`).

    A kept document published again with the same body (its exact ``twins``) is the same
    text: a dropped row that is not an ``accepted`` copy of the kept row itself but is a
    copy of one of its twins (dated days apart from the kept one, for instance) is
    judged by that twin's verdict."""
    dropped = np.flatnonzero(kept != np.arange(kept.size))
    if only is not None:
        dropped = dropped[np.isin(dropped, only)]
    for lo in range(0, dropped.size, VERDICT_PART_ROWS):
        yield _verdicts_of(m, dropped[lo : lo + VERDICT_PART_ROWS], kept, accepted, twins)


def _verdicts_of(
    m: Matcher,
    dropped: np.ndarray,
    kept: np.ndarray,
    accepted: set[str] | None,
    twins: _ExactTwins | None,
) -> pl.DataFrame:
    """The verdicts of the rows ``dropped`` (see :func:`_verdict_parts`)."""
    judged = _judged_kind(m, dropped, kept[dropped])
    if twins is None or accepted is None:
        return judged
    failed = np.flatnonzero(~judged["relation"].is_in(list(accepted)).to_numpy())
    alternatives = [(i, int(t)) for i in failed for t in twins.of(int(kept[dropped[i]]))]
    if not alternatives:
        return judged
    at = np.array([i for i, _ in alternatives], dtype=np.int64)
    by_twin = _judged_kind(m, dropped[at], np.array([t for _, t in alternatives]))
    good = by_twin["relation"].is_in(list(accepted)).to_numpy()
    at, by_twin = at[good], by_twin.filter(pl.Series(good))
    first = np.unique(at, return_index=True)[1]
    at, by_twin = at[first], by_twin[first]
    replaced = np.zeros(judged.height, dtype=bool)
    replaced[at] = True
    by_twin = by_twin.with_columns(kept=pl.Series(kept[dropped[at]], dtype=ROW))
    return pl.concat([judged.filter(~pl.Series(replaced)), by_twin])


def _judged_kind(
    m: Matcher, dropped: np.ndarray, kept: np.ndarray, *, across_days: bool = False
) -> pl.DataFrame:
    """The verdict of each pair (``dropped``, ``kept``), with the kind of copy: the
    columns of :data:`VERDICT_COLUMNS` and the evidence that words it
    (:data:`~corpuskit.dedup.verify.WHY_SCHEMA`). Judged :data:`JUDGE_CHUNK` pairs at a
    time and narrowed to those columns, so millions of dropped documents never hold
    every measure of the evidence at once."""
    chunks = []
    for lo in range(0, max(dropped.size, 1), JUDGE_CHUNK):
        rows, to = dropped[lo : lo + JUDGE_CHUNK], kept[lo : lo + JUDGE_CHUNK]
        judged = m.judge(np.stack([rows, to], axis=1), across_days=across_days)
        kind = verify.copy_kind(judged, m.options, dropped_is_a=judged["a"].to_numpy() == rows)
        chunks.append(
            pl.concat(
                [
                    judged.select(
                        dropped=pl.Series(rows, dtype=ROW),
                        kept=pl.Series(to, dtype=ROW),
                        relation="relation",
                        same="same",
                        kind=kind.cast(DUP_KINDS),
                    ),
                    verify.why_evidence(judged),
                ],
                how="horizontal",
            )
        )
    return pl.concat(chunks)


def _decided(verdicts: pl.DataFrame) -> pl.DataFrame:
    """What the decisions say of each dropped row (``row``, ``dup_kind``,
    ``similarity`` and the evidence), from its verdict."""
    if verdicts.height == 0:
        names = ("row", "dup_kind", "similarity", *verify.WHY_SCHEMA)
        return pl.DataFrame(schema={name: DECISION_SCHEMA[name] for name in names})
    decided = verdicts.select(
        pl.col("dropped").alias("row"),
        pl.when(pl.col("relation") == verify.UPDATE)
        .then(pl.lit(KIND_UPDATE))
        .otherwise(pl.coalesce(pl.col("same").cast(pl.String), pl.col("kind").cast(pl.String)))
        .cast(DUP_KINDS)
        .alias("dup_kind"),
        pl.when(pl.col("same") == KIND_EXACT)
        .then(1.0)
        .otherwise(pl.col("shingles"))
        .alias("similarity"),
    )
    return pl.concat([decided, verify.why_evidence(verdicts)], how="horizontal")


class _DecidedRows:
    """What the decisions say of each dropped row (``decided``: :func:`_decided` of each
    part of the standing verdicts), set aside as the verdicts are read back (on disk
    where there is a scratch ``folder``): the rows in memory (``rows``, and ``copies``:
    those with a kind), every other column read whole one at a time as the decisions
    gather it (:meth:`column`). At ten million documents the evidence of the 7.3 million dropped
    rows is over half a gigabyte, which the headline flags and the decisions being
    built would otherwise hold beside their own."""

    def __init__(self, decided: Iterable[pl.DataFrame], folder: Path | None) -> None:
        self._aside = _SetAside(folder)
        try:
            schema = _decided(_NO_VERDICTS)
            self._aside.add(schema)  # so that no row decided still has the columns
            for part in decided:
                self._aside.add(part.cast(schema.schema))
            head = self._aside.take(["row", "dup_kind"])
        except BaseException:
            self._aside.discard()
            raise
        self.names = [name for name in schema.columns if name != "row"]
        self.rows = head["row"].to_numpy()
        self.copies = head.filter(pl.col("dup_kind").is_not_null())["row"].to_numpy()

    def column(self, name: str) -> pl.Series:
        return self._aside.column(name)

    def discard(self) -> None:
        self._aside.discard()


def _decisions(
    labels: np.ndarray, kept: np.ndarray, decided: _DecidedRows, flags: list[pl.DataFrame]
) -> pl.DataFrame:
    """One row per document of a cluster: its cluster, whether it is kept, and for a
    dropped copy how it relates to the kept document and why (``decided``,
    :func:`_decided`); then the ``flags`` of kept documents (:func:`_kept_flags`), each
    taking the place of what comes before it for its rows. Built once: at millions of
    documents every copy of the decisions is gigabytes.

    ``decided``'s columns are read and gathered into the decisions one at a time, each
    let go of once its copy in member order is made, so the two are never held whole
    side by side (a join held both, and its hash table)."""
    n = labels.size
    members = np.flatnonzero((np.bincount(labels, minlength=n) > 1)[labels])
    flags = [f.cast(DECISION_SCHEMA) for f in flags if f.height]
    later = [np.empty(0, np.int64)]
    for frame in reversed(flags):
        later.append(np.union1d(later[-1], frame["row"].to_numpy()))
    later.reverse()  # later[i]: the rows of the flags after flags[i - 1]
    members = members[~np.isin(members, later[0])]
    kept_of = kept[members]
    keep = kept_of == members
    columns = {
        "row": pl.Series(members, dtype=ROW),
        "cluster_row": pl.Series(kept_of, dtype=ROW),
        "dup_of_row": pl.Series(kept_of, dtype=ROW).set(pl.Series(keep), None),
        "keep": pl.Series(keep),
    }
    del kept_of, keep
    at = _positions(decided.rows, members, n)
    del members
    for name in decided.names:
        columns[name] = decided.column(name).gather(at)
    clustered = pl.DataFrame([columns[name].alias(name) for name in DECISION_SCHEMA])
    overridden = [
        frame.filter(~pl.col("row").is_in(pl.Series(rest, dtype=ROW).implode()))
        for frame, rest in zip(flags, later[1:], strict=True)
    ]
    return pl.concat([clustered.cast(DECISION_SCHEMA), *overridden])


def _positions(rows: np.ndarray, wanted: np.ndarray, n: int) -> pl.Series:
    """The position in ``rows`` (distinct rows below ``n``) of each of ``wanted``, null
    where it is not there: the index that gathers ``rows``' frame in ``wanted``'s order."""
    where = np.full(n, -1, dtype=np.int64 if rows.size >= 2**31 else np.int32)
    where[rows] = np.arange(rows.size, dtype=where.dtype)
    at = where[wanted]
    del where
    return pl.Series(np.maximum(at, 0), dtype=pl.UInt32).set(pl.Series(at < 0), None)


def _update_flags(
    labels: np.ndarray, kept: np.ndarray, updates: pl.DataFrame, m: Matcher
) -> pl.DataFrame:
    """The kept document of an older version's cluster, flagged (kept) as an ``update``
    of the newer version's kept document; once per older cluster (the closest newer).
    Decisions, to take the place of the older document's (:func:`_decisions`)."""
    if updates.height == 0:
        return pl.DataFrame(schema=DECISION_SCHEMA)
    older, newer = _update_sides(updates)
    older_kept, newer_kept = kept[older], kept[newer]
    differ = labels[older] != labels[newer]
    if not differ.any():
        return pl.DataFrame(schema=DECISION_SCHEMA)
    pairs = np.stack([older_kept[differ], newer_kept[differ]], axis=1)
    pairs = np.unique(pairs, axis=0)
    judged = m.judge(pairs)
    judged = judged.filter(pl.col("relation") == verify.UPDATE)
    if judged.height == 0:
        return pl.DataFrame(schema=DECISION_SCHEMA)
    older, newer = _update_sides(judged)
    order = np.lexsort((-judged["score"].to_numpy(), older))
    first = np.concatenate(([True], older[order][1:] != older[order][:-1]))
    chosen = order[first]
    older, newer = older[chosen], newer[chosen]
    flagged = judged[chosen]
    flags = _kept_flags(
        labels,
        rows=older,
        cluster_of=kept[older],
        kind=KIND_UPDATE,
        dup_of=newer,
        similarity=flagged["shingles"],
        why=verify.why_evidence(flagged, update_of=True),
    )
    return flags


def _kept_flags(
    labels: np.ndarray,
    *,
    rows: np.ndarray,
    cluster_of: np.ndarray,
    kind: str,
    dup_of: np.ndarray,
    similarity: pl.Series,
    why: pl.DataFrame,
) -> pl.DataFrame:
    """Decisions that flag kept documents ``rows`` as ``kind`` of ``dup_of`` (``why``: the
    evidence, :func:`corpuskit.dedup.verify.why_evidence`); a row in a cluster of more
    than one document gets ``cluster_of`` as its cluster."""
    in_cluster = np.bincount(labels, minlength=labels.size)[labels[rows]] > 1
    return pl.DataFrame(
        {
            "row": pl.Series(rows, dtype=ROW),
            "cluster_row": pl.Series(cluster_of, dtype=ROW).set(pl.Series(~in_cluster), None),
            "dup_kind": pl.Series([kind] * rows.size, dtype=DUP_KINDS),
            "dup_of_row": pl.Series(dup_of, dtype=ROW),
            "similarity": similarity,
            "keep": True,
            **why.to_dict(),
        }
    ).cast(DECISION_SCHEMA)


def _page_flags(
    labels: np.ndarray, kept: np.ndarray, pages: pl.DataFrame, busy: np.ndarray
) -> pl.DataFrame:
    """Every kept page that opens with a story published on its own (a ``page`` pair)
    flagged ``contained``, naming that story's kept document; once per page (the pair
    with the most shared 3-grams), and never over another finding of the page (the
    ``busy`` rows). Decisions, to take the place of the page's (:func:`_decisions`)."""
    if pages.height == 0:
        return pl.DataFrame(schema=DECISION_SCHEMA)
    a, b = pages["a"].to_numpy(), pages["b"].to_numpy()
    usable = (kept[b] == b) & (labels[a] != labels[b]) & ~np.isin(b, busy)
    if not usable.any():
        return pl.DataFrame(schema=DECISION_SCHEMA)
    pages = pages.filter(pl.Series(usable))
    a, b = a[usable], b[usable]
    order = np.lexsort((-pages["shingles"].to_numpy(), b))
    first = order[np.concatenate(([True], b[order][1:] != b[order][:-1]))]
    flagged, a, b = pages[first], a[first], b[first]
    flags = _kept_flags(
        labels,
        rows=b,
        cluster_of=b,
        kind=KIND_CONTAINED,
        dup_of=kept[a],
        similarity=flagged["shingles"],
        why=verify.why_evidence(flagged),
    )
    return flags


def _headline_matches(judged: pl.DataFrame, options: DedupOptions) -> pl.DataFrame:
    """The judged pairs :func:`_headline_flags` reads: headline matches whose bodies
    are not copies (nor a page and its story), with their similarities, and those whose
    copy verdict a roundup may undo (``part``, which ``judged`` holds)."""
    columns = ("a", "b", "title", "shingles", "words", "part")
    if not options.headline or judged.height == 0:
        return judged.select(columns).clear()
    return judged.select(columns).filter(
        (judged["source"].to_numpy() & HEADLINE) != 0,
        (judged["relation"] != verify.COPY) | judged["part"],
        ~judged["page"],
    )


def _headline_flags(
    labels: np.ndarray,
    kept: np.ndarray,
    matches: _HeadlineMatches,
    ranking: _Ranking,
) -> pl.DataFrame:
    """Headline ``matches`` (:func:`_headline_matches`) across clusters: the document
    the keep rule would not prefer is flagged, naming the other cluster's kept
    document; once per (document, other cluster). Array operations: millions of
    matches are cheap."""
    if matches.pairs.height == 0:
        return pl.DataFrame(schema=FLAG_SCHEMA)
    a, b = matches.pairs["a"].to_numpy(), matches.pairs["b"].to_numpy()
    at = np.flatnonzero(labels[a] != labels[b])
    a, b = a[at], b[at]
    a_first = ranking.prefer(a, b)
    row = np.where(a_first, b, a)
    other = kept[np.where(a_first, a, b)]
    del a, b, a_first
    # once per (row, other cluster): the first found (a unique of one eight-byte code per
    # match gives the first occurrences); in row order (each row's flags in the order
    # found), as the write pass reads the flags of one part at a time, skipping the row
    # groups of the others
    pair = (row.astype(np.uint64) << np.uint64(32)) | other.astype(np.uint64)
    once = np.unique(pair, return_index=True)[1]
    del pair
    once = once[np.lexsort((once, row[once]))]
    if once.size == 0:
        return pl.DataFrame(schema=FLAG_SCHEMA)
    found = matches.similarities(at[once])
    return pl.DataFrame(
        {
            "row": pl.Series(row[once], dtype=ROW),
            "other_row": pl.Series(other[once], dtype=ROW),
            **found.to_dict(),
        },
        schema=FLAG_SCHEMA,
    )
