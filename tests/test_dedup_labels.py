"""Copy-cluster labels of whole days: the split, the answer format, and the committed files.

The split, answer parsing and file checks run everywhere. The joins need the real corpora
in the ``shared`` folder beside the repository and skip with a reason where it is absent.
"""

from __future__ import annotations

import json

import polars as pl
import pytest
from _benchmark_modules import load_benchmark_module

labels = load_benchmark_module("_copy_labels")
tool = load_benchmark_module("_dedup_labelling")

LABELLED = [
    (corpus, day)
    for corpus, days in labels.DAYS.items()
    for day in days
    if labels.label_path(corpus, day).exists()
]


def _day_ids(corpus: str, day: str) -> list[str]:
    if not labels.CORPORA[corpus].parquet.exists():
        pytest.skip(f"real corpora not available ({labels.CORPORA[corpus].parquet} is absent)")
    return labels.CORPORA[corpus].load_day(day)["id"].to_list()


def test_every_chosen_day_carries_the_split_of_its_hash_and_each_corpus_is_balanced():
    for corpus, days in labels.DAYS.items():
        assert {day: labels.split_of(day) for day in days} == days
        splits = list(days.values())
        assert splits.count("dev") >= 2 and splits.count("test") >= 2, corpus


def test_choose_days_walks_on_past_a_lopsided_hash_without_reassigning_a_day():
    days = [f"2015-07-{d:02d}" for d in range(1, 32)]
    tests = [d for d in days if labels.split_of(d) == "test"]
    devs = [d for d in days if labels.split_of(d) == "dev"]
    per_dev, per_test = 3, 2
    # every test day first: the walk takes its test days, skips one more, then finds dev
    ordered = tests[: per_test + 1] + devs[:per_dev]
    chosen = labels.choose_days(ordered, {"dev": per_dev, "test": per_test})
    assert all(split == labels.split_of(day) for day, split in chosen.items())
    assert sorted(chosen.values()) == ["dev"] * per_dev + ["test"] * per_test
    assert tests[per_test] not in chosen  # one test day too many is skipped, not made dev


ANSWERS = """\
## G001
G001.1 d-1 = A cable  # the head has no kind
G001.2 d-2 = A light_edit cable
G001.3 d-3 = B cable
update G001.3 G001.1 # the newer cable adds a second paragraph
same_story d-4 G001.1
"""


def test_answers_become_one_label_per_article_with_clusters_named_by_their_head():
    members, relations, errors = tool.parse_answers(ANSWERS, "answers.txt")
    assert errors == []
    ids = ["d-1", "d-2", "d-3", "d-4"]
    rows, resolved, more = tool.labels_from_answers(
        "saudinewsnet", "2015-07-26", ids, members, relations
    )
    assert more == []
    by_id = {row["id"]: row for row in rows}
    assert by_id["d-2"]["cluster"] == "d-1" and by_id["d-2"]["kind"] == "light_edit"
    assert by_id["d-1"]["kind"] is None and by_id["d-3"]["cluster"] == "d-3"
    assert by_id["d-4"] == {
        "id": "d-4",
        "day": "2015-07-26",
        "split": "dev",
        "cluster": "d-4",
        "kind": None,
        "family": None,
        "group": None,
    }
    assert resolved[0] == {
        "a": "d-3",
        "b": "d-1",
        "relation": "update",
        "note": "the newer cable adds a second paragraph",
    }
    assert labels.problems("saudinewsnet", "2015-07-26", rows, resolved, ids) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("G001.1 d-1 = ?\n", "needs a cluster letter"),
        ("G001.1 d-1 = A copy\n", "unknown word"),
        ("G001.1 d-1 = A\nG001.2 d-2 = A\n", "2 members without a kind"),
        ("G001.1 d-1 = A\nrelated d-1 d-2\n", "nor a relation"),
    ],
)
def test_a_wrong_answer_is_reported_with_its_line(text, message):
    members, relations, errors = tool.parse_answers(text, "answers.txt")
    _, _, more = tool.labels_from_answers(
        "saudinewsnet", "2015-07-26", ["d-1", "d-2"], members, relations
    )
    found = errors + more
    assert any(message in error for error in found), found


def test_problems_catch_a_missing_article_a_copy_without_kind_and_a_relation_inside_a_cluster():
    def row(article: str) -> dict:
        return {
            "id": article,
            "day": "2015-07-26",
            "split": "dev",
            "cluster": "a",
            "kind": None,
            "family": None,
            "group": "G001",
        }

    rows = [row("a"), row("b")]
    relations = [{"a": "a", "b": "b", "relation": "same_story"}]
    found = labels.problems("saudinewsnet", "2015-07-26", rows, relations, ["a", "b", "c"])
    assert any("1 articles unlabelled" in f for f in found)
    assert any("b is a copy in a without a kind" in f for f in found)
    assert any("both sides are in one cluster" in f for f in found)


