"""The Ray engine gives the local engine's output, on a local Ray with 2 CPUs."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from conftest import SEEDS

from corpuskit.engine import make_engine
from corpuskit.pipeline import clean, seed_inputs

ray = pytest.importorskip("ray", reason="the Ray engine needs `pip install 'corpuskit[ray]'`")
pytestmark = pytest.mark.slow
TABLES = ("clean.parquet", "rejected.parquet", "findings.parquet")


@pytest.fixture(scope="module")
def ray_engine():
    engine = make_engine("ray", workers=2)
    yield engine
    ray.shutdown()


def _same_outputs(a: Path, b: Path) -> None:
    for name in TABLES:
        left, right = pl.read_parquet(a / name), pl.read_parquet(b / name)
        assert left.equals(right), name
        assert sorted(p.name for p in (a / name).iterdir()) == sorted(
            p.name for p in (b / name).iterdir()
        )
    summaries = [json.loads((d / "summary.json").read_text(encoding="utf-8")) for d in (a, b)]
    for summary in summaries:
        summary.pop("run")
    assert summaries[0] == summaries[1]


def test_seeds_on_ray_equal_the_local_engine(tmp_path, ray_engine):
    inputs = seed_inputs()
    assert inputs, f"bundled sample missing in {SEEDS}"
    local = clean(inputs, tmp_path / "local", engine=make_engine("local", workers=2), batch_rows=60)
    on_ray = clean(inputs, tmp_path / "ray", engine=ray_engine, batch_rows=60)
    assert on_ray.summary["documents"]["rejected_as_duplicate"] > 0
    _same_outputs(local.out_dir, on_ray.out_dir)


def test_20k_documents_on_ray_equal_the_local_engine(tmp_path, ray_engine, shared_corpora):
    articles = pl.read_parquet(shared_corpora / "ant_corpus" / "articles.parquet")
    corpus = tmp_path / "ant-20k.parquet"
    articles.head(20_000).select("id", "title", "text", "source", "url", "date").write_parquet(
        corpus
    )
    local = clean([corpus], tmp_path / "local", engine=make_engine("local", workers=2))
    on_ray = clean([corpus], tmp_path / "ray", engine=ray_engine)
    assert local.summary["documents"]["in"] == 20_000
    _same_outputs(local.out_dir, on_ray.out_dir)


def test_a_remote_input_and_url_out_on_ray_equal_the_local_engine(tmp_path, ray_engine):
    """Object storage with the Ray engine: the driver reads the inputs and uploads the
    finished output; the Ray tasks work in the (shared) work folder in between."""
    fsspec = pytest.importorskip("fsspec", reason="URLs need corpuskit[remote]")
    pytest.importorskip("upath", reason="URLs need corpuskit[remote]")
    fs = fsspec.filesystem("memory")
    root = f"/ray-{tmp_path.name}"
    for path in seed_inputs():
        for file in [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()):
            fs.pipe(f"{root}/in/{file.relative_to(path.parent).as_posix()}", file.read_bytes())
    local = clean(seed_inputs(), tmp_path / "local", engine=make_engine("local"), batch_rows=60)
    on_ray = clean(
        [f"memory:/{root}/in"],
        f"memory:/{root}/out",
        engine=ray_engine,
        batch_rows=60,
        work_dir=tmp_path / "work",
    )
    try:
        assert on_ray.summary["documents"] == local.summary["documents"]
        for name in TABLES:
            uploaded = sorted(fs.find(f"{root}/out/{name}"))
            assert [p.rsplit("/", 1)[1] for p in uploaded] == sorted(
                p.name for p in (local.out_dir / name).iterdir()
            )
            got = pl.concat([pl.read_parquet(fs.cat(p)) for p in uploaded])
            expected = pl.read_parquet(local.out_dir / name)
            origin = [c for c in got.columns if c.startswith("origin")]
            assert got.drop(origin).equals(expected.drop(origin)), name
        assert fs.exists(f"{root}/out/report.html")
        assert not any(p.is_file() for p in (tmp_path / "work").rglob("*"))
    finally:
        fs.rm(root, recursive=True)
