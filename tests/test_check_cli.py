"""``corpuskit check`` through the CLI: exit codes 0/1/2, formats, allow-lists, the index."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpuskit.cli.check import check

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "seeds" / "ant_sample.jsonl"
BAD = REPO / "seeds" / "incoming_bad.jsonl"
SCHEMAS = REPO / "tests" / "data" / "schemas"


def _articles(n: int, start: int = 0) -> list[dict]:
    if not SAMPLE.is_file():
        pytest.skip(f"bundled sample {SAMPLE} is absent")
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[start : start + n]
    return [json.loads(line) for line in lines]


def _write_jsonl(path: Path, records: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(*args: str | Path):
    return CliRunner().invoke(check, [str(a) for a in args], catch_exceptions=False)


def _json_report(*args: str | Path) -> tuple[int, dict]:
    result = _run(*args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def short_doc() -> dict:
    # a real headline with a one-sentence body: too short to be an article (a warning)
    article = _articles(1)[0]
    return {"id": "short-1", "title": article["title"], "text": "خبر عاجل قصير."}


def test_real_articles_pass_at_the_default_level(tmp_path):
    path = _write_jsonl(tmp_path / "new.jsonl", _articles(5))
    code, report = _json_report(path)
    assert report["summary"]["documents"] == 5
    assert report["summary"]["by_severity"]["error"] == 0
    assert code == 0


def test_malformed_line_fails_and_points_at_its_line(tmp_path):
    path = _write_jsonl(tmp_path / "new.jsonl", [*_articles(2), '{"id": "cut", "text": "نص'])
    code, report = _json_report(path)
    assert code == 1
    bad = [f for f in report["findings"] if f["code"] == "IO001"]
    assert [(f["file"], f["line"], f["severity"]) for f in bad] == [(str(path), 3, "error")]


def test_fail_on_never_exits_zero_even_with_errors(tmp_path):
    path = _write_jsonl(tmp_path / "new.jsonl", ['{"broken'])
    assert _run(path, "--fail-on", "never").exit_code == 0
    assert _run(path).exit_code == 1


def test_fail_on_warning_catches_what_error_lets_through(tmp_path, short_doc):
    path = _write_jsonl(tmp_path / "new.jsonl", [short_doc])
    code, report = _json_report(path)
    codes = {f["code"]: f["severity"] for f in report["findings"]}
    assert codes.get("Q002") == "warning"
    assert code == 0
    assert _run(path, "--fail-on", "warning").exit_code == 1


def test_allow_list_suppresses_and_is_counted(tmp_path, short_doc):
    allowed = {**short_doc, "corpuskit_allow": "Q"}
    path = _write_jsonl(tmp_path / "new.jsonl", [allowed])
    code, report = _json_report(path, "--fail-on", "info")
    assert code == 0
    assert report["summary"]["suppressed_by_code"].get("Q002") == 1
    assert report["summary"]["findings"] == sum(
        1 for f in report["findings"] if not f["suppressed"]
    )
    human = _run(path, "--fail-on", "info").output
    assert "suppressed by allow-lists" in human


def test_config_severity_override_and_cli_ignore(tmp_path, short_doc):
    path = _write_jsonl(tmp_path / "new.jsonl", [short_doc])
    config = tmp_path / "corpuskit.toml"
    config.write_text('[validate]\nseverity = { Q002 = "error" }\n', encoding="utf-8")
    assert _run(path, "--config", config).exit_code == 1
    assert _run(path, "--config", config, "--ignore", "Q002,Q010").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["missing.jsonl"],
        [],
        ["--format", "yaml", "x.jsonl"],
        ["--fail-on", "fatal", "x.jsonl"],
    ],
    ids=["missing-input", "no-input", "bad-format", "bad-fail-on"],
)
def test_usage_and_input_problems_exit_2(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(check, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_invalid_config_exits_2_with_a_message(tmp_path):
    path = _write_jsonl(tmp_path / "new.jsonl", _articles(1))
    config = tmp_path / "bad.toml"
    config.write_text("[validate]\nselekt = ['Q']\n", encoding="utf-8")
    result = CliRunner().invoke(check, [str(path), "--config", str(config)])
    assert result.exit_code == 2
    assert "selekt" in result.output


def test_parquet_findings_point_at_rows(tmp_path, short_doc):
    records = [*_articles(2), short_doc]
    path = tmp_path / "new.parquet"
    pl.DataFrame(records).select("id", "title", "text").write_parquet(path)
    _, report = _json_report(path, "--fail-on", "never")
    short = [f for f in report["findings"] if f["doc_id"] == "short-1"]
    assert short and all((f["location"], f["line"]) == ("row", 3) for f in short)


def test_sarif_from_the_cli_is_schema_valid(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    result = _run(BAD, "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(schema).validate(log)
    lines = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in log["runs"][0]["results"]
    }
    assert 2 in lines  # the truncated JSON record is line 2 of the sample


def test_junit_from_the_cli_is_schema_valid(tmp_path):
    etree = pytest.importorskip("lxml.etree")
    xsd = etree.XMLSchema(etree.parse(str(SCHEMAS / "junit-10.xsd")))
    out = tmp_path / "report.xml"
    result = _run(BAD, "--format", "junit", "--output", out)
    assert result.exit_code == 1
    document = etree.parse(str(out))
    assert xsd.validate(document), xsd.error_log
    (suite,) = document.getroot().findall("testsuite")
    assert suite.get("tests") == "6"
    assert int(suite.get("failures")) >= 1


def test_github_annotations_from_the_cli(tmp_path):
    result = _run(BAD, "--format", "github")
    assert "FAILED" in result.stderr  # the verdict goes to the log, not into the commands
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert any(",line=2," in line and "IO001" in line for line in lines)


def test_human_output_is_plain_when_not_a_terminal():
    result = _run(BAD)
    assert "\x1b[" not in result.output
    assert result.output.splitlines()[0].endswith("incoming_bad.jsonl")


def test_index_lookup_reports_the_copied_id(tmp_path):
    index_module = pytest.importorskip("corpuskit.dedup.index", reason="dedup index not built yet")
    existing = _articles(40)
    corpus = pl.DataFrame(existing).select("id", "title", "text", "source", "url", "date")
    index_path = tmp_path / "corpus.idx"
    from corpuskit.config import DedupOptions

    index_module.build_index(corpus, index_path, options=DedupOptions())
    original = existing[17]
    copied = {
        "id": "incoming-copy",
        "title": original["title"],
        "text": original["text"].replace("،", ","),  # same article, trivially edited
    }
    fresh = _articles(1, start=200)[0]
    path = _write_jsonl(tmp_path / "new.jsonl", [fresh, copied])
    code, report = _json_report(path, "--against", index_path)
    dups = [f for f in report["findings"] if f["code"] == "IDX001"]
    assert [(f["doc_id"], f["match_id"], f["line"]) for f in dups] == [
        ("incoming-copy", original["id"], 2)
    ]
    assert dups[0]["similarity"] > 0.8
    assert original["id"] in dups[0]["message"]
    assert code == 1

    # the same copy marked as an update of the indexed article goes through, counted
    update = {**copied, "corpuskit_allow": ["IDX001"]}
    path = _write_jsonl(tmp_path / "update.jsonl", [fresh, update])
    code, report = _json_report(path, "--against", index_path)
    assert report["summary"]["suppressed_by_code"] == {"IDX001": 1}
    assert code == 0


def test_missing_index_exits_2(tmp_path):
    pytest.importorskip("corpuskit.dedup.index", reason="dedup index not built yet")
    path = _write_jsonl(tmp_path / "new.jsonl", _articles(1))
    result = CliRunner().invoke(check, [str(path), "--against", str(tmp_path / "nope.idx")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


# --- where a finding is in a text file, -q, unknown codes ------------------------------

SEED_SHAPED = (
    "البنتاجون: موظفو الدولة الإسلامية يفرون من معقلها في سوريا\n"  # line 1: the title
    "قال مسؤول بوزارة الدفاع الأمريكية يوم الجمعة إن موظفي التنظيم بدأوا يفرون من الرقة.\n"
    "وأبلغ المتحدث باسم البنتاجون الصحفيين أن كثيرا من مديريهم يغادرون المدينة الآن.\n"
    "ولم يحدد عدد أعضاء التنظيم الذين يغادرون المدينة أو الأدوار التي يقومون بها.\n"
    "مواضيع ذات صلة\n"  # line 5: a related-links header standing alone
    "وقال تحالف لمقاتلين من الأكراد والعرب إنه يشن هجمات جديدة على التنظيم في سوريا.\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_findings_in_a_text_file_point_at_their_line_of_the_file(tmp_path, newline):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "article.txt").write_bytes(SEED_SHAPED.replace("\n", newline).encode("utf-8"))
    _, report = _json_report(folder, "--fail-on", "never")
    header = [f for f in report["findings"] if f["code"] == "BP101"]
    assert [(f["line"], f["location"], f["excerpt"]) for f in header] == [
        (5, "line", "مواضيع ذات صلة")
    ]
    human = _run(folder, "--fail-on", "never").output
    assert "line 5 " in human and "line 1 " not in human


def test_quiet_prints_findings_without_the_summary(tmp_path, short_doc):
    path = _write_jsonl(tmp_path / "new.jsonl", [short_doc])
    loud = _run(path, "--fail-on", "warning")
    quiet = _run(path, "--fail-on", "warning", "-q")
    assert quiet.exit_code == loud.exit_code == 1
    assert "Checked 1 document" in loud.output
    assert "Checked" not in quiet.output and "FAILED" not in quiet.output
    assert "Q002" in quiet.output
    machine = _run(path, "--format", "json", "--quiet")
    assert machine.stderr == "" and json.loads(machine.stdout)["summary"]["documents"] == 1


@pytest.mark.parametrize(
    ("option", "value", "suggested"),
    [("--select", "ZZ999", None), ("--ignore", "Q0022", "Q002"), ("--select", "qualty", "quality")],
)
def test_an_unknown_code_on_the_command_line_exits_2_with_the_closest(
    tmp_path, option, value, suggested
):
    path = _write_jsonl(tmp_path / "new.jsonl", _articles(1))
    result = CliRunner().invoke(check, [str(path), option, value])
    assert result.exit_code == 2
    assert f"{option}: {value!r} names no code" in result.output
    if suggested:
        assert f"did you mean {suggested}" in result.output
    assert "corpuskit rules list" in result.output


def test_prefixes_and_categories_stay_valid_selectors(tmp_path):
    path = _write_jsonl(tmp_path / "new.jsonl", _articles(1))
    for args in (["--select", "BP,Q"], ["--select", "quality"], ["--ignore", "IDX,DUP,IO"]):
        assert _run(path, *args).exit_code == 0, args


def test_an_unknown_code_in_the_config_exits_2_naming_the_file(tmp_path):
    path = _write_jsonl(tmp_path / "new.jsonl", _articles(1))
    config = tmp_path / "corpuskit.toml"
    config.write_text('[validate]\nselect = ["ZZ999"]\n', encoding="utf-8")
    result = CliRunner().invoke(check, [str(path), "--config", str(config)])
    assert result.exit_code == 2
    assert f"{config}: [validate] select: 'ZZ999' names no code" in result.output


def test_a_malformed_line_says_where_once(tmp_path):
    path = _write_jsonl(tmp_path / "new.jsonl", ['{"id": "cut", "text": "an unterminated string'])
    _, report = _json_report(path, "--fail-on", "never")
    (bad,) = [f for f in report["findings"] if f["code"] == "IO001"]
    assert "Unterminated string starting at column 23" in bad["excerpt"]
    assert "at at" not in bad["excerpt"]
