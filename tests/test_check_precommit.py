"""The pre-commit hook definition, exercised for real with ``pre-commit try-repo``.

pre-commit builds the hook's environment by installing this repository (at its HEAD
commit) into a fresh virtualenv, which takes a while, so the test is marked ``slow``.
It skips when pre-commit or git is missing or the repository has no commits.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "seeds" / "ant_sample.jsonl"


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def precommit_env(tmp_path_factory) -> dict[str, str]:
    pytest.importorskip("pre_commit", reason="pre-commit is not installed")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        head = _git("rev-parse", "HEAD", cwd=REPO)
    except subprocess.CalledProcessError:
        pytest.skip(f"{REPO} is not a git repository with commits")
    if not SAMPLE.is_file():
        pytest.skip(f"bundled sample {SAMPLE} is absent")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
        "CORPUSKIT_TEST_REF": head,
    }
    return env


@pytest.fixture
def data_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "feeds"
    repo.mkdir()
    _git("init", "-q", cwd=repo)
    articles = SAMPLE.read_text(encoding="utf-8").splitlines()[:4]
    (repo / "good.jsonl").write_text("\n".join(articles[:3]) + "\n", encoding="utf-8")
    # ids must be unique across the files of one check, so bad.jsonl has its own article
    bad = articles[3] + '\n{"id": "cut", "text": "نص\n'
    (repo / "bad.jsonl").write_text(bad, encoding="utf-8")
    (repo / "notes.py").write_text("print('not a corpus file')\n", encoding="utf-8")
    return repo


def _try_repo(repo: Path, env: dict[str, str], *files: str) -> subprocess.CompletedProcess:
    command = [
        sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "corpuskit-check",
        "--ref", env["CORPUSKIT_TEST_REF"], "--verbose", "--files", *files,
    ]  # fmt: skip
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_hook_passes_good_documents_and_fails_bad_ones(precommit_env, data_repo):
    good = _try_repo(data_repo, precommit_env, "good.jsonl")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "corpuskit check" in good.stdout
    bad = _try_repo(data_repo, precommit_env, "good.jsonl", "bad.jsonl")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "IO001" in bad.stdout and "bad.jsonl" in bad.stdout


@pytest.mark.slow
def test_hook_ignores_files_that_are_not_corpora(precommit_env, data_repo):
    result = _try_repo(data_repo, precommit_env, "notes.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no files to check" in result.stdout.lower()


def test_hook_manifest_matches_the_formats_the_reader_accepts():
    loader = pytest.importorskip("pre_commit.clientlib", reason="pre-commit is not installed")
    (hook,) = loader.load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "corpuskit-check"
    assert hook["entry"].split()[:2] == ["corpuskit", "check"]
    import re

    pattern = re.compile(hook["files"])
    for name in ["a.jsonl", "b.jsonl.zst", "c.csv.gz", "d.parquet", "e.txt", "f.ndjson"]:
        assert pattern.search(name), name
    for name in ["package.json", "setup.py", "data.xlsx"]:
        assert not pattern.search(name), name
