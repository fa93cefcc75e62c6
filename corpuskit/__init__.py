"""corpuskit: data quality and deduplication for news corpora, Arabic first.

The Python API is small and works on polars frames (frames in, frames out). A frame
needs an ``id`` and a ``text`` column; ``title``, ``source``, ``url`` and ``date`` are used
when present, and any other column is carried through untouched.

>>> import polars as pl
>>> import corpuskit
>>> story = (
...     "أعلنت وزارة الصحة اليوم عن افتتاح مستشفى جديد في مدينة جدة بسعة خمسمئة سرير، "
...     "ويضم المستشفى أقساما للطوارئ والعناية المركزة وجراحة القلب، وسيخدم سكان "
...     "الأحياء الشمالية من المدينة ابتداء من الشهر المقبل."
... )
>>> docs = pl.DataFrame({
...     "id": ["a", "b", "c"],
...     "title": ["افتتاح مستشفى في جدة", "مستشفى جديد بجدة", "افتتاح مستشفى في جدة"],
...     "text": [story + "\\nمواضيع ذات صلة", story, "خبر آخر لا علاقة له بالمستشفى أبدا."],
... })
>>> cleaned = corpuskit.dedup(corpuskit.validate(docs))
>>> cleaned.select("id", "keep", "dup_of").rows()
[('a', True, None), ('b', False, 'a'), ('c', True, None)]
>>> cleaned["text_clean"][0] == story
True

``corpuskit.validate(frame, config=..., rules=...)`` and ``corpuskit.dedup(frame,
config=...)`` run the two stages on a frame (the subpackages of those names are
callable); :func:`clean` runs the whole job on files, as ``corpuskit clean`` does;
:func:`read` reads any supported input into the canonical frame; :func:`load_rules` and
:func:`open_index` give the rule set and a persisted duplicate index. ``config`` is a
:class:`corpuskit.config.Config`, a TOML file, or None for the defaults.
"""

__version__ = "0.1.0"

# ``corpuskit.validate`` and ``corpuskit.dedup`` are subpackages that can be called like
# the functions corpuskit.api.validate and corpuskit.api.dedup (see corpuskit._callable),
# so both ``corpuskit.validate(frame)`` and ``import corpuskit.validate.engine`` work.
import corpuskit.dedup
import corpuskit.validate  # noqa: F401
from corpuskit.api import clean, load_rules, open_index, read

__all__ = ["__version__", "clean", "dedup", "load_rules", "open_index", "read", "validate"]
