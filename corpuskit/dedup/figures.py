"""The figures of a headline: its numbers and ordinals, the slot a serial item changes.

Serial bulletins reuse one headline with new figures ("تصحيح أوضاع 400 ألف يمني" one
day, "… 425 ألف …" the next; "الطائرة الإغاثية الرابعة" then "… السادسة"; market closes,
weather). Two headlines whose figures differ are different items of the series.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\d+")
# Ordinals count as figures too ("الطائرة الإغاثية الرابعة" / "… السادسة"), folded.
_ORDINALS = {
    word: rank
    for rank, forms in enumerate(
        [
            ("الاول", "الاولي", "first"),
            ("الثاني", "الثانيه", "second"),
            ("الثالث", "الثالثه", "third"),
            ("الرابع", "الرابعه", "fourth"),
            ("الخامس", "الخامسه", "fifth"),
            ("السادس", "السادسه", "sixth"),
            ("السابع", "السابعه", "seventh"),
            ("الثامن", "الثامنه", "eighth"),
            ("التاسع", "التاسعه", "ninth"),
            ("العاشر", "العاشره", "tenth"),
        ],
        start=1,
    )
    for word in forms
}


def figures(headline: str) -> set[str]:
    """The numbers and ordinals (as ``#rank``) of a folded headline."""
    words = headline.split()
    return set(_NUMBER.findall(headline)) | {f"#{_ORDINALS[w]}" for w in words if w in _ORDINALS}


def same_figures(a: str, b: str) -> bool:
    """False when both folded headlines carry numbers or ordinals and they differ."""
    figures_a, figures_b = figures(a), figures(b)
    return not (figures_a and figures_b and figures_a != figures_b)
