"""What an installed corpuskit needs beyond its Python modules ships with it."""

from __future__ import annotations

import tomllib

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
