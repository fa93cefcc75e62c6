"""The name evidence that ``benchmarks/_dedup_names.py`` measures on the dev days."""

from __future__ import annotations

from _benchmark_modules import load_benchmark_module

from corpuskit.normalize import fold

names = load_benchmark_module("_dedup_names")


def test_name_words_leave_out_function_words_numbers_and_common_words():
    common = {"برقيه", "تهنيه"}

    def is_name(word):
        return word not in common and not names.ordinary(word)

    cable_oman = fold("بعث الملك برقية تهنئة إلى السلطان قابوس عمان في 23 يوليو").split()
    cable_egypt = fold("بعث الملك برقية تهنئة إلى الرئيس السيسي مصر في 23 يوليو").split()
    got = names.name_features(cable_oman, cable_egypt, is_name)
    # names: {بعث, الملك, السلطان, قابوس, عمان, يوليو} and {بعث, الملك, الرييس, السيسي, مصر, يوليو}
    assert got["names_shared"] == 3.0
    assert got["name_jaccard"] == 3 / 9
    assert got["names_a_in_b"] == got["names_b_in_a"] == 0.5
    assert got["lead_names_a"] == got["lead_names_b"] == 3.0


def test_lead_names_count_only_the_opening_and_only_names_the_other_side_lacks():
    def is_name(word):
        return word != "كلمه"

    opening = ["جده"] + ["كلمه"] * (names.LEAD_WORDS - 1)
    article = [*opening, "مكه"]
    copy = names.name_features(article, ["مكه", "جده"], is_name)
    assert copy["lead_names_a"] == 0.0 and copy["names_a_in_b"] == 1.0
    other = names.name_features(article, ["الرياض"], is_name)
    # جده opens the article and the other lacks it; مكه, lacking too, is past the opening
    assert other["lead_names_a"] == 1.0 and other["lead_names_b"] == 1.0
    assert other["name_jaccard"] == 0.0
