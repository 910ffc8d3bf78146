"""Plan YAML -> Plan models, keeping the line of every field (SPEC 2.1)."""
from __future__ import annotations

from compiler.plans.loader import load_plan_file, load_plans

__all__ = ["load_plans", "load_plan_file"]
