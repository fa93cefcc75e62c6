"""Keep the dependency direction of DESIGN.md true:

cli -> pipeline -> (io, validate, dedup, report, check, codes) -> (rules, normalize,
config) -> (schema, errors, progress, display, datafiles, tomlfile, cachedir). A module may import its own layer or lower ones, never a
higher one; only the cli package imports click.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "corpuskit"

LAYERS = {
    "_callable": 0,
    "schema": 0,
    "errors": 0,
    "progress": 0,
    "display": 0,
    "datafiles": 0,
    "tomlfile": 0,
    "compiled": 0,
    "collector": 0,
    "interruption": 0,
    "cachedir": 0,
    "normalize": 1,
    "rules": 1,
    "rule_params": 1,
    "rule_regex": 1,
    "config": 1,
    "io": 2,
    "validate": 2,
    "dedup": 2,
    "report": 2,
    "codes": 2,
    "check": 2,
    "engine": 2,
    "pipeline": 3,
    "api": 4,
    "cli": 4,
}


def _module_name(path: Path, package_dir: Path) -> str:
    return ".".join(path.relative_to(package_dir.parent).with_suffix("").parts)


def _component(module: str) -> str | None:
    """``corpuskit.dedup.index`` -> ``dedup``; ``corpuskit`` and its ``__init__`` -> None."""
    parts = module.split(".")
    if parts[0] != "corpuskit" or len(parts) < 2 or parts[1] == "__init__":
        return None
    return parts[1]


def _imports(path: Path, package_dir: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _module_name(path, package_dir).split(".")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = own if path.name == "__init__.py" else own[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append(module)
            if module == "corpuskit":
                found += [f"corpuskit.{alias.name}" for alias in node.names]
    return found


def layer_violations(path: Path, package_dir: Path = PACKAGE) -> list[str]:
    """Imports in ``path`` that point up the layers, or import click outside cli."""
    own = _component(_module_name(path, package_dir))
    if own is None:
        return []
    problems = []
    for module in _imports(path, package_dir):
        target = _component(module)
        if target in LAYERS and LAYERS[target] > LAYERS.get(own, 99):
            problems.append(f"{own} (layer {LAYERS[own]}) imports {module}")
        if module.split(".")[0] == "click" and own != "cli":
            problems.append(f"{own} imports click; only corpuskit.cli may")
    return problems


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_component_has_a_layer():
    components = {_component(_module_name(p, PACKAGE)) for p in MODULES} - {None}
    assert components <= set(LAYERS), f"give these a layer: {components - set(LAYERS)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_point_down(path: Path):
    assert layer_violations(path) == []


def test_an_upward_import_and_a_stray_click_are_caught(tmp_path):
    package = tmp_path / "corpuskit"
    (package / "dedup").mkdir(parents=True)
    upward = package / "schema.py"
    upward.write_text("from corpuskit.pipeline import clean\n", encoding="utf-8")
    relative = package / "dedup" / "lsh.py"
    relative.write_text("from ..cli import main\nimport click\n", encoding="utf-8")
    assert layer_violations(upward, package) == ["schema (layer 0) imports corpuskit.pipeline"]
    assert layer_violations(relative, package) == [
        "dedup (layer 2) imports corpuskit.cli",
        "dedup imports click; only corpuskit.cli may",
    ]
