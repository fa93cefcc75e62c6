"""Publication dates read in the forms news corpora write them (corpuskit.dedup.dates)."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import polars as pl
import pytest

from corpuskit.dedup.dates import ARABIC_MONTHS, parse_dates

UTC = dt.UTC


def read(*texts: str | None) -> list[dt.datetime | None]:
    return parse_dates(pl.Series(list(texts), dtype=pl.String)).to_list()


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-07-22 10:30", at(2015, 7, 22, 10, 30)),
        ("2015-07-22T10:30", at(2015, 7, 22, 10, 30)),
        ("2015-07-22 10:30:15", at(2015, 7, 22, 10, 30, 15)),
        ("2015-7-2", at(2015, 7, 2)),
        ("2015/07/22", at(2015, 7, 22)),
        ("2015/07/22 10:30:00", at(2015, 7, 22, 10, 30)),
        ("22-07-2015", at(2015, 7, 22)),
        ("22.07.2015", at(2015, 7, 22)),
        ("22/07/2015 10:30", at(2015, 7, 22, 10, 30)),
        ("07/22/2015", at(2015, 7, 22)),  # month first only where day first cannot be
        ("05/07/2015", at(2015, 7, 5)),  # day first, as Arab outlets write it
        ("20150722", at(2015, 7, 22)),
        ("1437561000", at(2015, 7, 22, 10, 30)),  # Unix seconds
        ("1437561000000", at(2015, 7, 22, 10, 30)),  # and milliseconds
        ("July 22, 2015", at(2015, 7, 22)),
        ("22 Jul 2015 10:30", at(2015, 7, 22, 10, 30)),
        ("22 july 2015", at(2015, 7, 22)),
        ("الأربعاء 22 يوليو 2015م", at(2015, 7, 22)),
        ("٢٢ تموز ٢٠١٥", at(2015, 7, 22)),  # Arabic-Indic digits, the Levantine name
        ("3 أيلول 2015 الساعة 14:05", at(2015, 9, 3, 14, 5)),
        ("1 كانون الثاني 2016", at(2016, 1, 1)),  # a two-word month
        ("12 جويلية 2018", at(2018, 7, 12)),  # the Maghreb name
        ("22 اب 2015", at(2015, 8, 22)),
        # the Hijri date beside it is passed over: its months are not Gregorian
        ("الأربعاء 6 شوال 1436 هـ الموافق 22 يوليو 2015 م", at(2015, 7, 22)),
        ("2015-07-22T10:30:00+03:00", at(2015, 7, 22, 7, 30)),
        ("Wed, 22 Jul 2015 10:30:00 +0300", at(2015, 7, 22, 7, 30)),
        ("Sun, 18 Feb 2018 21:35:43 GMT", at(2018, 2, 18, 21, 35, 43)),
        ("2015-07-22 10:00:00.000000", at(2015, 7, 22, 10)),
        ("2015-07-22 10:30:00+03", at(2015, 7, 22, 7, 30)),  # an offset of hours only
        ("2015-07-22 10:30:00-0500", at(2015, 7, 22, 15, 30)),
        ("2015-07-22T10:30Z", at(2015, 7, 22, 10, 30)),
        ("20150722T103000", at(2015, 7, 22, 10, 30)),  # ISO 8601's basic form
        ("2015-07-22T103000", at(2015, 7, 22, 10, 30)),
        ("20150722T1030Z", at(2015, 7, 22, 10, 30)),
        ("20150722T103000+0300", at(2015, 7, 22, 7, 30)),
        ("2015-07-22 10:30:00 UTC", at(2015, 7, 22, 10, 30)),
        ("Wednesday, July 22, 2015 10:30 PM", at(2015, 7, 22, 22, 30)),
        ("July 22, 2015 12:15 a.m.", at(2015, 7, 22, 0, 15)),
        ("22 Jul 2015 12:15 PM", at(2015, 7, 22, 12, 15)),
        ("الأربعاء، 22 يوليو، 2015", at(2015, 7, 22)),  # the Arabic comma
        ("يوليو 22، 2015", at(2015, 7, 22)),
        ("22 يوليه 2015", at(2015, 7, 22)),  # the Egyptian spelling
        ("الاربعاء 22 يوليو 2015 الساعة 10:30 مساء", at(2015, 7, 22, 22, 30)),
        ("٢٢ أغسطس ٢٠١٥ ٠٣:٣٠ م", at(2015, 8, 22, 15, 30)),  # م after a time: PM
        ("22 يوليو 2015م", at(2015, 7, 22)),  # م after a year: the Gregorian calendar
        ("22 يوليو 2015 12:10 ص", at(2015, 7, 22, 0, 10)),
        # Hijri dates, on the arithmetic calendar (Umm al-Qura: 22 July 2015, 10 December
        # 2015, 11 May 2015; the Eid al-Adha of 1436 on 24 September on both)
        ("6 شوال 1436 هـ", at(2015, 7, 23)),
        ("الأربعاء ٦ شوال ١٤٣٦هـ - 10:30 م", at(2015, 7, 23, 22, 30)),
        ("1 ربيع الأول 1437", at(2015, 12, 13)),
        ("22 رجب 1436", at(2015, 5, 11)),
        ("10 ذو الحجة 1436", at(2015, 9, 24)),
        ("2 جمادى الآخرة 1436", at(2015, 3, 23)),
    ],
)
def test_each_form_reads_as_its_date(text, expected):
    assert read(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "nonsense",
        "",
        "13/13/2015",
        "الخطاب 2015",
        "35 شوال 1436",
        "0 شوال 1436",
        "6 شوال",
        "123",
        "2015",
    ],
)
def test_what_is_no_date_is_none(text):
    assert read(text) == [None]


def test_a_month_name_counts_only_as_a_whole_word():
    """``اب`` (August) inside another word is not a month."""
    assert read("22 الخطاب 2015") == [None]


def test_datetime_and_integer_columns():
    naive = pl.Series([dt.datetime(2015, 7, 22, 10), None])
    assert parse_dates(naive).to_list() == [at(2015, 7, 22, 10), None]
    zoned = pl.Series([dt.datetime(2015, 7, 22, 10, tzinfo=UTC)]).dt.convert_time_zone(
        "Asia/Riyadh"
    )
    assert parse_dates(zoned).to_list() == [at(2015, 7, 22, 10)]
    assert parse_dates(pl.Series([dt.date(2015, 7, 22)])).to_list() == [at(2015, 7, 22)]
    assert parse_dates(pl.Series([1437561000, None])).to_list() == [at(2015, 7, 22, 10, 30), None]
    assert parse_dates(pl.Series([None, None])).to_list() == [None, None]


def test_every_hijri_month_name_reads_as_its_month():
    """The first of each month of 1437 (tabular calendar) is 29 or 30 days after the
    first of the month before, whatever spelling of the month is used."""
    from corpuskit.dedup.dates import HIJRI_MONTHS

    firsts = []
    for month, spellings in HIJRI_MONTHS.items():
        days = {read(f"1 {name} 1437")[0] for name in spellings}
        assert len(days) == 1 and None not in days, (month, days)
        firsts.append(days.pop())
    gaps = [(b - a).days for a, b in itertools.pairwise(firsts)]
    assert set(gaps) <= {29, 30} and len(gaps) == 11


def test_every_arabic_month_name_reads_as_its_month():
    for month, (english, spellings) in enumerate(ARABIC_MONTHS.items(), start=1):
        for name in spellings:
            assert read(f"9 {name} 2016") == [at(2016, month, 9)], (english, name)


def test_mixed_forms_in_one_column_keep_their_rows():
    """Rows read by a format and rows read by month name come back in their places."""
    rng = random.Random()
    seed = rng.randrange(2**32)
    rng.seed(seed)
    days = [at(2015, 1, 1) + dt.timedelta(days=rng.randrange(3000)) for _ in range(200)]
    writers = [
        lambda d: d.strftime("%Y-%m-%d %H:%M:%S"),
        lambda d: d.strftime("%d/%m/%Y"),
        lambda d: f"{d.day} {ARABIC_MONTHS[d.strftime('%B')][0]} {d.year}",
        lambda d: d.strftime("%B %d, %Y"),
        lambda d: str(int(d.timestamp())),
    ]
    texts = [rng.choice(writers)(d) for d in days]
    assert read(*texts) == days, f"seed {seed}"


def test_a_run_says_how_many_dates_it_could_not_read(tmp_path, caplog):
    import json
    import logging

    import corpuskit

    given = ["2015-07-22", "منذ ساعتين", "الثلاثاء", "22 يوليو 2015", "منذ ساعتين", None]
    given += ["<script>alert(1)</script>"]
    rows = [
        {
            "id": f"d{i}",
            "text": f"خبر رقم {i} " + " ".join(f"كلمة{i}{j}" for j in range(12)),
            "date": d,
        }
        for i, d in enumerate(given)
    ]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="corpuskit"):
        result = corpuskit.clean([corpus], tmp_path / "out", workers=1)
    unread = result.summary["run"]["dates_unread"]
    examples = ["منذ ساعتين", "الثلاثاء", "<script>alert(1)</script>"]
    assert unread == {"documents": 4, "examples": examples}
    warning = next(r.getMessage() for r in caplog.records if "date in no form" in r.getMessage())
    assert warning.startswith("4 of 7 documents") and "'منذ ساعتين'" in warning
    report = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "منذ ساعتين" in report, "the report quotes the dates as written, not as \\u escapes"
    assert "<script>alert(1)</script>" not in report and "&lt;script&gt;alert(1)" in report

    read_all = corpuskit.clean([corpus], tmp_path / "plain", workers=1, dedup=False)
    assert "dates_unread" not in read_all.summary["run"], "no dedup, no dates read"
