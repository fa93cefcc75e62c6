"""Which input column holds the text, the title, the id, ...: column mapping.

Explicit names (``InputOptions.text_col`` etc.) win. Otherwise each canonical column is
detected from the common names below, compared case-insensitively, first alias first
(a file with both ``text`` and ``content`` maps ``text`` and carries ``content`` as an
extra). A missing text column is an :class:`~corpuskit.errors.InputError` that lists the
columns the file has and suggests the closest name.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from corpuskit import schema
from corpuskit.config import InputOptions
from corpuskit.errors import InputError

# Canonical column -> names it is detected from, most specific first. Besides the plain
# names, those the common news scrapers write: news-please (``maintext``,
# ``date_publish``, ``source_domain``), newspaper3k (``publish_date``), trafilatura
# (``sitename``, ``hostname``), RSS and schema.org (``pubDate``, ``guid``,
# ``datePublished``); and the Arabic names Arabic datasets give their columns (``النص``,
# ``العنوان``, ``التاريخ``, ``المصدر``, ``الرابط``).
ALIASES: dict[str, tuple[str, ...]] = {
    schema.TEXT: (
        "text",
        "content",
        "body",
        "article",
        "article_text",
        "maintext",
        "full_text",
        "body_text",
        "النص",
        "المحتوى",
        "نص",
        "المقال",
    ),
    schema.TITLE: ("title", "headline", "heading", "العنوان", "عنوان"),
    schema.ID: ("id", "doc_id", "docno", "uuid", "_id", "article_id", "guid", "المعرف"),
    schema.SOURCE: (
        "source",
        "outlet",
        "site",
        "domain",
        "publisher",
        "source_domain",
        "sitename",
        "site_name",
        "newspaper",
        "hostname",
        "المصدر",
        "الصحيفة",
        "الموقع",
    ),
    schema.URL: ("url", "link", "article_url", "canonical_url", "الرابط", "رابط"),
    schema.DATE: (
        "date",
        "published",
        "pub_date",
        "published_at",
        "date_publish",
        "publish_date",
        "published_date",
        "date_published",
        "datepublished",
        "publication_date",
        "pubdate",
        "datetime",
        "time",
        "timestamp",
        "التاريخ",
        "تاريخ النشر",
        "تاريخ",
    ),
    schema.LANG: ("lang", "language", "اللغة"),
}

# Canonical columns that --text-col style options can set explicitly.
_EXPLICIT = {
    schema.TEXT: "text_col",
    schema.TITLE: "title_col",
    schema.ID: "id_col",
    schema.SOURCE: "source_col",
}
_FLAG = {"text_col": "--text-col", "title_col": "--title-col", "id_col": "--id-col"}


def closest_column(name: str, columns: Sequence[str]) -> str | None:
    """The column whose name is closest to ``name`` (case-insensitive), if any is close."""
    lowered = {c.lower(): c for c in columns}
    match = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.5)
    return lowered[match[0]] if match else None


def _find(name: str, columns: Sequence[str]) -> str | None:
    """``name`` itself, else its unique case-insensitive match among ``columns``."""
    if name in columns:
        return name
    matches = [c for c in columns if c.lower() == name.lower()]
    return matches[0] if len(matches) == 1 else None


def _option_hint(option: str) -> str:
    flag = _FLAG.get(option, option)
    return f'pass {flag} NAME (or `{option} = "NAME"` under [input] in the config)'


def resolve_columns(
    columns: Sequence[str], options: InputOptions, where: Path | str
) -> dict[str, str | None]:
    """Map each canonical column to the input column that holds it (None where absent).

    ``where`` names the file in error messages. Raises :class:`InputError` when an explicit
    column does not exist or no text column can be found.
    """
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for canonical in schema.CANONICAL_COLUMNS:
        option = _EXPLICIT.get(canonical)
        explicit = getattr(options, option) if option else None
        if explicit:
            found = _find(explicit, columns)
            if found is None:
                raise _missing_column_error(canonical, explicit, columns, where, option)
            mapping[canonical] = found
            taken.add(found)
    for canonical in schema.CANONICAL_COLUMNS:
        if canonical in mapping:
            continue
        mapping[canonical] = next(
            (
                found
                for alias in ALIASES[canonical]
                if (found := _find(alias, columns)) is not None and found not in taken
            ),
            None,
        )
        if mapping[canonical] is not None:
            taken.add(mapping[canonical])
    if mapping[schema.TEXT] is None:
        raise _missing_column_error(schema.TEXT, None, columns, where, "text_col")
    return mapping


def _missing_column_error(
    canonical: str,
    asked: str | None,
    columns: Sequence[str],
    where: Path | str,
    option: str | None,
) -> InputError:
    existing = ", ".join(columns) if columns else "(none)"
    if asked is not None:
        what = f"{where}: the {canonical} column {asked!r} does not exist"
        guess = closest_column(asked, columns)
    else:
        names = ", ".join(ALIASES[canonical])
        what = f"{where}: no {canonical} column found (looked for {names})"
        guess = next(
            (g for alias in ALIASES[canonical] if (g := closest_column(alias, columns))), None
        )
    hint = f"did you mean {guess!r}? " if guess else ""
    if option:
        hint += _option_hint(option)
    return InputError(f"{what}; the columns are: {existing}", hint=hint or None)


class FileColumns:
    """The column mapping of one file, kept the same for every chunk of it.

    A file read in chunks shows its columns chunk by chunk (a JSON Lines key may first
    appear on line 900,000). The mapping is resolved on the first chunk that has columns,
    as :func:`resolve_columns` does for a whole file; a later chunk only fills canonical
    columns still unmapped (a ``url`` key that appears late), so a column never changes
    meaning halfway through a file. A chunk that lacks a mapped column has nulls there.
    """

    def __init__(self, options: InputOptions, where: Path | str) -> None:
        self.options = options
        self.where = where
        self.mapping: dict[str, str | None] | None = None

    @property
    def text(self) -> str | None:
        """The input column holding the text (None until a chunk with columns is seen)."""
        return self.mapping[schema.TEXT] if self.mapping else None

    def update(self, columns: Sequence[str]) -> dict[str, str | None]:
        """The mapping, resolved or extended with ``columns`` (a chunk's input columns)."""
        if self.mapping is None:
            if not columns:
                return dict.fromkeys(schema.CANONICAL_COLUMNS)
            self.mapping = resolve_columns(columns, self.options, self.where)
            return self.mapping
        taken = {c for c in self.mapping.values() if c}
        for canonical, found in self.mapping.items():
            if found is not None:
                continue
            for alias in ALIASES[canonical]:
                match = _find(alias, columns)
                if match is not None and match not in taken:
                    self.mapping[canonical] = match
                    taken.add(match)
                    break
        return self.mapping
