"""Pool a news day into candidate groups of copies, write reading files, turn answers into labels.

Labelling every article of a day by comparing it with every other is not possible by
hand. Instead, a union of loose evidence links pairs that might be copies, and the
connected components of those links (single linkage) are the groups a reader reads
whole. An article in no group had no evidence of a copy at all and is labelled a
singleton without reading. The bars are set far below where copies live, so that the
pool misses almost nothing; ``below`` draws pairs just under the bars to measure that.

Evidence, on folded text (:func:`corpuskit.normalize.fold`), after dropping every
shingle that occurs in more than :data:`MAX_SHINGLE_DF` articles of the day (outlet
furniture, agency datelines, contact blocks), a pair is linked when any of:

* word 2-gram Jaccard >= :data:`WORD_JACCARD`;
* word 2-gram containment (shared / smaller set) >= :data:`WORD_CONTAINMENT` with at
  least :data:`MIN_SHARED_BIGRAMS` shared bigrams (a trimmed copy of a long article);
* character 5-gram Jaccard >= :data:`CHAR_JACCARD` (rewrites that keep phrases but
  change word boundaries, clitics, spelling);
* the titles share at least :data:`TITLE_RARE_WORDS` words that are rare among the
  day's titles (a rewritten release under a close headline).

Commands (work files go to ``--work``, default ``/work/labelling``; never the repository,
because SaudiNewsNet text must not be committed)::

    python benchmarks/_dedup_labelling.py days
    python benchmarks/_dedup_labelling.py pool saudinewsnet 2015-07-26
    python benchmarks/_dedup_labelling.py stats
    python benchmarks/_dedup_labelling.py below saudinewsnet 2015-07-26 --sample 50
    python benchmarks/_dedup_labelling.py show saudinewsnet 2015-07-26 ID [ID...]
    python benchmarks/_dedup_labelling.py build saudinewsnet 2015-07-26
    python benchmarks/_dedup_labelling.py check
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import os
import random
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import scipy.sparse as sp
from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import _copy_labels as labels

from corpuskit.dedup.clusters import components
from corpuskit.normalize import fold

WORK = Path("/work/labelling")
MAX_SHINGLE_DF = 25
WORD_JACCARD = 0.05
WORD_CONTAINMENT = 0.2
MIN_SHARED_BIGRAMS = 8
CHAR_JACCARD = 0.10
TITLE_RARE_WORDS = 3
TITLE_RARE_DF = 3  # a title word is rare when at most this many titles of the day have it
SEED = 13
LEAD_SENTENCES = 6  # sentences shown of a text, or of a run of new sentences
SENTENCE_CHARS = 300  # characters shown of one sentence

_SENTENCE = re.compile(r"(?<=[.!?؟])\s+|\n+")


# ---------------------------------------------------------------- evidence and pooling


def _incidence(sets: list[set]) -> sp.csr_matrix:
    """Binary article x feature matrix of a list of feature sets."""
    vocabulary: dict = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, features in enumerate(sets):
        for feature in features:
            rows.append(row)
            cols.append(vocabulary.setdefault(feature, len(vocabulary)))
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix((data, (rows, cols)), shape=(len(sets), max(len(vocabulary), 1)))


def _overlap(sets: list[set], max_df: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairwise (shared, jaccard, containment) of feature sets, frequent features dropped."""
    matrix = _incidence(sets)
    df = np.asarray(matrix.sum(axis=0)).ravel()
    matrix = matrix[:, df <= max_df]
    size = np.asarray(matrix.sum(axis=1)).ravel()
    shared = (matrix @ matrix.T).toarray()
    np.fill_diagonal(shared, 0)
    union = size[:, None] + size[None, :] - shared
    smaller = np.minimum(size[:, None], size[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, shared / union, 0.0)
        containment = np.where(smaller > 0, shared / smaller, 0.0)
    return shared, jaccard, containment


def word_bigrams(folded: str) -> set[tuple[str, str]]:
    """Word 2-grams of a folded text."""
    words = folded.split()
    return set(itertools.pairwise(words))


def char_grams(folded: str, size: int = 5) -> set[str]:
    """Character ``size``-grams of a folded text (spaces included)."""
    return {folded[i : i + size] for i in range(len(folded) - size + 1)}


@dataclass
class Evidence:
    """Pairwise evidence over the articles of one day (dense ``n x n`` arrays)."""

    word_shared: np.ndarray
    word_jaccard: np.ndarray
    word_containment: np.ndarray
    char_jaccard: np.ndarray
    title_rare: np.ndarray

    @classmethod
    def of(cls, day: pl.DataFrame) -> Evidence:
        texts = [fold(text) for text in day["text"]]
        titles = [set(fold(title).split()) for title in day["title"]]
        word_shared, word_jaccard, word_containment = _overlap(
            [word_bigrams(t) for t in texts], MAX_SHINGLE_DF
        )
        _, char_jaccard, _ = _overlap([char_grams(t) for t in texts], MAX_SHINGLE_DF)
        long_titles = [{w for w in words if len(w) > 2} for words in titles]
        title_rare, _, _ = _overlap(long_titles, TITLE_RARE_DF)
        return cls(word_shared, word_jaccard, word_containment, char_jaccard, title_rare)

    def linked(self, scale: float = 1.0) -> np.ndarray:
        """Pairs over the bars (each bar multiplied by ``scale``), a boolean matrix."""
        return (
            (self.word_jaccard >= WORD_JACCARD * scale)
            | (
                (self.word_containment >= WORD_CONTAINMENT * scale)
                & (self.word_shared >= MIN_SHARED_BIGRAMS)
            )
            | (self.char_jaccard >= CHAR_JACCARD * scale)
            | (self.title_rare >= TITLE_RARE_WORDS)
        )

    def describe(self, i: int, j: int) -> str:
        """The evidence of one pair, for a reader."""
        return (
            f"w2 {self.word_jaccard[i, j]:.2f} · c5 {self.char_jaccard[i, j]:.2f} · "
            f"contained {self.word_containment[i, j]:.2f} · rare title words {int(self.title_rare[i, j])}"
        )


def pool(day: pl.DataFrame, evidence: Evidence) -> list[list[int]]:
    """Groups (row indices) of two or more linked articles: largest first, then by first id."""
    upper = np.argwhere(np.triu(evidence.linked(), 1))
    component = components(day.height, upper)
    members: dict[int, list[int]] = {}
    for row, label in enumerate(component):
        members.setdefault(int(label), []).append(row)
    groups = [rows for rows in members.values() if len(rows) > 1]
    ids = day["id"].to_list()
    return sorted(groups, key=lambda rows: (-len(rows), ids[rows[0]]))


def reading_order(
    rows: list[int], day: pl.DataFrame, evidence: Evidence
) -> list[tuple[int, int | None]]:
    """Members in reading order with the earlier member each is compared with.

    The longest text first; then, repeatedly, the unplaced member most similar (character
    5-gram Jaccard) to any placed one, compared with that one. Copies come out side by side.
    """
    lengths = day["text"].str.len_chars().to_numpy()
    first = max(rows, key=lambda r: (lengths[r], -r))
    order: list[tuple[int, int | None]] = [(first, None)]
    placed = [first]
    rest = [r for r in rows if r != first]
    while rest:
        _, _, pick, ref = max((evidence.char_jaccard[r, p], -r, r, p) for r in rest for p in placed)
        order.append((pick, ref))
        placed.append(pick)
        rest.remove(pick)
    return order


# ---------------------------------------------------------------- reading files


def sentences(text: str) -> list[str]:
    """Sentences and lines of a text, stripped, empty ones dropped."""
    return [part.strip() for part in _SENTENCE.split(text) if part and part.strip()]


def clip(sentence: str, limit: int = SENTENCE_CHARS) -> str:
    """A sentence cut to ``limit`` characters (an ellipsis marks the cut)."""
    return sentence if len(sentence) <= limit else sentence[:limit] + " …"


def lead_view(text: str, count: int = LEAD_SENTENCES) -> list[str]:
    """The first ``count`` sentences and the last one, each clipped."""
    parts = sentences(text)
    if len(parts) <= count + 1:
        return [f"  {clip(s)}" for s in parts]
    hidden = len(parts) - count - 1
    return [
        *(f"  {clip(s)}" for s in parts[:count]),
        f"  [… {hidden} sentence(s) not shown; 'show' prints the whole text …]",
        f"  {clip(parts[-1])}",
    ]


def word_change(old: str, new: str) -> str:
    """The words that differ between two versions of a sentence, as ``[old → new]`` spans."""
    a, b = old.split(), new.split()
    spans = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            spans.append(f"[{' '.join(a[a0:a1])} → {' '.join(b[b0:b1])}]")
    return " ".join(spans)


def diff_view(reference: str, text: str) -> list[str]:
    """``text`` as an edit of ``reference``, sentence by sentence, for quick reading.

    ``=`` counts sentences equal after folding; ``~`` shows only the words of a sentence
    that changed a little; ``+`` shows sentences only in ``text`` (the first
    :data:`LEAD_SENTENCES` of each run); ``-`` counts the reference's sentences missing here,
    with their first words.
    """
    old, new = sentences(reference), sentences(text)
    old_keys, new_keys = [fold(s) for s in old], [fold(s) for s in new]
    lines: list[str] = []

    def added(indices: range) -> None:
        shown = list(indices)[:LEAD_SENTENCES]
        lines.extend(f"  + {clip(new[b])}" for b in shown)
        if len(indices) > len(shown):
            lines.append(f"  + [… {len(indices) - len(shown)} more new sentence(s) …]")

    def removed(indices: range) -> None:
        if len(indices):
            starts = " | ".join(" ".join(old[a].split()[:5]) for a in list(indices)[:4])
            more = " | …" if len(indices) > 4 else ""
            lines.append(
                f"  - {len(indices)} sentence(s) of the reference not here: {starts}{more}"
            )

    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            lines.append(f"  = {b1 - b0} sentence(s) as in the reference")
        elif (
            op == "replace"
            and a1 - a0 == b1 - b0
            and all(
                fuzz.ratio(old_keys[a], new_keys[b]) >= 60
                for a, b in zip(range(a0, a1), range(b0, b1), strict=True)
            )
        ):
            for a, b in zip(range(a0, a1), range(b0, b1), strict=True):
                lines.append(f"  ~ {clip(word_change(old[a], new[b]))}")
        else:
            removed(range(a0, a1))
            added(range(b0, b1))
    return lines


def _member_ref(group: int, position: int) -> str:
    return f"G{group:03d}.{position}"


def render_group(
    number: int, rows: list[int], day: pl.DataFrame, evidence: Evidence
) -> tuple[list[str], list[str]]:
    """The reading text of one group and its answer-file lines."""
    records = day.to_dicts()
    order = reading_order(rows, day, evidence)
    position = {row: k + 1 for k, (row, _) in enumerate(order)}
    folded = {row: fold(records[row]["text"]) for row in rows}
    read = [f"## G{number:03d} · {len(rows)} members", ""]
    answer = [f"## G{number:03d}"]
    for row, ref in order:
        rec = records[row]
        ref_name = _member_ref(number, position[ref]) if ref is not None else None
        words = len(folded[row].split())
        read.append(
            f"### {_member_ref(number, position[row])} · {rec['id']} · {rec['outlet']} · "
            f"{rec['date']} · {words} words"
        )
        read.append(f"TITLE: {rec['title'].strip()}")
        if ref is None:
            read.append("TEXT:")
            read.extend(lead_view(rec["text"]))
        else:
            read.append(f"closest {ref_name}: {evidence.describe(row, ref)}")
            if folded[row] == folded[ref]:
                read.append(f"TEXT: identical to {ref_name} after folding")
            else:
                read.append(f"TEXT as an edit of {ref_name}:")
                read.extend(diff_view(records[ref]["text"], rec["text"]))
        read.append("")
        answer.append(f"{_member_ref(number, position[row])} {rec['id']} = ?")
    return read, answer


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def outside_repository(work: Path) -> Path:
    """``work`` resolved; refuses a folder inside the repository (no corpus text there)."""
    resolved = work.resolve()
    if resolved == labels.REPO or labels.REPO in resolved.parents:
        raise SystemExit(f"--work {work} is inside the repository; corpus text must stay outside")
    return resolved


def day_folder(work: Path, corpus: str, day: str) -> Path:
    return outside_repository(work) / f"{corpus}-{day}"


def write_pool(corpus: str, day: str, work: Path) -> dict:
    """Write ``groups.md`` (reading) and ``answers.txt`` (to fill) for one day; return stats."""
    frame = labels.CORPORA[corpus].load_day(day)
    evidence = Evidence.of(frame)
    groups = pool(frame, evidence)
    split = labels.DAYS[corpus][day]
    stats = pool_stats(frame, groups)
    head = (
        f"# {corpus} {day} ({split}): {stats['groups']} groups, "
        f"{stats['in_groups']} of {stats['articles']} articles\n\n"
        "Guide: tests/data/dedup_labels/GUIDE.md. Fill answers.txt in this folder, then run\n"
        f"`python benchmarks/_dedup_labelling.py build {corpus} {day}`.\n"
    )
    read_lines = [head]
    answer_lines = [
        f"# {corpus} {day} ({split}) answers. One line per member: '<ref> <id> = <letter> "
        "[kind] [family]'.",
        "# Relations: 'update NEWER OLDER', 'same_story A B', 'contains WHOLE PART' "
        "(refs or ids), then an optional '# note'.",
        "",
    ]
    for number, rows in enumerate(groups, start=1):
        read, answer = render_group(number, rows, frame, evidence)
        read_lines.extend(read)
        answer_lines.extend([*answer, ""])
    folder = day_folder(work, corpus, day)
    write_atomically(folder / "groups.md", "\n".join(read_lines) + "\n")
    answers = folder / "answers.txt"
    if answers.exists():
        print(f"kept the existing {answers} (remove it to start again)")
    else:
        write_atomically(answers, "\n".join(answer_lines) + "\n")
    return stats


def pool_stats(frame: pl.DataFrame, groups: list[list[int]]) -> dict:
    """How many groups, how many articles in them, and the group size distribution."""
    sizes = sorted((len(rows) for rows in groups), reverse=True)
    bins = {"2": 0, "3-5": 0, "6-10": 0, "11-20": 0, ">20": 0}
    for size in sizes:
        key = (
            "2"
            if size == 2
            else "3-5"
            if size <= 5
            else "6-10"
            if size <= 10
            else "11-20"
            if size <= 20
            else ">20"
        )
        bins[key] += 1
    return {
        "articles": frame.height,
        "groups": len(groups),
        "in_groups": sum(sizes),
        "largest": sizes[0] if sizes else 0,
        "sizes": bins,
    }


# ---------------------------------------------------------------- the miss estimate


def below_bar_pairs(frame: pl.DataFrame, evidence: Evidence, groups: list[list[int]]) -> np.ndarray:
    """Pairs in different groups that clear the bars at half their height (``i < j``)."""
    group_of = np.arange(frame.height) + frame.height
    for number, rows in enumerate(groups):
        group_of[rows] = number
    near = evidence.linked(scale=0.5) & ~evidence.linked()
    near &= group_of[:, None] != group_of[None, :]
    return np.argwhere(np.triu(near, 1))


def write_below(corpus: str, day: str, work: Path, sample: int) -> int:
    """Write a fixed-seed sample of below-bar pairs for reading; return how many there were."""
    frame = labels.CORPORA[corpus].load_day(day)
    evidence = Evidence.of(frame)
    pairs = below_bar_pairs(frame, evidence, pool(frame, evidence))
    picked = sorted(random.Random(SEED).sample(range(len(pairs)), min(sample, len(pairs))))
    records = frame.to_dicts()
    lines = [
        f"# {corpus} {day}: {len(picked)} of {len(pairs)} pairs just under the pooling bars",
        "",
    ]
    answers = ["# per pair: copy | update | same_story | contains | different", ""]
    for k, index in enumerate(picked, start=1):
        i, j = (int(x) for x in pairs[index])
        a, b = records[i], records[j]
        lines.append(f"## P{k:02d} · {evidence.describe(i, j)}")
        lines.append(f"A {a['id']} · {a['outlet']} · TITLE: {a['title'].strip()}")
        lines.extend(lead_view(a["text"], 3))
        lines.append(f"B {b['id']} · {b['outlet']} · TITLE: {b['title'].strip()}")
        lines.extend(lead_view(b["text"], 3))
        lines.append("")
        answers.append(f"P{k:02d} {a['id']} {b['id']} = ?")
    folder = day_folder(work, corpus, day)
    write_atomically(folder / "below.md", "\n".join(lines) + "\n")
    if not (folder / "below-answers.txt").exists():
        write_atomically(folder / "below-answers.txt", "\n".join(answers) + "\n")
    return len(pairs)


# ---------------------------------------------------------------- answers -> labels

_MEMBER = re.compile(r"^(G\d{3}\.\d+)\s+(\S+)\s*=\s*(.*)$")
_RELATION = re.compile(r"^(update|same_story|contains)\s+(\S+)\s+(\S+)$")
_LETTER = re.compile(r"[A-Z]{1,2}")


def parse_answers(text: str, source: str) -> tuple[list[dict], list[dict], list[str]]:
    """Member answers, relations and error messages (each naming ``source`` and the line)."""
    members: list[dict] = []
    relations: list[dict] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line, _, comment = raw.partition("#")
        line = line.strip()
        where = f"{source}:{number}"
        if not line:
            continue
        if match := _MEMBER.match(line):
            ref, article, answer = match.groups()
            tokens = answer.split()
            if not tokens or not _LETTER.fullmatch(tokens[0]):
                errors.append(
                    f"{where}: {ref} needs a cluster letter (A-Z, AA-ZZ), found {answer!r}"
                )
                members.append(
                    {"ref": ref, "id": article, "group": ref.split(".")[0], "letter": None}
                )
                continue
            words = tokens[1:]
            unknown = [w for w in words if w not in labels.KINDS and w not in labels.FAMILIES]
            if unknown:
                errors.append(
                    f"{where}: {ref}: unknown word(s) {unknown}; kinds are {labels.KINDS}, "
                    f"families {labels.FAMILIES}"
                )
            members.append(
                {
                    "ref": ref,
                    "id": article,
                    "group": ref.split(".")[0],
                    "letter": tokens[0],
                    "kind": next((w for w in words if w in labels.KINDS), None),
                    "family": next((w for w in words if w in labels.FAMILIES), None),
                }
            )
        elif match := _RELATION.match(line):
            relation, a, b = match.groups()
            pair = {"a": a, "b": b, "relation": relation}
            if comment.strip():
                pair["note"] = comment.strip()
            relations.append(pair)
        else:
            errors.append(
                f"{where}: not a member line '<ref> <id> = <letter> ...' nor a relation: {raw!r}"
            )
    return members, relations, errors


def labels_from_answers(
    corpus: str, day: str, ids: list[str], members: list[dict], relations: list[dict]
) -> tuple[list[dict], list[dict], list[str]]:
    """Label rows for every article of the day and relations with ids, plus errors."""
    errors: list[str] = []
    split = labels.DAYS[corpus][day]
    by_ref = {m["ref"]: m for m in members}
    heads: dict[tuple[str, str], list[dict]] = {}
    members = [m for m in members if m["letter"] is not None]
    for member in members:
        heads.setdefault((member["group"], member["letter"]), []).append(member)
    cluster_of: dict[tuple[str, str], str] = {}
    for key, cluster in heads.items():
        unkinded = [m for m in cluster if m["kind"] is None]
        if len(unkinded) != 1:
            errors.append(
                f"{key[0]} cluster {key[1]}: {len(unkinded)} members without a kind; exactly one "
                "(the most complete member) has none, every copy has its kind"
            )
        cluster_of[key] = (unkinded or cluster)[0]["id"]
    answered = {m["id"]: m for m in members}
    rows = []
    for article in ids:
        member = answered.get(article)
        if member is None:
            rows.append(
                {
                    "id": article,
                    "day": day,
                    "split": split,
                    "cluster": article,
                    "kind": None,
                    "family": None,
                    "group": None,
                }
            )
            continue
        rows.append(
            {
                "id": article,
                "day": day,
                "split": split,
                "cluster": cluster_of[(member["group"], member["letter"])],
                "kind": member["kind"],
                "family": member["family"],
                "group": member["group"],
            }
        )
    resolved = []
    for pair in relations:
        out = dict(pair)
        for side in ("a", "b"):
            out[side] = by_ref[pair[side]]["id"] if pair[side] in by_ref else pair[side]
        resolved.append(out)
    return rows, resolved, errors


def pool_mismatches(frame: pl.DataFrame, members: list[dict], source: str) -> list[str]:
    """Answers that do not match the day's pool: every pooled article answered once, in its group."""
    ids = frame["id"].to_list()
    expected = {
        ids[row]: f"G{number:03d}"
        for number, rows in enumerate(pool(frame, Evidence.of(frame)), start=1)
        for row in rows
    }
    answered = {m["id"]: m["group"] for m in members}
    errors = [
        f"{source}: {m['ref']} names {m['id']}, which the pool puts in {expected.get(m['id'], 'no group')}"
        for m in members
        if expected.get(m["id"]) != m["group"]
    ]
    unanswered = sorted(set(expected) - set(answered))
    if unanswered:
        errors.append(
            f"{source}: {len(unanswered)} pooled articles have no answer line, e.g. {unanswered[:3]}"
        )
    return errors


def build(corpus: str, day: str, work: Path) -> int:
    """Turn a day's ``answers.txt`` into its label files (written only when valid)."""
    answers = day_folder(work, corpus, day) / "answers.txt"
    if not answers.exists():
        print(f"{answers} does not exist; run 'pool {corpus} {day}' first", file=sys.stderr)
        return 2
    frame = labels.CORPORA[corpus].load_day(day)
    ids = frame["id"].to_list()
    members, relations, errors = parse_answers(answers.read_text(encoding="utf-8"), str(answers))
    errors += pool_mismatches(frame, members, str(answers))
    rows, resolved, more = labels_from_answers(corpus, day, ids, members, relations)
    errors += more
    errors += labels.problems(corpus, day, rows, resolved, ids)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        print(f"{len(errors)} problem(s); nothing written", file=sys.stderr)
        return 2
    write_atomically(
        labels.label_path(corpus, day),
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
    )
    write_atomically(
        labels.relations_path(corpus, day),
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in resolved),
    )
    clusters = len({r["cluster"] for r in rows})
    print(
        f"{corpus} {day}: {len(rows)} articles, {clusters} clusters, {len(resolved)} relations written"
    )
    return 0


