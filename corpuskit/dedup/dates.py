"""Publication dates as news corpora write them, read into UTC datetimes.

Dates decide two things in dedup: which documents the loose content-word bands compare
at all (those dated less than ``window_days`` apart) and which version of a story is
kept (the newest, after the most complete). A date corpuskit cannot read leaves its
document *undated*: it takes no part in the time window and counts as oldest. On the
labelled days, a corpus with no dates loses about a tenth of its copies (README,
"Duplicates on real news"), so dates are read in every form news corpora commonly use:

* ISO 8601 with or without seconds, fractional seconds, ``T``, ``Z``, ``UTC`` or an
  offset (``2015-07-22 10:30``, ``2015-07-22T10:30:00.123+03:00``, ``+03``), also with
  ``/`` or ``.`` between the parts (``2015/07/22``) and in its basic form
  (``20150722T103000``, ``2015-07-22T103000``);
* RFC 822, as feeds write it (``Wed, 22 Jul 2015 10:30:00 +0300`` or ``GMT``);
* day first, as Arab outlets write it (``22/07/2015``, ``22-07-2015 10:30``,
  ``22.07.2015``); month first (``07/22/2015``) only where day first cannot be (a
  "month" above 12), so ``05/07/2015`` is the fifth of July;
* the month by name, in English or Arabic: ``July 22, 2015``, ``22 Jul 2015``,
  ``الأربعاء 22 يوليو 2015م``, ``22 تموز 2015`` (the Egyptian, Levantine and Maghreb
  names of the Gregorian months; Arabic-Indic digits read as digits; where a Hijri
  date stands beside the Gregorian one, the Gregorian one is read);
* a Hijri date alone (``6 شوال 1436 هـ``), on the arithmetic Islamic calendar: the day
  of the Umm al-Qura calendar Saudi outlets use, or one or two days from it;
* compact ``20150722``, and Unix time in seconds or milliseconds (``1437561000``,
  also as an integer column);
* a Parquet or Arrow datetime column as it is (a naive one read as UTC).

A time without a zone is read as UTC; only differences between dates matter to dedup.
With the month by name, a time marked PM or AM (``مساءً``, ``م``; ``صباحًا``, ``ص``) is
read on the twelve-hour clock.
"""

from __future__ import annotations

from typing import Any

import polars as pl

# Tried in order on the text with its digits made ASCII, ``/`` or ``.`` between the
# parts of a numeric date made ``-``, an offset of hours made one of hours and minutes
# (``+03``: ``+0300``) and a closing ``Z``, ``UTC`` or ``GMT`` dropped; the first that
# reads a value gives it.
_NUMERIC_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M%z",
    "%a, %d %b %Y %H:%M:%S %z",
    "%a, %d %b %Y %H:%M:%S",  # also RFC 822 with the zone named GMT (BBC, SkyNews, France24)
    "%Y-%m-%d",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%m-%d-%Y %H:%M:%S",
    "%m-%d-%Y %H:%M",
    "%m-%d-%Y",
    "%Y%m%d",
)

_ASCII_DIGITS = [str(d) for d in range(10)] * 2  # for the Arabic-Indic and the Persian ones
_OTHER_DIGITS = [chr(0x0660 + d) for d in range(10)] + [chr(0x06F0 + d) for d in range(10)]

# The Gregorian months by their Arabic names (Egyptian, Levantine, Maghreb spellings),
# each with and without hamza, as English names that the format ``%B`` reads.
ARABIC_MONTHS: dict[str, tuple[str, ...]] = {
    "January": ("يناير", "كانون الثاني", "جانفي"),
    "February": ("فبراير", "شباط", "فيفري", "فبرایر"),
    "March": ("مارس", "آذار", "اذار"),
    "April": ("أبريل", "ابريل", "إبريل", "نيسان", "أفريل", "افريل"),
    "May": ("مايو", "أيار", "ايار", "ماي"),
    "June": ("يونيو", "يونية", "يونيه", "حزيران", "جوان"),
    "July": ("يوليو", "يولية", "يوليه", "تموز", "جويلية", "يوليوز"),
    "August": ("أغسطس", "اغسطس", "آب", "اب", "أوت", "اوت", "غشت"),
    "September": ("سبتمبر", "أيلول", "ايلول", "شتنبر"),
    "October": ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين الاول"),
    "November": ("نوفمبر", "تشرين الثاني", "نونبر"),
    "December": ("ديسمبر", "كانون الأول", "كانون الاول", "دجنبر"),
}

_MONTH = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
)
_TIME = r"(?:\D{0,12}?(\d{1,2}:\d{2})(:\d{2})?)?"
# "22 July 2015 10:30" and "July 22, 2015 10:30", anywhere in the text (the day, the
# month, the year, the hour and minute, the seconds)
_DAY_FIRST = rf"(?i)\b(\d{{1,2}})\s*(?:-|\s)\s*({_MONTH})\b\.?\s*(?:-|,|،|\s)\s*(\d{{4}}){_TIME}"
_MONTH_FIRST = rf"(?i)\b({_MONTH})\b\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?[,،]?\s+(\d{{4}}){_TIME}"


