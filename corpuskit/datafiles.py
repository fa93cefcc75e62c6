"""Where the folders that ship beside the Python package are: ``rules/`` and ``seeds/``.

In a checkout (or an editable install) they are folders at the top of the repository,
next to ``pyproject.toml``. An installed wheel carries them as data files under
``<prefix>/share/corpuskit/`` (see ``[tool.setuptools.data-files]`` in pyproject.toml).
"""

from __future__ import annotations

import sys
from pathlib import Path

from corpuskit.errors import CorpuskitError

CHECKOUT = Path(__file__).resolve().parent.parent
SHARE = ("share", "corpuskit")


def installed_dirs(name: str) -> list[Path]:
    """Where an installed corpuskit keeps the data folder ``name``, in search order."""
    prefixes = dict.fromkeys((sys.prefix, sys.base_prefix))
    return [Path(prefix).joinpath(*SHARE, name) for prefix in prefixes]


def data_dir(name: str, what: str, error: type[CorpuskitError] = CorpuskitError) -> Path:
    """The data folder ``name`` (``"rules"``, ``"seeds"``): the checkout's, else the
    installed one. ``what`` names it in the ``error`` raised when neither exists."""
    checkout = CHECKOUT / name
    if checkout.is_dir() and (CHECKOUT / "pyproject.toml").is_file():
        return checkout
    for installed in installed_dirs(name):
        if installed.is_dir():
            return installed
    looked = ", ".join(str(p) for p in [checkout, *installed_dirs(name)])
    raise error(
        f"{what} is missing: none of {looked} exists",
        hint="reinstall corpuskit (it ships these as data files), or run from a checkout",
    )
