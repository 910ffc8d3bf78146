"""The plan file schema (docs/plans.md) as strict pydantic input models, and their errors in plain words."""
from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
import typing
from typing import Annotated, Any, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr,
                      Strict, ValidationError, model_validator)
from pydantic_core import PydanticCustomError

from compiler.model.plan import RAG, Kind, Risk, Status
from compiler.vocab import vocab

FORMAT = "sgpack/plan@1"
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_LOCATION_ID = re.compile(r"1-[0-9]{9,11}")
_OWNER_TEXT = re.compile(r"(?P<name>.*?)\s*\((?P<role>[^()]*)\)\Z", re.DOTALL)


def _fail(message: str) -> PydanticCustomError:
    # The message goes in the context, never the template, so braces in user text stay text.
    return PydanticCustomError("sgpack", "{message}", {"message": message})


def did_you_mean(value: str, allowed: typing.Iterable[str]) -> str:
    """"; did you mean 'x'?" for a close match, else "; expected one of: a, b, c"."""
    allowed = sorted(allowed)
    close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    return "; expected one of: " + ", ".join(allowed)


# --- value types -------------------------------------------------------------------------------

def _as_text(value: Any) -> Any:
    """Numbers and dates written where text is expected keep their written form (ids like 2026)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise _fail("must not be empty")
    return value


def _blank_to_none(value: Any) -> Any:
    value = _as_text(value)
    if isinstance(value, str) and not value.strip():
        return None
    return value.strip() if isinstance(value, str) else value


def _one_word(value: str) -> str:
    hidden = [ch for ch in value if unicodedata.category(ch).startswith("C")]
    if hidden:   # bidi overrides and zero-width characters make two ids look alike (docs/security.md, row T4)
        shown = value.encode("unicode_escape").decode("ascii")
        codes = ", ".join(f"U+{ord(ch):04X}" for ch in dict.fromkeys(hidden))
        raise _fail(f"'{shown}' must not contain invisible or control characters ({codes})")
    if re.search(r"\s", value):
        raise _fail(f"'{value}' must not contain spaces")
    return value


def _as_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise _fail(f"expected a date (YYYY-MM-DD), not a date and time: {value}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE_TEXT.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _fail(f"{value.strip()} is not a valid date") from None
    raise _fail(f"expected a date (YYYY-MM-DD), got {describe(value)}")


def _none_to_list(value: Any) -> Any:
    return [] if value is None else value


def _known(what: str, names: typing.Callable[[], typing.Iterable[str]]):
    def check(value: str) -> str:
        allowed = set(names())
        if value not in allowed:
            raise _fail(f"unknown {what} '{value}'{did_you_mean(value, allowed)}")
        return value
    return AfterValidator(check)


def _rule_code(value: str) -> str:
    if not re.fullmatch(r"SG[0-9]{3}", value):
        raise _fail(f"'{value}' is not a rule code; expected SG and three digits, e.g. SG104")
    return value


def _location_id(value: str | None) -> str | None:
    if value is not None and not _LOCATION_ID.fullmatch(value):
        raise _fail(f"'{value}' is not a CQC location id; it is 1- and 9 to 11 digits, as in the location's "
                    "address on the CQC website, e.g. 1-123456789")
    return value


Text = Annotated[str, BeforeValidator(_as_text), Strict(), AfterValidator(_not_blank)]
OptText = Annotated[str | None, BeforeValidator(_blank_to_none)]
Id = Annotated[Text, AfterValidator(_one_word)]
Date = Annotated[dt.date, BeforeValidator(_as_date)]
Positive = Annotated[int, Strict(), Field(ge=1)]
Number = Annotated[float, Strict()]
EvidenceType = Annotated[Text, _known("evidence type", lambda: vocab().evidence_types)]
AbuseType = Annotated[Text, _known("abuse type", lambda: vocab().abuse_types)]
QualityStatement = Annotated[Text, _known("quality statement", lambda: vocab().quality_statements)]
RuleCode = Annotated[Text, AfterValidator(_rule_code)]
LocationId = Annotated[OptText, AfterValidator(_location_id)]


def ListOf(item: Any) -> Any:   # noqa: N802 - reads like a type
    """A list that may also be written as an empty key (`actions:` with nothing under it)."""
    return Annotated[list[item], BeforeValidator(_none_to_list)]


# --- models ------------------------------------------------------------------------------------

class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class WaiverIn(_In):
    rule: RuleCode
    reason: Text


class OwnerIn(_In):
    """An owner as a mapping {name, role} or as text: "Priya Shah (Registered Manager)"."""
    name: OptText = None
    role: OptText = None
    _raw: str | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _from_text(cls, value: Any, handler: Any) -> OwnerIn:
        if not isinstance(value, str):
            return handler(value)
        text = value.strip()
        match = _OWNER_TEXT.match(text)
        if match:
            owner = handler({"name": match["name"], "role": match["role"]})
        else:
            owner = handler({"name": text})
        owner._raw = text
        return owner

    @property
    def raw(self) -> str:
        if self._raw is not None:
            return self._raw
        if self.name and self.role:
            return f"{self.name} ({self.role})"
        return self.name or self.role or ""


class RequirementIn(_In):
    type: EvidenceType
    count: Positive = 1
    within_days: Positive | None = None
    target: Number | None = None
    note: OptText = None


class ReviewIn(_In):
    date: Date
    forum: OptText = None
    rag: RAG | None = None
    narrative: OptText = None


class DataIn(_In):
    """Where an indicator's series is: a path, or a mapping {file, sheet, period, value} naming the sheet of a
    workbook and the columns of a table as another system exported it."""
    file: Text
    sheet: OptText = None
    period: OptText = None
    value: OptText = None

    @model_validator(mode="wrap")
    @classmethod
    def _from_text(cls, value: Any, handler: Any) -> DataIn:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return handler({"file": value})
        return handler(value)


class IndicatorIn(_In):
    id: Id
    title: Text
    better: Literal["lower", "higher"]
    data: DataIn
    target: Number | None = None
    counts: Literal["people", "events"] = "events"


class ActionIn(_In):
    id: Id
    title: Text
    kind: Kind
    owner: OwnerIn | None = None
    risk: Risk | None = None
    opened: Date | None = None
    due: Date | None = None
    status: Status = "planned"
    closed: Date | None = None
    rag: RAG | None = None
    narrative: OptText = None
    indicators: ListOf(Id) = []
    requires: ListOf(RequirementIn) = []
    evidence: ListOf(Id) = []
    reviews: ListOf(ReviewIn) = []
    waive: ListOf(WaiverIn) = []
    quality_statements: ListOf(QualityStatement) = []
    commissioner_update: OptText = None


class PlanHeadIn(_In):
    id: Id
    title: Text
    service: Text
    contract: OptText = None
    location_id: LocationId = None
    origin: OptText = None
    abuse_types: ListOf(AbuseType) = []
    risk: Risk
    opened: Date
    review_every_days: Positive = 28
    governance_forum: OptText = None
    quality_statements: ListOf(QualityStatement) = []
    waive: ListOf(WaiverIn) = []


class PlanFileIn(_In):
    format: Literal["sgpack/plan@1"] = FORMAT
    provider: Text
    plan: PlanHeadIn
    indicators: ListOf(IndicatorIn) = []
    actions: ListOf(ActionIn) = []


# --- errors ------------------------------------------------------------------------------------

def describe(value: Any) -> str:
    """A short, safe description of an input value for a message."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'" if isinstance(value, str) else text


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The input model that holds the mapping at `loc` (list indexes are skipped)."""
    model: type[BaseModel] | None = PlanFileIn
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _model_in(model.model_fields[part].annotation)
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def explain(error: dict[str, Any]) -> str:
    """One pydantic error as a message a compliance officer can act on."""
    kind, loc, value = error["type"], tuple(error["loc"]), error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "sgpack":
        return str(ctx.get("message", error["msg"]))
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model else []
        return f"unknown key '{loc[-1]}'" + (did_you_mean(str(loc[-1]), allowed) if allowed else "")
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        if loc == ("format",):
            return f"unknown format {describe(value)}; expected '{FORMAT}'"
        close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"{describe(value)} is not allowed; expected one of: {', '.join(allowed)}{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if loc and loc[-1] == "owner":
            return ("expected a name such as 'Priya Shah (Registered Manager)' "
                    f"or a mapping with name and role, got {describe(value)}")
        return f"expected a mapping of keys, got {describe(value)}"
    if kind == "list_type":
        return f"expected a list, got {describe(value)}"
    if kind in ("string_type", "string_sub_type"):
        return f"expected text, got {describe(value)}"
    if kind.startswith("int_"):
        return f"expected a whole number, got {describe(value)}"
    if kind == "finite_number":
        return "expected a finite number"
    if kind.startswith("float_"):
        return f"expected a number, got {describe(value)}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, got {describe(value)}"
    return str(error.get("msg", "invalid value"))


def validate(data: Any, line_of: typing.Callable[[tuple], int]) -> tuple[PlanFileIn | None, tuple, str]:
    """Validate `data`; on failure return (None, path, message) for the first error in file order."""
    try:
        return PlanFileIn.model_validate(data), (), ""
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    first = min(enumerate(errors), key=lambda pair: (line_of(tuple(pair[1]["loc"])), pair[0]))[1]
    return None, tuple(first["loc"]), explain(first)