def test_the_diff_view_shows_only_what_changed():
    reference = "The ministry opened the park. It has 300 trees. Visitors came."
    copy = "The ministry opened the new park. It has 300 trees."
    lines = tool.diff_view(reference, copy)
    assert lines[0].startswith("  ~ ") and "new" in lines[0]
    assert "= 1 sentence(s)" in lines[1]
    assert lines[2].startswith("  - 1 sentence(s) of the reference not here: Visitors came.")


def test_the_work_folder_is_refused_inside_the_repository(tmp_path):
    with pytest.raises(SystemExit, match="inside the repository"):
        tool.outside_repository(labels.REPO / "tests" / "data")
    assert tool.outside_repository(tmp_path) == tmp_path.resolve()


@pytest.mark.parametrize(("corpus", "day"), LABELLED)
def test_committed_labels_are_well_formed(corpus, day):
    rows = labels.read_jsonl(labels.label_path(corpus, day))
    relations = labels.read_jsonl(labels.relations_path(corpus, day))
    ids = [row["id"] for row in rows]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert labels.problems(corpus, day, rows, relations, ids) == []
    text = labels.label_path(corpus, day).read_text(encoding="utf-8")
    assert all(set(json.loads(line)) == set(labels.LABEL_KEYS) for line in text.splitlines())


def test_the_chosen_days_are_what_the_documented_walk_gives(shared_corpora):
    for corpus in labels.CORPORA:
        chosen = labels.choose_days(labels.eligible_days(corpus), labels.DAYS_PER_SPLIT[corpus])
        assert chosen == labels.DAYS[corpus]


@pytest.mark.parametrize(("corpus", "day"), LABELLED)
def test_committed_labels_cover_every_article_of_their_day(corpus, day):
    ids = _day_ids(corpus, day)
    rows = labels.read_jsonl(labels.label_path(corpus, day))
    relations = labels.read_jsonl(labels.relations_path(corpus, day))
    assert labels.problems(corpus, day, rows, relations, ids) == []


def test_a_day_loads_only_its_own_articles(shared_corpora):
    frame = labels.CORPORA["ant_corpus"].load_day("2018-05-01")
    assert frame.height > 100
    assert frame["id"].str.ends_with("-20180501").all()
    assert frame.columns == ["id", "title", "text", "outlet", "date"]
    assert frame.schema["text"] == pl.String


agreement_tool = load_benchmark_module("_dedup_agreement")


def _rows(clusters: dict[str, str], kinds: dict[str, str] | None = None) -> list[dict]:
    kinds = kinds or {}
    return [{"id": i, "cluster": c, "kind": kinds.get(i)} for i, c in clusters.items()]


def test_two_readings_that_agree_score_one_and_a_split_cluster_loses_recall():
    first = _rows({"a": "a", "b": "a", "c": "a", "d": "d"}, {"b": "verbatim", "c": "trimmed"})
    metrics, pairs, kept = agreement_tool.agreement(first, first)
    assert metrics["precision"] == metrics["recall"] == metrics["ari"] == 1.0
    assert pairs == kept == {"verbatim": 1, "trimmed": 1}
    second = _rows({"a": "a", "b": "a", "c": "c", "d": "d"})  # the trimmed copy split off
    metrics, pairs, kept = agreement_tool.agreement(first, second)
    assert metrics["precision"] == 1.0 and metrics["recall"] == pytest.approx(1 / 3)
    assert kept == {"verbatim": 1, "trimmed": 0}
    with pytest.raises(ValueError, match="first has not"):
        agreement_tool.agreement(first, _rows({"z": "z"}))


@pytest.mark.parametrize(
    "path", sorted(agreement_tool.SECOND.glob("*.jsonl")), ids=lambda p: p.stem
)
def test_second_readings_name_only_articles_of_their_first_reading(path):
    corpus, day = path.stem.split("-", 1)
    first = {r["id"]: r for r in labels.read_jsonl(labels.label_path(corpus, day))}
    second = labels.read_jsonl(path)
    assert second and all(r["id"] in first for r in second)
    assert len({r["id"] for r in second}) == len(second)
    # every cluster is named by one of its own members, its head, which has no kind
    heads = {r["cluster"] for r in second}
    by_id = {r["id"]: r for r in second}
    assert all(h in by_id and by_id[h]["kind"] is None for h in heads)
