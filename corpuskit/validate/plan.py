"""Which rules run on which document, resolved once for a whole run.

A :class:`ValidationPlan` is built from a rule set and the ``[validate]`` options:
user rule folders added, ``select``/``ignore`` and severity overrides applied, the
per-source selections made. It is immutable and picklable, so an engine builds it once
and hands it to every batch and every worker process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpuskit.config import ValidateOptions
from corpuskit.rules import Rule, RuleSet, load_ruleset
from corpuskit.validate.evidence import EvidenceNeeds


@dataclass(frozen=True, eq=False)
class ValidationPlan:
    """The selected rules: ``base`` for every document, ``per_source`` where a source
    has its own selection."""

    base: tuple[Rule, ...]
    per_source: dict[str, tuple[Rule, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, ruleset: RuleSet | None = None, options: ValidateOptions | None = None
    ) -> ValidationPlan:
        """Resolve the rules once.

        ``ruleset`` defaults to the built-in rules. The rules of ``options.rule_dirs``
        are added unless ``ruleset`` already holds them (a caller that loaded them
        already does not get them twice).
        """
        options = options or ValidateOptions()
        dirs = [Path(d) for d in options.rule_dirs]
        if ruleset is None:
            ruleset = load_ruleset(dirs)
        elif dirs:
            have = {r.code for r in ruleset.rules}
            extra = load_ruleset(dirs, include_builtin=False)
            ruleset = RuleSet(ruleset.rules + tuple(r for r in extra.rules if r.code not in have))
        ruleset = ruleset.select(options.select, options.ignore).with_severity(options.severity)
        per_source = {
            src: ruleset.select(ov.select, ov.ignore).rules
            for src, ov in options.per_source.items()
        }
        return cls(ruleset.rules, per_source)

    def rules_for(self, source: str | None) -> tuple[Rule, ...]:
        if source is not None and source in self.per_source:
            return self.per_source[source]
        return self.base

    def all_rules(self) -> list[Rule]:
        """Every rule some document may run, each code once."""
        seen: dict[str, Rule] = {}
        for group in (self.base, *self.per_source.values()):
            for rule in group:
                seen.setdefault(rule.code, rule)
        return list(seen.values())

    def rules_with(self, detector: str) -> list[Rule]:
        return [r for r in self.all_rules() if r.detector == detector]

    @property
    def needs(self) -> EvidenceNeeds:
        """The corpus statistics the selected rules read."""
        anchor_rules = self.rules_with("other-document-headline")
        scopes = []
        if any(r.params["same_source"] for r in anchor_rules):
            scopes.append("source")
        if any(not r.params["same_source"] for r in anchor_rules):
            scopes.append("all")
        return EvidenceNeeds(
            repeated_lines=bool(self.rules_with("repeated-line")),
            anchors=bool(anchor_rules),
            anchor_scopes=tuple(scopes),
            run_rules=tuple(self.rules_with("inline-headline-run")),
        )
