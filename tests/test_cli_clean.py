"""``corpuskit clean`` through the command line, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from corpuskit.cli import main
from tests._rule_files import ADVERT_RULE
from tests.conftest import SEED_DOCUMENT, SEEDS

OUTPUTS = (
    "clean.parquet",
    "rejected.parquet",
    "findings.parquet",
    "summary.json",
    "report.html",
    ".corpuskit-output",
)


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


# Distinct short stories, so that no two synthetic articles are near duplicates.
STORIES = [
    "افتتح أمير المنطقة الشرقية مستشفى جديدا بسعة ثلاثمئة سرير يخدم سكان المحافظات الشمالية. وأكد مدير الشؤون الصحية أن المستشفى يضم أقساما متخصصة في جراحة القلب وعلاج الأورام.",
    "ارتفع المؤشر العام لسوق الأسهم في ختام تعاملات الأسبوع بدعم من قطاع المصارف والبتروكيماويات. وبلغت قيمة التداولات أكثر من خمسة مليارات ريال وسط تفاؤل المستثمرين.",
    "فاز فريق الهلال على ضيفه النصر بهدفين مقابل هدف في مباراة مثيرة على ملعب الملك فهد الدولي. وسجل المهاجم البرازيلي هدف الفوز في الدقائق الأخيرة من اللقاء.",
    "أعلنت هيئة الأرصاد عن موجة حر تضرب المناطق الوسطى خلال الأيام المقبلة مع درجات حرارة تتجاوز الخمسين. ودعت المواطنين إلى تجنب التعرض المباشر لأشعة الشمس وقت الظهيرة.",
    "وقعت وزارة التعليم اتفاقية مع جامعة عالمية لتدريب المعلمين على أساليب التدريس الحديثة. وتشمل الاتفاقية برامج للتعليم عن بعد وتطوير المناهج في مراحل التعليم العام.",
    "اكتشف علماء الآثار مدينة قديمة تحت رمال الصحراء تعود إلى أكثر من ثلاثة آلاف عام. وعثر الفريق على نقوش وأوان فخارية تكشف عن حياة السكان وتجارتهم مع الممالك المجاورة.",
    "أطلقت شركة الاتصالات خدمة الجيل الخامس في عشر مدن جديدة بعد نجاح المرحلة التجريبية. وقال الرئيس التنفيذي إن الشبكة ستغطي معظم المناطق المأهولة بنهاية العام المقبل.",
    "شهد معرض الكتاب الدولي إقبالا كبيرا من الزوار في يومه الأول بمشاركة خمسمئة دار نشر. وتضمن البرنامج الثقافي ندوات وأمسيات شعرية وورش عمل للأطفال والناشئة.",
    "حذرت منظمة الصحة العالمية من انتشار سلالة جديدة من الإنفلونزا في عدد من الدول الآسيوية. ودعت الحكومات إلى تعزيز الرقابة في المطارات وتسريع حملات التطعيم الموسمية.",
    "بدأت أعمال توسعة الطريق السريع الرابط بين العاصمة والمدن الساحلية بتكلفة تتجاوز ملياري ريال. ويتوقع أن يخفض المشروع زمن الرحلة إلى النصف عند اكتماله بعد ثلاث سنوات.",
    "نظمت جمعية حماية البيئة حملة لتنظيف الشواطئ شارك فيها أكثر من ألف متطوع من مختلف الأعمار. وجمع المشاركون أطنانا من النفايات البلاستيكية التي تهدد الحياة البحرية.",
    "أقر مجلس الوزراء نظاما جديدا للاستثمار الأجنبي يمنح المستثمرين حوافز ضريبية وتسهيلات في التراخيص. ويهدف النظام إلى جذب رؤوس الأموال وتوفير فرص عمل للشباب.",
    "احتفلت الجالية المغربية بعيد العرش بحفل فني أحيته فرقة موسيقية شعبية في قاعة المؤتمرات. وحضر الحفل السفير وعدد من رجال الأعمال وممثلي الجاليات العربية المقيمة.",
    "أعلنت وكالة الفضاء عن نجاح إطلاق قمر صناعي جديد لرصد التغيرات المناخية ومراقبة الغطاء النباتي. وسيرسل القمر بيانات يومية تساعد الباحثين في دراسة التصحر وشح المياه.",
]


def article(i: int, text: str | None = None, **extra) -> dict:
    body = STORIES[i % len(STORIES)] if text is None else text
    title = body.split(" ")[0:6] if body.strip() else ["عنوان"]
    return {"id": f"doc-{i}", "title": " ".join(title), "text": body, **extra}


def read_outputs(out: Path) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dict]:
    return (
        pl.read_parquet(out / "clean.parquet"),
        pl.read_parquet(out / "rejected.parquet"),
        pl.read_parquet(out / "findings.parquet"),
        json.loads((out / "summary.json").read_text(encoding="utf-8")),
    )


def test_no_input_cleans_the_bundled_sample_into_reports_latest(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("clean")
    assert result.exit_code == 0, result.output
    out = tmp_path / "reports" / "latest"
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    clean, rejected, findings, summary = read_outputs(out)
    sample = (SEEDS / "ant_sample.jsonl").read_bytes().count(b"\n")
    bad = (SEEDS / "incoming_bad.jsonl").read_bytes().count(b"\n")
    assert clean.height + rejected.height == sample + bad + 1  # + the seed document
    assert summary["documents"]["in"] == sample + bad + 1
    assert "duplicate" in set(rejected["reject_reason"])
    assert findings.height > 0
    assert "documents in" in result.output and "report.html" in result.output
    # A second run replaces reports/latest instead of refusing.
    assert run("clean", "-q").exit_code == 0


def test_every_input_document_is_in_exactly_one_output(tmp_path):
    records = [article(i) for i in range(12)]
    records.append(dict(article(3), id="copy-of-3"))
    records.append(article(200, text=""))
    src = write_jsonl(tmp_path / "in.jsonl", records)
    (tmp_path / "in.jsonl").open("a", encoding="utf-8").write('{"id": "broken", "text": \n')
    out = tmp_path / "out"
    result = run("clean", str(src), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    clean, rejected, _, _ = read_outputs(out)
    ids_in = {r["id"] for r in records}
    assert len(set(clean["id"]) | set(rejected["id"])) == clean.height + rejected.height
    assert ids_in <= set(clean["id"]) | set(rejected["id"])
    assert clean.height + rejected.height == len(records) + 1  # + the malformed line
    reasons = dict(zip(rejected["id"], rejected["reject_reason"], strict=True))
    assert {reasons.get("copy-of-3"), reasons.get("doc-3")} >= {"duplicate"}
    assert reasons["doc-200"] not in (None, "duplicate")  # empty body: dropped by a rule
    dup = rejected.filter(pl.col("reject_reason") == "duplicate").row(0, named=True)
    assert dup["dup_of"] in {"doc-3", "copy-of-3"} and dup["dup_of"] != dup["id"]


def test_extra_columns_and_ids_are_carried_through(tmp_path):
    records = [article(i, category="sport", views=i * 10) for i in range(3)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "out"
    assert run("clean", str(src), "--out", str(out), "-q").exit_code == 0
    clean, _, _, _ = read_outputs(out)
    assert sorted(clean["id"]) == ["doc-0", "doc-1", "doc-2"]
    assert set(clean["category"]) == {"sport"}
    assert sorted(clean["views"]) == [0, 10, 20]
    for column in ("text_clean", "title_clean", "cluster_id", "dup_kind", "dup_of", "similarity"):
        assert column in clean.columns


def test_seed_document_cleans_to_title_and_nine_paragraphs(tmp_path):
    if not SEED_DOCUMENT.exists():
        pytest.skip("seed document missing")
    lines = SEED_DOCUMENT.read_text(encoding="utf-8").split("\n")
    title, header, paragraphs = lines[0], lines[1], lines[2:11]
    headlines = [line for line in lines[11:] if line.strip()]
    assert header == "مواضيع ذات صلة" and len(headlines) == 12
    out = tmp_path / "out"
    assert run("clean", str(SEED_DOCUMENT.parent), "--out", str(out), "-q").exit_code == 0
    clean, rejected, findings, _ = read_outputs(out)
    assert rejected.height == 0
    doc = clean.row(0, named=True)
    assert doc["title_clean"] == title
    assert doc["text_clean"].strip("\n") == "\n".join(paragraphs)
    body = doc["text"]
    strips = findings.filter(pl.col("action") == "strip", pl.col("field") == "text")
    removed = [body[s:e].strip("\n") for s, e in zip(strips["start"], strips["end"], strict=True)]
    assert header in removed
    header_code = strips.filter(pl.col("excerpt").str.contains(header))["code"].to_list()
    assert len(header_code) == 1
    removed_text = "\n".join(removed)
    for headline in headlines:
        assert headline in removed_text
    assert not any(p in removed_text for p in paragraphs)


def test_no_dedup_and_no_validate_run_one_family(tmp_path):
    records = [article(1), dict(article(2), text=article(1)["text"])]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    assert run("clean", str(src), "--out", str(tmp_path / "a"), "--no-dedup", "-q").exit_code == 0
    clean, rejected, _, _ = read_outputs(tmp_path / "a")
    assert clean.height == 2 and rejected.height == 0
    assert (
        run("clean", str(src), "--out", str(tmp_path / "b"), "--no-validate", "-q").exit_code == 0
    )
    clean, rejected, findings, _ = read_outputs(tmp_path / "b")
    assert rejected["reject_reason"].to_list() == ["duplicate"]
    assert not findings.filter(pl.col("code").str.starts_with("BP")).height
    result = run("clean", str(src), "--out", str(tmp_path / "c"), "--no-dedup", "--no-validate")
    assert result.exit_code == 2


def test_config_file_and_column_flags(tmp_path):
    records = [
        {"doc": f"d{i}", "headline": "عنوان", "content": article(i)["text"]} for i in range(3)
    ]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    cfg = tmp_path / "c.toml"
    cfg.write_text('[input]\ntext_col = "content"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "clean", str(src), "--out", str(out), "--config", str(cfg), "--id-col", "doc", "-q"
    )
    assert result.exit_code == 0, result.output
    clean, _, _, _ = read_outputs(out)
    assert sorted(clean["id"]) == ["d0", "d1", "d2"]
    bad_cfg = tmp_path / "bad.toml"
    bad_cfg.write_text("[dedup]\ntreshold = 0.3\n", encoding="utf-8")
    result = run("clean", str(src), "--out", str(tmp_path / "o2"), "--config", str(bad_cfg))
    assert result.exit_code == 2 and "treshold" in result.output
    assert not (tmp_path / "o2").exists()


def test_user_rule_folder_runs_once_in_clean(tmp_path):
    rules = tmp_path / "my-rules"
    rules.mkdir()
    (rules / "advert.toml").write_text(ADVERT_RULE, encoding="utf-8")
    records = [article(i, STORIES[i] + "\nإعلان") for i in range(3)]
    src = write_jsonl(tmp_path / "in.jsonl", records)
    cfg = tmp_path / "c.toml"
    cfg.write_text(f'[validate]\nrule_dirs = ["{rules}"]\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run("clean", str(src), "--out", str(out), "--config", str(cfg), "--no-dedup", "-q")
    assert result.exit_code == 0, result.output
    clean, _, findings, _ = read_outputs(out)
    assert findings.filter(pl.col("code") == "XX901").height == 3  # once per document
    assert all(not t.endswith("إعلان") for t in clean["text_clean"].to_list())
