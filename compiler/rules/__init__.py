"""The rule catalogue (SPEC 4): one small documented function per rule code, in five families."""
from __future__ import annotations

from compiler.rules.registry import RULES, Hit, Rule, RuleContext, catalogue_table, explain, rule, run_rules

__all__ = ["RULES", "Hit", "Rule", "RuleContext", "catalogue_table", "explain", "rule", "run_rules"]
