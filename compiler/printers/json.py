"""The `check --format json` object (its keys are listed in the README) and the evidence catalogue as JSON."""
from __future__ import annotations

from typing import Any

from compiler.model.assessment import Assessment
from compiler.model.evidence import Catalogue
from compiler.model.finding import Finding

_FINDING_KEYS = ("rule", "name", "severity", "plan", "action", "evidence", "message", "hint", "file", "line",
                 "cell")


def finding_json(finding: Finding) -> dict[str, Any]:
    data = {key: getattr(finding, key) for key in _FINDING_KEYS}
    if finding.waived:
        data["waiver_reason"] = finding.waiver_reason
    return data


def severity_counts(findings: list[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def check_json(assessment: Assessment) -> dict[str, Any]:
    """The shape the README promises, exactly; waived findings go under "waived" so they are listed, not counted."""
    counted = assessment.counted()
    return {
        "as_of": assessment.as_of.isoformat(),
        "tool_version": assessment.tool_version,
        "summary": {
            "plans": len(assessment.plans),
            "actions": len(assessment.actions),
            "findings": severity_counts(counted),
        },
        "actions": [
            {
                "id": a.id,
                "plan": a.plan,
                "owner": a.owner,
                "declared_rag": a.declared_rag,
                "assessed_rag": a.assessed_rag,
                "status": a.status,
                "requirements": [
                    {"type": r.type, "count": r.count, "found": r.found, "current": r.current,
                     "evidence": list(r.evidence), "met": r.met}
                    for r in a.requirements
                ],
                "closure": {
                    "indicators": a.closure.indicators.result,
                    "audit": a.closure.audit.result,
                    "staff": a.closure.staff.result,
                    "governance": a.closure.governance.result,
                    "ready": a.closure.ready,
                },
            }
            for a in assessment.actions
        ],
        "findings": [finding_json(f) for f in counted],
        "waived": [finding_json(f) for f in assessment.findings if f.waived],
    }


def catalogue_json(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "root": catalogue.root,
        "problems": list(catalogue.problems),
        "items": [
            item.model_dump(mode="json", exclude={"text", "scores", "series"})
            | {"scores": len(item.scores), "series": len(item.series)}
            for item in catalogue.items
        ],
    }
