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