def _with_english_months(text: pl.Expr) -> pl.Expr:
    """Arabic month names replaced by English ones, each only as a whole word (so
    ``اب`` is August only standing alone), longest names first."""
    names = sorted(
        ((arabic, english) for english, spellings in ARABIC_MONTHS.items() for arabic in spellings),
        key=lambda pair: -len(pair[0]),
    )
    for arabic, english in names:
        # Arabic letters are word characters to the regex engine: \b bounds the word
        text = text.str.replace_all(rf"\b{arabic}\b", f" {english} ")
    return text


def _named_month(text: pl.Expr) -> pl.Expr:
    """A date with the month by name, rewritten as ``22 July 2015 10:30:00``."""

    def rebuilt(pattern: str, day: int, month: int) -> pl.Expr:
        parts = text.str.extract_groups(pattern)
        return pl.concat_str(
            parts.struct.field(str(day)),
            pl.lit(" "),
            parts.struct.field(str(month)),
            pl.lit(" "),
            parts.struct.field("3"),
            pl.lit(" "),
            parts.struct.field("4").fill_null("00:00"),
            parts.struct.field("5").fill_null(":00"),
        )

    return pl.coalesce(rebuilt(_DAY_FIRST, 1, 2), rebuilt(_MONTH_FIRST, 2, 1))


def _twelve_hour(text: pl.Expr, parsed: pl.Expr) -> pl.Expr:
    """``parsed`` moved to the afternoon where ``text`` gives its time as PM (an hour
    before 12), to midnight's hour where it gives 12 AM."""
    # after the time: PM, AM, or the Arabic مساءً (evening), م, صباحًا (morning), ص
    pm = text.str.contains(r"(?i):\d{2}(?::\d{2})?\s*(?:p\.?m\b|مساء|م(?:\s|$))")
    am = text.str.contains(r"(?i):\d{2}(?::\d{2})?\s*(?:a\.?m\b|صباح|ص(?:\s|$))")
    hour = parsed.dt.hour()
    return (
        pl.when(pm & (hour < 12))
        .then(parsed + pl.duration(hours=12))
        .when(am & (hour == 12))
        .then(parsed - pl.duration(hours=12))
        .otherwise(parsed)
    )


# The months of the Hijri calendar, as written with hamza, alef maqsura and ta marbuta
# folded (أإآ -> ا, ى -> ي, ة -> ه), numbered 1-12.
HIJRI_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("محرم",),
    2: ("صفر",),
    3: ("ربيع الاول", "ربيع اول"),
    4: ("ربيع الاخر", "ربيع الثاني", "ربيع ثاني", "ربيع اخر"),
    5: ("جمادي الاولي", "جمادي الاول", "جمادي اولي"),
    6: ("جمادي الاخره", "جمادي الاخر", "جمادي الثانيه", "جمادي ثاني"),
    7: ("رجب",),
    8: ("شعبان",),
    9: ("رمضان",),
    10: ("شوال",),
    11: ("ذو القعده", "ذي القعده"),
    12: ("ذو الحجه", "ذي الحجه"),
}
_HIJRI_DATE = rf"\b(\d{{1,2}})\s*(?:-|\s)\s*H(\d{{2}})\s*(?:-|,|،|\s)\s*(1[3-5]\d{{2}}){_TIME}"
# days from the Julian day number 0 to 1 January 1970
_UNIX_EPOCH_JDN = 2440588
HIJRI_EPOCH_JDN = 1948440  # the Julian day number of 1 Muharram 1 AH (16 July 622)


def hijri_julian_day(year: Any, month: Any, day: Any) -> Any:
    """The Julian day number of a date of the arithmetic (tabular) Islamic calendar:
    months of 30 and 29 days in turn, 11 leap years in 30. Integer arithmetic only, so
    it takes ints or polars expressions alike (``ceil(29.5 * (month - 1))`` written as
    ``(59 * (month - 1) + 1) // 2``)."""
    return (
        day
        + (59 * (month - 1) + 1) // 2
        + (year - 1) * 354
        + (3 + 11 * year) // 30
        + HIJRI_EPOCH_JDN
        - 1
    )


