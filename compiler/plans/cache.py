"""Validated plans kept in the evidence cache, by the SHA-256 of the plan file's bytes.

A plan is a function of its file's bytes alone (the path it was given by is set afresh), so an
unchanged file need not be parsed and validated again. The entry's version is a hash of the
reading and validating code and the vocabularies it checks against: edit either and every plan
is read again. A damaged or unreadable entry is dropped and the file read the ordinary way.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from compiler.model.plan import Plan
from evidence_store.shelf import Shelf, code_version

if TYPE_CHECKING:
    from evidence_store.cache import EvidenceCache

KIND = "plan"
FORMAT = "1"                  # bump when what is stored changes shape

_DATA = Path(__file__).resolve().parents[1] / "data"
_version: str | None = None


def version() -> str:
    """FORMAT, the code and vocabularies a plan depends on, and pydantic's version."""
    global _version
    if _version is None:
        code = code_version("compiler.plans.loader", "compiler.plans.cache", libraries=("pydantic",),
                            files=sorted(_DATA.glob("*.yaml")))
        _version = f"{FORMAT}:{code}"
    return _version


def shelf(cache: EvidenceCache | None) -> Shelf[Plan]:
    return Shelf(cache, KIND, version() if cache is not None else "")


def _read(value: Any, data: bytes | None) -> Plan:
    if value != {"format": FORMAT} or not isinstance(data, bytes):
        raise ValueError("not a plan entry")
    return Plan.model_validate_json(data)


def get(cache: EvidenceCache | None, sha256: str, file: str) -> Plan | None:
    """The plan read before from a file with these bytes, now given as `file`; None if unknown."""
    plan = shelf(cache).find(sha256, _read)
    if plan is not None:
        plan.file = file
    return plan


def put(cache: EvidenceCache | None, sha256: str, plan: Plan) -> None:
    """Keep `plan` (read from a file with these bytes); the path it was given by is not kept."""
    data = plan.model_copy(update={"file": ""}).model_dump_json().encode("utf-8")
    shelf(cache).keep(sha256, {"format": FORMAT}, data)
