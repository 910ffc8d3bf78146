"""docs/plan-format.md held to the plan schema: every key of every input model documented in the section of
its path, with the right required/default, the literal values and the vocabularies as the code has them."""
from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from compiler.model.plan import RAG, Kind, Risk, Status
from compiler.plans import schema
from compiler.vocab import vocab

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "plan-format.md"


def _model_in(annotation: typing.Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _is_list(annotation: typing.Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation))


def schema_paths() -> list[tuple[str, type[BaseModel]]]:
    """(path, model) for every mapping a plan file holds: ("", PlanFileIn), ("plan", PlanHeadIn),
    ("actions[].requires[]", RequirementIn)..., read from the schema itself."""
    found: list[tuple[str, type[BaseModel]]] = []
    todo: list[tuple[str, type[BaseModel]]] = [("", schema.PlanFileIn)]
    while todo:
        path, model = todo.pop(0)
        found.append((path, model))
        for key, info in model.model_fields.items():
            inner = _model_in(info.annotation)
            if inner is not None:
                todo.append((f"{path}.{key}".lstrip(".") + ("[]" if _is_list(info.annotation) else ""), inner))
    return found


def sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) of every heading of the page."""
    parts = re.split(r"^(#{1,4} .*)$", text, flags=re.MULTILINE)
    return [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]


def key_rows(body: str) -> dict[str, list[str]]:
    """{key: its cells} for the rows of the first key table in a section (rows whose first cell is `key`)."""
    rows: dict[str, list[str]] = {}
    for line in body.splitlines():
        match = re.match(r"\|\s*`([a-z_]+)`\s*\|(.*)\|\s*$", line)
        if match:
            rows[match[1]] = [cell.strip() for cell in match[2].split("|")]
        elif rows and not line.startswith("|"):
            break
    return rows


def section_for(path: str) -> tuple[str, str]:
    text = DOC.read_text(encoding="utf-8")
    for heading, body in sections(text):
        if (path == "" and heading == "## Top level") or (path and f"`{path}`" in heading):
            return heading, body
    pytest.fail(f"docs/plan-format.md: no section whose heading names `{path or 'the top level'}`: "
                f"add one with a table of its keys")


@pytest.mark.parametrize("path,model", schema_paths(), ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_every_key_of_the_schema_is_documented_where_it_is(path: str, model: type[BaseModel]) -> None:
    heading, body = section_for(path)
    rows = key_rows(body)
    missing = [key for key in model.model_fields if key not in rows]
    unknown = [key for key in rows if key not in model.model_fields]
    assert not missing and not unknown, (
        f"docs/plan-format.md '{heading}': the schema's {model.__name__} has keys {list(model.model_fields)}; "
        f"undocumented: {missing}, documented but not in the schema: {unknown}")
    for key, info in model.model_fields.items():
        kind, required, default, _ = rows[key][:4]
        where = f"docs/plan-format.md '{heading}', `{key}`"
        if info.is_required():
            assert required == "yes", f"{where}: the schema requires it; the page says {required!r}"
        else:
            assert required.startswith("no"), f"{where}: the schema does not require it; the page says {required!r}"
        if info.default not in (None, [], PydanticUndefined):
            written = info.default if isinstance(info.default, str) else format(info.default, "g")
            assert f"`{written}`" in default, f"{where}: the default is {written}; the page says {default!r}"
        literal = _literal_values(info.annotation)
        if literal:
            assert re.findall(r"`([^`]+)`", kind) == literal, (
                f"{where}: the allowed values are {literal}; the page says {kind!r}")


def _literal_values(annotation: typing.Any) -> list[str]:
    if typing.get_origin(annotation) is typing.Literal:
        return [str(a) for a in typing.get_args(annotation)]
    for arg in typing.get_args(annotation):
        found = _literal_values(arg)
        if found:
            return found
    return []


def table_after(heading: str, *, code: bool = False) -> list[list[str]]:
    """The rows of the first table of a section, as cells (with the backticks around a cell removed, unless
    `code`)."""
    body = next((b for h, b in sections(DOC.read_text(encoding="utf-8")) if h == heading), None)
    assert body is not None, f"docs/plan-format.md: no section '{heading}'"
    rows = [line for line in body.splitlines() if line.startswith("|")][2:]
    cells = [[cell.strip() for cell in row.strip().strip("|").split("|")] for row in rows]
    return cells if code else [[cell.strip("`") for cell in row] for row in cells]


def test_the_vocabularies_are_listed_as_they_ship() -> None:
    v = vocab()
    evidence = table_after("### Evidence types")
    assert [(r[0], r[1]) for r in evidence] == [(t, c or "—") for t, c in v.evidence_categories.items()], (
        "docs/plan-format.md 'Evidence types' differs from compiler/data/evidence_types.yaml")
    abuse = table_after("### Abuse types")
    assert [(r[0], r[1]) for r in abuse] == [(a, ", ".join(p)) for a, p in v.abuse_profiles.items()], (
        "docs/plan-format.md 'Abuse types' differs from compiler/data/abuse_profiles.yaml")
    statements = table_after("### Quality statements")
    assert [tuple(r) for r in statements] == [(q, kq, name) for q, (kq, name) in v.quality_statements.items()], (
        "docs/plan-format.md 'Quality statements' differs from compiler/data/quality_statements.yaml")


def test_the_fixed_lists_are_the_models() -> None:
    rows = {r[0]: r[1] for r in table_after("### Kinds, statuses, RAG, risk and better", code=True)}
    for field, literal in (("action kind", Kind), ("action status", Status), ("rag (action and review)", RAG),
                           ("risk (plan and action)", Risk),
                           ("indicator better", schema.IndicatorIn.model_fields["better"].annotation)):
        shown = re.findall(r"`([a-z_]+)`", _plain(rows, field))
        assert shown[:len(typing.get_args(literal))] == list(typing.get_args(literal)), (
            f"docs/plan-format.md 'Kinds, statuses, RAG, risk and better', {field}: "
            f"expected {list(typing.get_args(literal))}, found {shown}")


def _plain(rows: dict[str, str], field: str) -> str:
    for key, value in rows.items():
        if key.replace("`", "") == field:
            return value
    pytest.fail(f"docs/plan-format.md: no row for {field} in 'Kinds, statuses, RAG, risk and better'")


def _slug(heading: str) -> str:
    text = heading.lstrip("#").strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def test_links_resolve_and_the_guide_links_here() -> None:
    text = DOC.read_text(encoding="utf-8")
    for target, anchor in re.findall(r"\]\(([\w./-]*\.md)?#([\w-]+)\)", text):
        page = DOC.parent / target if target else DOC
        assert page.is_file(), f"docs/plan-format.md links to {target}, which does not exist"
        slugs = {_slug(h) for h, _ in sections(page.read_text(encoding="utf-8"))}
        assert anchor in slugs, f"docs/plan-format.md links to {target or ''}#{anchor}: no such heading"
    assert "](plans.md)" in text, "docs/plan-format.md: link the guide, plans.md"
    assert "](plan-format.md)" in (DOC.parent / "plans.md").read_text(encoding="utf-8"), (
        "docs/plans.md: link the field reference, plan-format.md")