def check_all() -> int:
    """Validate every label file in the labels folder against its day of the corpus."""
    status = 0
    for corpus, days in labels.DAYS.items():
        for day in days:
            path = labels.label_path(corpus, day)
            if not path.exists():
                print(f"{corpus} {day}: not labelled yet")
                continue
            relations = (
                labels.read_jsonl(labels.relations_path(corpus, day))
                if labels.relations_path(corpus, day).exists()
                else []
            )
            frame = labels.CORPORA[corpus].load_day(day)
            rows = labels.read_jsonl(path)
            found = labels.problems(corpus, day, rows, relations, frame["id"].to_list())
            read = [
                {"ref": f"{r['group']}.?", "id": r["id"], "group": r["group"]}
                for r in rows
                if r["group"]
            ]
            found += pool_mismatches(frame, read, str(path))
            print(f"{corpus} {day}: {'ok' if not found else f'{len(found)} problem(s)'}")
            for message in found:
                print("  " + message)
            status = status or (2 if found else 0)
    return status


# ---------------------------------------------------------------- command line


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--work", type=Path, default=WORK, help="folder for reading and answer files"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("days", help="the eligible days in preference order and the chosen split")
    for name in ("pool", "build"):
        sub = commands.add_parser(name)
        sub.add_argument("corpus", choices=sorted(labels.CORPORA))
        sub.add_argument("day")
    stats = commands.add_parser("stats", help="pool statistics of every chosen day")
    stats.add_argument("--json", action="store_true")
    below = commands.add_parser("below", help="sample pairs just under the bars for reading")
    below.add_argument("corpus", choices=sorted(labels.CORPORA))
    below.add_argument("day")
    below.add_argument("--sample", type=int, default=50)
    show = commands.add_parser("show", help="print articles whole")
    show.add_argument("corpus", choices=sorted(labels.CORPORA))
    show.add_argument("day")
    show.add_argument("ids", nargs="+")
    commands.add_parser("check", help="validate every committed label file")
    args = parser.parse_args()

    if (
        args.command in ("pool", "build", "below", "show")
        and args.day not in labels.DAYS[args.corpus]
    ):
        print(
            f"{args.day} is not a chosen {args.corpus} day: {sorted(labels.DAYS[args.corpus])}",
            file=sys.stderr,
        )
        return 2
    if args.command == "days":
        for corpus in labels.CORPORA:
            ordered = labels.eligible_days(corpus)
            print(
                corpus,
                "preference order:",
                " ".join(f"{d}:{labels.split_of(d)}" for d in ordered[:20]),
            )
            print(corpus, "chosen:", labels.choose_days(ordered, labels.DAYS_PER_SPLIT[corpus]))
        return 0
    if args.command == "pool":
        stats = write_pool(args.corpus, args.day, args.work)
        print(json.dumps(stats), "->", day_folder(args.work, args.corpus, args.day))
        return 0
    if args.command == "stats":
        for corpus, days in labels.DAYS.items():
            for day, split in days.items():
                frame = labels.CORPORA[corpus].load_day(day)
                stats = pool_stats(frame, pool(frame, Evidence.of(frame)))
                print(f"{corpus} {day} {split} {json.dumps(stats)}")
        return 0
    if args.command == "below":
        total = write_below(args.corpus, args.day, args.work, args.sample)
        print(
            f"{total} below-bar pairs; sample in {day_folder(args.work, args.corpus, args.day) / 'below.md'}"
        )
        return 0
    if args.command == "show":
        frame = labels.CORPORA[args.corpus].load_day(args.day).filter(pl.col("id").is_in(args.ids))
        for rec in frame.iter_rows(named=True):
            print(
                f"# {rec['id']} · {rec['outlet']} · {rec['date']}\nTITLE: {rec['title']}\n{rec['text']}\n"
            )
        return 0
    if args.command == "build":
        return build(args.corpus, args.day, args.work)
    return check_all()


if __name__ == "__main__":
    raise SystemExit(main())
