"""One frozen configuration for a run, read from TOML, every option checked.

Where options come from, lowest precedence first: built-in defaults, ``[tool.corpuskit]``
in ``pyproject.toml`` or a ``corpuskit.toml`` in the working directory, the file given
with ``--config``, then command-line flags. Unknown keys are errors (a misspelled option
that silently does nothing is worse than no option).

Layout of a config file (all sections optional)::

    workers = 0

    [input]
    text_col = "content"
    strict = false

    [validate]
    select = ["BP", "Q"]          # codes, code prefixes or categories
    ignore = ["BP310"]
    rule_dirs = ["my-rules"]      # extra rule folders
    [validate.per_source.alweeam]
    ignore = ["Q"]
    [validate.severity]
    BP101 = "error"

    [dedup]
    threshold = 0.5

**The option registry.** Every option is declared once, as a dataclass field made by
:func:`option`: its default, its meaning, its kind (integer, number, text, list of codes,
...) and its range. Loading a file, building an options object in Python and
``dataclasses.replace`` all check values against that declaration, so an out-of-range
value never reaches a stage; :func:`option_rows` lists the declarations for the docs
(``docs/configuration.md`` is generated from them). Checks that need more than one
option, or knowledge from elsewhere (for example that a selected rule code exists), are
registered with :func:`register_config_check` and run on every loaded configuration.
"""

from corpuskit.config.declare import SEVERITY_LEVELS, Kind, Option, declared_option, toml_value
from corpuskit.config.load import (
    ConfigCheck,
    as_config,
    config_from_dict,
    discover_config_file,
    load_config,
    register_config_check,
    run_config_checks,
)
from corpuskit.config.options import (
    Config,
    DedupOptions,
    InputOptions,
    SourceOverride,
    ValidateOptions,
    option_rows,
    options_markdown,
)

__all__ = [
    "SEVERITY_LEVELS",
    "Config",
    "ConfigCheck",
    "DedupOptions",
    "InputOptions",
    "Kind",
    "Option",
    "SourceOverride",
    "ValidateOptions",
    "as_config",
    "config_from_dict",
    "declared_option",
    "discover_config_file",
    "load_config",
    "option_rows",
    "options_markdown",
    "register_config_check",
    "run_config_checks",
    "toml_value",
]
