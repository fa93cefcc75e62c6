"""What an installed corpuskit needs beyond its Python modules ships with it."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import tomllib

import pytest

from corpuskit.errors import CorpuskitError
from tests.conftest import REPO


def _pyproject() -> dict:
    with (REPO / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_every_rule_folder_is_installed_as_data_files():
    data_files = _pyproject()["tool"]["setuptools"]["data-files"]
    rule_folders = sorted(
        p.relative_to(REPO).as_posix()
        for p in (REPO / "rules").rglob("*")
        if p.is_dir() and any(p.glob("*.toml"))
    )
    shipped = {
        pattern.rsplit("/", 1)[0]: target
        for target, patterns in data_files.items()
        for pattern in patterns
    }
    for folder in rule_folders:
        assert folder in shipped, f"{folder}/*.toml is not listed in [tool.setuptools.data-files]"
        assert shipped[folder] == f"share/corpuskit/{folder}"


def test_report_templates_are_package_data():
    package_data = _pyproject()["tool"]["setuptools"]["package-data"]["corpuskit"]
    templates = REPO / "corpuskit" / "templates"
    assert "templates/*" in package_data and any(templates.iterdir())


def _shipped_files() -> dict[str, str]:
    """Every repository file the data-files patterns match, with its install folder."""
    shipped = {}
    for target, patterns in _pyproject()["tool"]["setuptools"]["data-files"].items():
        for pattern in patterns:
            for path in REPO.glob(pattern):
                shipped[path.relative_to(REPO).as_posix()] = target
    return shipped


def test_the_bundled_sample_is_installed_as_data_files():
    shipped = _shipped_files()
    sample = sorted(
        p.relative_to(REPO).as_posix()
        for p in (REPO / "seeds").rglob("*")
        if p.is_file() and p.suffix != ".py"  # make_sample.py rebuilds it from ../shared
    )
    assert "seeds/README.md" in sample  # the attribution travels with the data
    for name in sample:
        assert name in shipped, f"{name} is not listed in [tool.setuptools.data-files]"
        assert shipped[name] == f"share/corpuskit/{name.rsplit('/', 1)[0]}"


def test_an_installed_package_finds_its_data_under_share(tmp_path, monkeypatch):
    from corpuskit import datafiles

    prefix = tmp_path / "prefix"
    for name in ("rules", "seeds"):
        (prefix / "share" / "corpuskit" / name).mkdir(parents=True)
    site = tmp_path / "site-packages"  # an installed package: no checkout beside it
    site.mkdir()
    monkeypatch.setattr(datafiles, "CHECKOUT", site)
    monkeypatch.setattr(datafiles.sys, "prefix", str(prefix))
    assert datafiles.data_dir("seeds", "the sample") == prefix / "share" / "corpuskit" / "seeds"
    (site / "seeds").mkdir()  # a stray top-level folder is not a checkout
    assert datafiles.data_dir("seeds", "the sample") == prefix / "share" / "corpuskit" / "seeds"
    monkeypatch.setattr(datafiles.sys, "base_prefix", str(tmp_path / "none"))
    monkeypatch.setattr(datafiles.sys, "prefix", str(tmp_path / "none"))
    with pytest.raises(CorpuskitError, match="the sample is missing") as raised:
        datafiles.data_dir("seeds", "the sample")
    assert "reinstall corpuskit" in str(raised.value)


@pytest.mark.slow
def test_pip_install_then_clean_with_no_input_runs_the_bundled_sample(tmp_path):
    """``pip install .`` (not editable) into a fresh virtualenv, then ``corpuskit clean``
    in an empty folder: the sample and the rules come from the installed data files."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs a git checkout to copy the tracked files from")
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True)
        .stdout.decode()
        .split("\0")
    )
    source = tmp_path / "source"
    for name in filter(None, tracked):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(source)],
        capture_output=True,
        text=True,
        timeout=1800,
        env=env,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    work = tmp_path / "work"
    work.mkdir()
    corpuskit = str(venv / "bin" / "corpuskit")
    cleaned = subprocess.run(
        [corpuskit, "clean"], cwd=work, capture_output=True, text=True, env=env
    )
    assert cleaned.returncode == 0, cleaned.stdout + cleaned.stderr
    assert "documents in" in cleaned.stdout
    summary = json.loads((work / "reports" / "latest" / "summary.json").read_text("utf-8"))
    inputs = summary["run"]["inputs"]
    assert inputs and all("share/corpuskit/seeds" in path for path in inputs)
    assert summary["documents"]["in"] > 200 and summary["run"]["rules"] > 0
    explained = subprocess.run(
        [corpuskit, "rules", "explain", "DUP200"], capture_output=True, env=env
    )
    assert explained.returncode == 0


def test_the_default_run_leaves_the_slow_tests_to_ci():
    options = shlex.split(_pyproject()["tool"]["pytest"]["ini_options"]["addopts"])
    assert options[options.index("-m") + 1] == "not slow"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    runs = [shlex.split(line.split("#")[0]) for line in ci.splitlines() if " pytest" in line]
    options_of_runs = [r[r.index("pytest") + 1 :] for r in runs]
    marker_runs = [o[o.index("-m") + 1] for o in options_of_runs if "-m" in o]
    assert "slow" in marker_runs, "CI must run the slow tests explicitly"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pytest -m slow" in readme
