"""The rule catalogue: one small documented function per rule code, in five families.

Importing the package registers every rule: the registry first, then the families, which import
`rule` and `Hit` from it (the registry imports none of them)."""
from __future__ import annotations

from compiler.rules import closure, hidden, owned, reviewed, specific, tested  # noqa: F401 - registers the rules
from compiler.rules.registry import RULES, Hit, Rule, RuleContext, catalogue_table, explain, rule, run_rules

__all__ = ["RULES", "Hit", "Rule", "RuleContext", "catalogue_table", "explain", "rule", "run_rules"]
