"""Function words left out of the bag of words that dedup compares.

Two unrelated Arabic news articles share a tenth of their distinct words through
particles, prepositions and pronouns alone (في، من، على، أن، التي ...), which hides how
much of the *content* two articles share. The bag-of-words signature
(:mod:`corpuskit.dedup.sign`) therefore leaves out these words: Arabic and English
particles, prepositions, conjunctions, pronouns, demonstratives, relatives, auxiliaries
and reporting verbs, written here as :func:`corpuskit.normalize.fold` writes them (hamza
seats, alef maqsura and ta marbuta folded), with their common attached ``و``/``ف`` forms.
Words that carry an event's slots (days, dates, numbers, names, places) are never in the
list: they are what tells two templated items apart.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from corpuskit.normalize import fold

_ARABIC = """
في من الي علي عن مع ان انه انها ما لا لم لن قد هذا هذه هذان هاتان ذلك تلك هو هي هما هم
هن انا نحن انت انتم كان كانت يكون تكون كانوا يكن التي الذي الذين اللذان اللتان اللواتي او ام
ثم حتي اذا اذ بعد قبل بين خلال حيث كما كل بعض غير عند عندما لدي لدى منذ نحو حول دون ضد
فوق تحت امام وراء عليه عليها عليهم فيه فيها فيهم منه منها منهم له لها لهم به بها بهم الي اي
ايضا فقط الا لكن لكنه لقد وقد وفي ومن وعلي والي وعن ومع وان وانه وما ولا ولم ولن وهو وهي
وهم وكان وكانت والتي والذي والذين وذلك وهذا وهذه وكما وبعد وقبل وبين وحيث فان فقد فقط بان
لان كي اما ذات هنا هناك هنالك مثل جدا قال وقال قالت وقالت يقول تقول اضاف واضاف اضافت
واضافت اكد واكد اكدت واكدت اشار واشار اشارت واشارت اوضح واوضح اوضحت واوضحت مشيرا مضيفا
كذلك وكذلك بينما فيما عبر لدي تم وتم يتم ويتم سوف ليس ليست اذن انما ربما بل بشان وفق
و ب ل ف ك
"""

_ENGLISH = """
the a an and or of to in on at for from by with as is are was were be been being it its
this that these those he she they we you i his her their our your him them us not no but
if then than so such which who whom whose what when where how all any each other some more
most can could will would shall should may might must do does did has have had also into
over after before about between up out said says
"""

FUNCTION_WORDS: frozenset[str] = frozenset(fold(w) for w in (_ARABIC + _ENGLISH).split())


@lru_cache(maxsize=1)
def function_word_hashes() -> np.ndarray:
    """Sorted ``hash_text`` values of :data:`FUNCTION_WORDS` (for ``np.isin``)."""
    from corpuskit.dedup.words import hash_text

    return np.unique(np.array([hash_text(w) for w in FUNCTION_WORDS], dtype=np.uint32))