def _hijri(text: pl.Expr) -> pl.Expr:
    """A date of the Hijri calendar (``6 شوال 1436 هـ``), read with the arithmetic
    (tabular) Islamic calendar: the same day as the Umm al-Qura calendar of Saudi
    outlets, or one or two days from it (6 Shawwal 1436 reads as 23 July 2015, not 22):
    close enough for the time window, and the same for every copy dated alike."""
    folded = text.str.replace_many(["أ", "إ", "آ", "ى", "ة"], ["ا", "ا", "ا", "ي", "ه"])
    names = sorted(
        ((name, month) for month, spellings in HIJRI_MONTHS.items() for name in spellings),
        key=lambda pair: -len(pair[0]),
    )
    for name, month in names:
        folded = folded.str.replace_all(rf"\b{name}\b", f" H{month:02d} ")
    parts = folded.str.extract_groups(_HIJRI_DATE)
    day = parts.struct.field("1").cast(pl.Int64)
    month = parts.struct.field("2").cast(pl.Int64)
    year = parts.struct.field("3").cast(pl.Int64)
    julian_day = hijri_julian_day(year, month, day)
    clock = pl.concat_str(
        parts.struct.field("4").fill_null("00:00"), parts.struct.field("5").fill_null(":00")
    ).str.to_time("%H:%M:%S", strict=False)
    valid = (day >= 1) & (day <= 30) & (month >= 1) & (month <= 12)
    stamp = ((julian_day - _UNIX_EPOCH_JDN) * 86_400_000_000).cast(pl.Datetime("us"))
    stamp = stamp + clock.cast(pl.Duration("us")).fill_null(pl.duration(hours=0))
    return pl.when(valid).then(stamp).dt.replace_time_zone("UTC")


def _unix_time(text: pl.Expr) -> pl.Expr:
    """Seconds (9 or 10 digits: 1973–2286) or milliseconds (12 or 13) since 1970."""
    digits = text.str.extract(r"^(\d{9,10}|\d{12,13})(?:\.\d*)?$")
    millis = digits.cast(pl.Int64) * pl.when(digits.str.len_chars() <= 10).then(1000).otherwise(1)
    return millis.cast(pl.Datetime("ms")).dt.cast_time_unit("us").dt.replace_time_zone("UTC")


def _parsed(text: pl.Expr, fmt: str) -> pl.Expr:
    if "%z" in fmt:
        return text.str.to_datetime(fmt, strict=False, time_zone="UTC", time_unit="us")
    return text.str.to_datetime(fmt, strict=False, time_unit="us").dt.replace_time_zone("UTC")


def parse_dates(dates: pl.Series) -> pl.Series:
    """Best-effort UTC datetimes of ``dates`` (null where no form above fits)."""
    if isinstance(dates.dtype, pl.Datetime):
        if dates.dtype.time_zone is None:
            return dates.dt.cast_time_unit("us").dt.replace_time_zone("UTC").alias("date")
        return dates.dt.cast_time_unit("us").dt.convert_time_zone("UTC").alias("date")
    if dates.dtype == pl.Date:
        return dates.cast(pl.Datetime("us")).dt.replace_time_zone("UTC").alias("date")
    d = pl.col("d")
    numeric = (
        d.str.replace(r"^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})", "${1}-${2}-${3}")
        # ISO 8601's basic form: 20150722T103000, 2015-07-22T1030
        .str.replace(r"^(\d{4})(\d{2})(\d{2})T", "${1}-${2}-${3}T")
        .str.replace(r"^(\d{4}-\d{1,2}-\d{1,2})T(\d{2})(\d{2})(\d{2})", "${1}T${2}:${3}:${4}")
        .str.replace(r"^(\d{4}-\d{1,2}-\d{1,2})T(\d{2})(\d{2})(\D|$)", "${1}T${2}:${3}${4}")
        .str.replace(r"(:\d{2}(?:\.\d+)?)([+-]\d{2})$", "${1}${2}00")  # +03: +0300
        .str.replace(r"(\d)Z$", "${1}")  # Z and UTC: a time in UTC, as unzoned times are
        .str.replace(r"(\d)\s+(?:UTC|GMT)$", "${1}")
    )
    attempts = [_parsed(numeric, fmt) for fmt in _NUMERIC_FORMATS]
    attempts += [
        _unix_time(d),
        _twelve_hour(d, _parsed(_named_month(_with_english_months(d)), "%d %B %Y %H:%M:%S")),
        _twelve_hour(d, _hijri(d)),
    ]
    texts = pl.DataFrame({"d": dates.cast(pl.String).str.strip_chars()}).with_columns(
        d.str.replace_many(_OTHER_DIGITS, _ASCII_DIGITS)
    )
    parsed = pl.Series("date", [None] * texts.height, dtype=pl.Datetime("us", "UTC"))
    unread = texts["d"].is_not_null() & (texts["d"] != "")
    # each form tried only on the rows no form before it read: a corpus writes its
    # dates one or two ways, so most forms are never tried on most rows (and the named
    # months, a regular expression per Arabic spelling, are the costly ones)
    for attempt in attempts:
        if not unread.any():
            break
        got = texts.filter(unread).select(attempt).to_series()
        read_now = got.is_not_null()
        if read_now.any():
            at = unread.arg_true().filter(read_now)
            parsed = parsed.scatter(at, got.filter(read_now))
            unread = unread.scatter(at, False)
    return parsed


def unread_dates(dates: pl.Series, parsed: pl.Series) -> pl.Series:
    """The date as given where one was given but not read (``parsed`` null), else null:
    what a run tells its user about (a document with such a date is undated)."""
    given = dates.cast(pl.String).str.strip_chars()
    return pl.select(
        pl.when(given.is_not_null() & (given != "") & parsed.is_null()).then(given)
    ).to_series()
