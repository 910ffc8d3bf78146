"""Validated plans kept in the evidence cache, by the SHA-256 of the plan file's bytes.

A plan is a function of its file's bytes alone (the path it was given by is set afresh), so an
unchanged file need not be parsed and validated again. The entry's version is a hash of the
reading and validating code and the vocabularies it checks against: edit either and every plan
is read again. A damaged or unreadable entry is dropped and the file read the ordinary way.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from compiler.model.plan import Plan

KIND = "plan"
FORMAT = "1"                  # bump when what is stored changes shape

_COMPILER = Path(__file__).resolve().parents[1]
_SOURCES = ("plans/loader.py", "plans/schema.py", "plans/strict_yaml.py", "plans/cache.py",
            "model/plan.py", "vocab.py")
_version: str | None = None


def usable(cache: Any) -> bool:
    return cache is not None and getattr(cache, "usable", False)


def version() -> str:
    """FORMAT, a hash of the code and vocabularies a plan depends on, and pydantic's version."""
    global _version
    if _version is None:
        import pydantic

        from evidence_store.cache import source_digest

        data = sorted(p.relative_to(_COMPILER).as_posix() for p in (_COMPILER / "data").glob("*.yaml"))
        _version = f"{FORMAT}:{source_digest(*_SOURCES, *data, base=_COMPILER)}:pydantic={pydantic.VERSION}"
    return _version


def get(cache: Any, sha256: str, file: str) -> Plan | None:
    """The plan read before from a file with these bytes, now given as `file`; None if unknown."""
    found = cache.get(KIND, sha256, version())
    if found is None:
        return None
    value, data = found
    try:
        if value != {"format": FORMAT} or not isinstance(data, bytes):
            raise ValueError("not a plan entry")
        plan = Plan.model_validate_json(data)
    except Exception:  # noqa: BLE001 - anything wrong with an entry means: read the file again
        cache.drop(KIND, sha256, version())
        return None
    plan.file = file
    return plan


def put(cache: Any, sha256: str, plan: Plan) -> None:
    """Keep `plan` (read from a file with these bytes); the path it was given by is not kept."""
    data = plan.model_copy(update={"file": ""}).model_dump_json().encode("utf-8")
    cache.put(KIND, sha256, version(), {"format": FORMAT}, data)
