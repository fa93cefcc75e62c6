"""The options of a run, one frozen dataclass per config section, each option declared once.

Every field carries its declaration (meaning, kind, range; see
:mod:`corpuskit.config.declare`), and every class checks its values when it is built.
:func:`option_rows` lists the declarations; ``docs/configuration.md`` is
:func:`options_markdown`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from corpuskit.config.declare import (
    BOOLEAN,
    INTEGER,
    NAME,
    NUMBER,
    SEVERITY_TABLE,
    STRINGS,
    InvalidValue,
    Kind,
    Option,
    check_fields,
    declare,
    one_of,
    option,
    toml_key,
    toml_value,
    type_name,
)
from corpuskit.errors import ConfigError
from corpuskit.schema import OUTPUT_FORMATS


@dataclass(frozen=True)
class InputOptions:
    """How input files map onto the canonical columns."""

    text_col: str | None = option(
        meaning="input column holding the article body (default: detected)",
        kind=NAME,
        optional=True,
        example='"content"',
    )
    title_col: str | None = option(
        meaning="input column holding the headline (default: detected)",
        kind=NAME,
        optional=True,
        example='"headline"',
    )
    id_col: str | None = option(
        meaning="input column holding the document id (default: detected or derived)",
        kind=NAME,
        optional=True,
        example='"article_id"',
    )
    source_col: str | None = option(
        meaning="input column naming the outlet (default: detected)",
        kind=NAME,
        optional=True,
        example='"outlet"',
    )
    strict: bool = option(
        False,
        meaning="stop at the first malformed record instead of reporting it and going on",
        kind=BOOLEAN,
        example="true",
    )
    max_doc_chars: int = option(
        1_000_000,
        meaning="a body longer than this many characters is rejected whole (IO004) and "
        "not read by the rules or the matcher; 0 for no limit",
        kind=INTEGER,
        low=0,
        example="5000000",
    )

    def __post_init__(self) -> None:
        check_fields(self, "input.")


@dataclass(frozen=True)
class SourceOverride:
    """Rule selection for one source (outlet)."""

    select: tuple[str, ...] = option(
        (),
        meaning="for this source, only these rule codes, code prefixes or categories",
        kind=STRINGS,
        example='["BP"]',
    )
    ignore: tuple[str, ...] = option(
        (),
        meaning="for this source, leave out these rule codes, code prefixes or categories",
        kind=STRINGS,
        example='["Q"]',
    )

    def __post_init__(self) -> None:
        check_fields(self, "validate.per_source.<source>.")


def _source_overrides(value: Any) -> dict[str, SourceOverride]:
    if not isinstance(value, Mapping):
        raise InvalidValue(f"found {type_name(value)}", hint=_PER_SOURCE_HINT)
    overrides = {}
    for source, override in value.items():
        if isinstance(override, SourceOverride):
            overrides[str(source)] = override
        else:
            raise InvalidValue(
                f"found {toml_key(source)} = {toml_value(override)}", hint=_PER_SOURCE_HINT
            )
    return overrides


_PER_SOURCE_HINT = 'write one table per source: [validate.per_source.alweeam] ignore = ["Q"]'
SOURCE_TABLE = Kind("a table of source name = {select, ignore}", _source_overrides)


@dataclass(frozen=True)
class ValidateOptions:
    """Which rules run and where extra rules come from."""

    select: tuple[str, ...] = option(
        (),
        meaning="only these rule codes, code prefixes or categories (empty: all rules)",
        kind=STRINGS,
        example='["BP", "Q"]',
    )
    ignore: tuple[str, ...] = option(
        (),
        meaning="leave out these rule codes, code prefixes or categories",
        kind=STRINGS,
        example='["BP310"]',
    )
    rule_dirs: tuple[str, ...] = option(
        (),
        meaning="extra rule folders (TOML files in the format of rules/)",
        kind=STRINGS,
        example='["my-rules"]',
    )
    per_source: dict[str, SourceOverride] = field(
        default_factory=dict,
        metadata=declare(meaning="rule selection for one source (outlet)", kind=SOURCE_TABLE),
    )
    severity: dict[str, str] = field(
        default_factory=dict,
        metadata=declare(
            meaning="severity overrides by rule code or prefix",
            kind=SEVERITY_TABLE,
            example='{ BP101 = "error" }',
        ),
    )

    def __post_init__(self) -> None:
        check_fields(self, "validate.")


VERIFIERS = ("learned", "rules")


def _verifier(value: object) -> str:
    if value not in VERIFIERS:
        raise InvalidValue(
            f"found {toml_value(value)}", hint='write verifier = "learned" or verifier = "rules"'
        )
    return str(value)


VERIFIER = Kind('"learned" or "rules"', _verifier)


@dataclass(frozen=True)
class DedupOptions:
    """Duplicate detection parameters (see README, "Deduplication")."""

    exact: bool = option(
        True, meaning="find exact copies (equal folded bodies)", kind=BOOLEAN, example="false"
    )
    near: bool = option(
        True, meaning="find near copies (MinHash LSH)", kind=BOOLEAN, example="false"
    )
    headline: bool = option(
        True,
        meaning="match headlines (candidate pairs, DUP300 flags)",
        kind=BOOLEAN,
        example="false",
    )
    url: bool = option(
        True, meaning="find copies by their canonical URL", kind=BOOLEAN, example="false"
    )
    threshold: float = option(
        0.5,
        meaning="estimated body similarity at or above which two bodies are near copies",
        kind=NUMBER,
        low=0,
        low_open=True,
        high=1,
        example="0.5",
    )
    num_perm: int = option(
        128,
        meaning="MinHash permutations per signature (more: finer estimates, 4 bytes per "
        "document each)",
        kind=INTEGER,
        low=16,
        high=1024,
        example="128",
    )
    shingle_size: int = option(
        3, meaning="words per shingle", kind=INTEGER, low=1, high=64, example="3"
    )
    bands: int | None = option(
        meaning="LSH bands (default: derived from threshold; bands x rows at most num_perm)",
        kind=INTEGER,
        low=1,
        high=1024,
        optional=True,
        example="30",
    )
    rows: int | None = option(
        meaning="LSH rows per band (default: derived from threshold; bands x rows at most "
        "num_perm)",
        kind=INTEGER,
        low=1,
        high=1024,
        optional=True,
        example="4",
    )
    seed: int = option(
        1,
        meaning="seed of the MinHash permutations (an index keeps its own)",
        kind=INTEGER,
        low=0,
        high=2**32 - 1,
        example="1",
    )
    headline_threshold: float = option(
        90.0,
        meaning="rapidfuzz score (0-100) at or above which two headlines match (a candidate "
        "pair; a DUP300 flag when the bodies are not copies)",
        kind=NUMBER,
        low=0,
        low_open=True,
        high=100,
        example="90",
    )
    min_words: int = option(
        8,
        meaning="bodies with fewer folded words are matched only exactly",
        kind=INTEGER,
        low=1,
        high=100_000,
        example="8",
    )
    rewrite_candidates: float = option(
        0.3,
        meaning="bag-of-words similarity at which two documents dated less than window_days "
        "apart become candidates (rewritten releases, trimmed copies)",
        kind=NUMBER,
        low=0,
        low_open=True,
        high=1,
        example="0.3",
    )
    window_days: float = option(
        3.0,
        meaning="rewrites are looked for among documents this many days apart at most",
        kind=NUMBER,
        low=0,
        low_open=True,
        high=3650,
        example="3",
    )
    verifier: str = option(
        "learned",
        meaning="the pair decision: the shipped learned model, or the documented rule score",
        kind=VERIFIER,
        example='"rules"',
    )
    copy_score: float = option(
        0.6,
        meaning="verifier score at or above which a candidate pair is a copy",
        kind=NUMBER,
        low=0,
        low_open=True,
        high=1,
        example="0.6",
    )
    drop_updates: bool = option(
        False,
        meaning="drop older versions that a newer document updates (default: keep and flag)",
        kind=BOOLEAN,
        example="true",
    )

    def __post_init__(self) -> None:
        check_fields(self, "dedup.")
        _check_banding(self)


def _check_banding(options: DedupOptions) -> None:
    """bands x rows must fit in the signature: each band reads ``rows`` of its values."""
    bands, rows, num_perm = options.bands, options.rows, options.num_perm
    for name, value in (("bands", bands), ("rows", rows)):
        if value is not None and value > num_perm:
            raise ConfigError(
                f"dedup.{name} = {value}: expected at most num_perm ({num_perm})",
                hint=f"lower {name}, raise num_perm, or leave {name} out to derive it",
            )
    if bands is not None and rows is not None and bands * rows > num_perm:
        raise ConfigError(
            f"dedup.bands = {bands} and rows = {rows}: bands x rows = {bands * rows} is more "
            f"than num_perm ({num_perm}), the values in a signature",
            hint="choose bands x rows <= num_perm (30 x 4 at 128), or leave both out to "
            "derive them from the threshold",
        )


@dataclass(frozen=True)
class OutputOptions:
    """How ``clean`` writes its datasets (clean, rejected, findings)."""

    format: str = option(
        "parquet",
        meaning="format of the clean, rejected and findings datasets: Parquet, or JSON Lines "
        "plain or compressed (gzip, zstd)",
        kind=one_of(OUTPUT_FORMATS),
        example='"jsonl.zst"',
    )

    def __post_init__(self) -> None:
        check_fields(self, "output.")


@dataclass(frozen=True)
class Config:
    input: InputOptions = field(default_factory=InputOptions)
    validate: ValidateOptions = field(default_factory=ValidateOptions)
    dedup: DedupOptions = field(default_factory=DedupOptions)
    output: OutputOptions = field(default_factory=OutputOptions)
    workers: int = option(
        0,
        meaning="worker processes (0: one per core)",
        kind=INTEGER,
        low=0,
        high=256,
        example="2",
    )

    def __post_init__(self) -> None:
        check_fields(self, "")

    def replace(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)


SECTIONS: dict[type, dict[str, type]] = {
    Config: {
        "input": InputOptions,
        "validate": ValidateOptions,
        "dedup": DedupOptions,
        "output": OutputOptions,
    },
}


def option_rows() -> Iterator[tuple[str, Option, Any]]:
    """Every declared option as ``(key path, declaration, default)``, in file order:
    ``("dedup.threshold", Option(...), 0.5)``. The docs are generated from this."""

    def walk(cls: type, prefix: str) -> Iterator[tuple[str, Option, Any]]:
        defaults = cls()
        for f in fields(cls):
            nested = SECTIONS.get(cls, {}).get(f.name)
            if nested is not None:
                yield from walk(nested, f"{prefix}{f.name}.")
                continue
            yield f"{prefix}{f.name}", f.metadata["option"], getattr(defaults, f.name)
            if f.name == "per_source":
                yield from walk(SourceOverride, f"{prefix}per_source.<source>.")

    yield from walk(Config, "")


def options_markdown() -> str:
    """The option reference (``docs/configuration.md``), generated from the declarations."""
    lines = [
        "# Configuration options",
        "",
        "Generated from the option declarations in `corpuskit/config.py` (run",
        "`python -c \"from corpuskit.config import options_markdown as m; print(m(), end='')\"`",
        "to regenerate). Each key is written under its section: `dedup.threshold` is",
        "`threshold` under `[dedup]`. Values outside the range are refused with a message",
        "naming the file, the key, the value found and the valid range.",
        "",
        "| key | default | valid values | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for key, declared, default in option_rows():
        if default is None:
            shown = "derived" if key.startswith("dedup.") else "detected"
        else:
            shown = toml_value(default)
        lines.append(f"| `{key}` | `{shown}` | {declared.expected()} | {declared.meaning} |")
    return "\n".join(lines) + "\n"
