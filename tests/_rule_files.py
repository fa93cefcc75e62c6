"""A small user rule file, shared by the tests of loading, validating and `rules test`."""

ADVERT_RULE = """
[[rule]]
code = "XX901"
name = "advert-label"
category = "custom"
scope = "line"
action = "strip"
severity = "info"
languages = ["any"]
pattern = '^اعلان$'
rationale = "an advert label"
message = "remove it"
[[rule.examples]]
text = "نص.\\nإعلان"
clean = "نص."
[[rule.examples]]
text = "هذا إعلان مهم."
match = false
"""


def raw_strip_rule(code: str, name: str, pattern: str, *, extra: str = "") -> str:
    """A user rule that strips raw lines (or spans, with ``extra``) matching ``pattern``
    (a TOML literal string: backslashes as the regular expression has them)."""
    return f"""
[[rule]]
code = "{code}"
name = "{name}"
category = "custom"
scope = "line"
action = "strip"
severity = "info"
languages = ["any"]
match = "raw"
pattern = '{pattern}'
{extra}
rationale = "a test rule"
message = "none"
"""
