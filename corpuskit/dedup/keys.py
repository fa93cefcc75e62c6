"""Matching keys: the folded body text for a whole column at once, and canonical URLs.

:func:`fold_series` is :func:`corpuskit.normalize.fold` written as polars expressions so a
batch of documents is folded in Rust on all cores instead of one Python call per
document (about 20x faster on news articles). Both give the same string for Arabic,
Latin and Cyrillic news text; the test suite compares them on real articles.

:func:`canonical_url` maps the spellings under which one article is stored twice to
one key: scheme (http/https), ``www.``, letter case of the host, default ports,
trailing slashes, fragments, and tracking or presentation query parameters
(``utm_*``, ``fbclid``, ``?weekly`` ...). Real corpora hold the same article under
``http://`` and ``https://`` (ANT/CNN) and under ``….html`` and ``….html?weekly``
(SaudiNewsNet/Al-Madina).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import polars as pl

from corpuskit import normalize

_INVISIBLE = r"[\x{00AD}\x{061C}\x{200B}-\x{200F}\x{202A}-\x{202E}\x{2060}-\x{2064}\x{2066}-\x{2069}\x{FEFF}]"
_ARABIC_MARKS = r"[\x{0610}-\x{061A}\x{064B}-\x{065F}\x{0670}\x{06D6}-\x{06ED}\x{08D3}-\x{08FF}]"
_LETTERS_FROM = ["أ", "إ", "آ", "ٱ", "ٲ", "ٳ", "ى", "ی", "ئ", "ؤ", "ة", "ک", "ڪ", "ە", "ۀ"]
_LETTERS_TO = ["ا", "ا", "ا", "ا", "ا", "ا", "ي", "ي", "ي", "و", "ه", "ك", "ك", "ه", "ه"]
_DIGITS_FROM = list("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹")
_DIGITS_TO = list("01234567890123456789")
# str.casefold() differs from lowercasing for a few letters that news text does use.
_CASEFOLD_FROM = ["ß", "ς", "ﬁ", "ﬂ"]
_CASEFOLD_TO = ["ss", "σ", "fi", "fl"]


def fold_expr(column: pl.Expr) -> pl.Expr:
    """Polars expression equal to :func:`corpuskit.normalize.fold` applied per value."""
    return (
        column.fill_null("")
        .str.normalize("NFKC")
        .str.replace_all(_INVISIBLE, "")
        .str.replace_all(_ARABIC_MARKS, "")
        .str.replace_many(_LETTERS_FROM, _LETTERS_TO)
        .str.replace_all("\u0640", "", literal=True)
        .str.replace_many(_DIGITS_FROM, _DIGITS_TO)
        .str.to_lowercase()
        .str.replace_many(_CASEFOLD_FROM, _CASEFOLD_TO)
        # Python's \w (what fold uses) is letters and numbers; everything else separates.
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars(" ")
    )


def fold_series(texts: pl.Series, *, parts: int = 2) -> pl.Series:
    """Fold a whole column of texts for matching (nulls become empty strings).

    The column is cut into ``parts`` slices folded as separate expressions, which polars
    runs in parallel (one string expression alone runs on one core).
    """
    n = texts.len()
    if n < 1000 or parts <= 1:
        return pl.select(fold_expr(pl.lit(texts))).to_series().alias(texts.name)
    size = -(-n // parts)
    slices = {f"p{i}": texts.slice(i * size, size) for i in range(parts)}
    padded = {k: v.extend_constant(None, size - v.len()) for k, v in slices.items()}
    folded = pl.DataFrame(padded).select(fold_expr(pl.col(k)) for k in padded)
    pieces = [folded[k].head(slices[k].len()) for k in padded]
    return pl.concat(pieces).alias(texts.name)


def fold_one(text: str | None) -> str:
    """Fold one text exactly as :func:`fold_series` does (used for single queries)."""
    return normalize.fold(text or "")


# Query parameters that never change which article a URL points to.
_TRACKING_PREFIXES = ("utm_", "fb_", "ga_", "mc_", "pk_")
_TRACKING_KEYS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ref", "ref_src", "src",
        "source", "cmp", "ocid", "mod", "amp", "output", "weekly", "share", "from",
        "s", "xtor", "partner", "spref", "feature", "rss", "print",
    }
)  # fmt: skip


def canonical_url(url: str | None) -> str | None:
    """One key for every spelling of the same article URL; None for empty input.

    >>> canonical_url("https://www.Example.com/a/b.html?weekly&utm_source=x#top")
    'example.com/a/b.html'
    >>> canonical_url("http://example.com/a/b.html/")
    'example.com/a/b.html'
    """
    if url is None:
        return None
    url = url.strip()
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url.casefold()
    host = (parts.hostname or "").casefold()
    if host.startswith("www."):
        host = host[4:]
    port = parts.port if _safe_port(parts) else None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = unquote(parts.path).rstrip("/")
    kept = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.casefold().startswith(_TRACKING_PREFIXES) and k.casefold() not in _TRACKING_KEYS
    ]
    query = urlencode(sorted(kept))
    return f"{host}{path}" + (f"?{query}" if query else "")


def _safe_port(parts) -> bool:
    try:
        return parts.port is not None
    except ValueError:
        return False


def canonical_urls(urls: pl.Series) -> pl.Series:
    """:func:`canonical_url` over a column."""
    return pl.Series(urls.name, [canonical_url(u) for u in urls.to_list()], dtype=pl.String)
