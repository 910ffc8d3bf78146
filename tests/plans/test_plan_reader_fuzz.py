"""The plan reader never crashes: any text either loads or raises SgpackError with file and line."""
from __future__ import annotations

import datetime as dt
import os
import tempfile

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.errors import SgpackError
from compiler.plans import load_plans

# Keys the schema knows, plus a few near misses, so generated data reaches deep into the models.
KEYS = ["format", "provider", "plan", "indicators", "actions", "id", "title", "service", "risk",
        "opened", "abuse_types", "quality_statements", "waive", "rule", "reason", "kind", "owner",
        "name", "role", "due", "status", "rag", "narrative", "requires", "type", "count",
        "within_days", "target", "reviews", "date", "better", "data", "evidence", "ownr", "<<"]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=True),
    st.dates(min_value=dt.date(1900, 1, 1)), st.sampled_from(
        ["high", "low", "oversight", "audit", "SG104", "sgpack/plan@1", "yes", "0755", "1:30",
         "2026-02-30", "2026-02-14T10:00", "Priya Shah (Registered Manager)", "TBC", "", "{{ x }}"]),
    st.text(max_size=12))
TREES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=6)), max_leaves=30)
YAMLISH = st.text(alphabet=st.sampled_from(list("abc:-[]{},&*!|>'\"#%@` \n\t0123456789.~?")), max_size=200)


def _load_text(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "plan.yaml")
        with open(path, "wb") as handle:
            handle.write(data)
        try:
            plans = load_plans([path])
        except SgpackError as error:
            assert error.file == path
            assert error.line is None or error.line >= 1
            assert str(error).startswith(path)
            # only problems with the file as a whole may lack a line
            assert error.line is not None or "larger than" in error.message or "cannot read" in error.message
        else:
            assert len(plans) == 1 and plans[0].file == path


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text(text):
    _load_text(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(YAMLISH)
def test_yaml_punctuation_soup(text):
    _load_text(text.encode("utf-8"))


@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes(data):
    _load_text(data)


@FUZZ
@given(TREES)
def test_arbitrary_nested_structures(tree):
    _load_text(yaml.safe_dump(tree, allow_unicode=True).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.fixed_dictionaries({
    "format": st.just("sgpack/plan@1"), "provider": st.just("Example Care Ltd"),
    "plan": st.fixed_dictionaries({"id": st.just("SAP-1"), "title": st.just("t"), "service": st.just("s"),
                                   "risk": st.sampled_from(["low", "high", "severe"]),
                                   "opened": st.dates()}, optional={"waive": TREES}),
    "actions": st.lists(st.dictionaries(st.sampled_from(KEYS), TREES, max_size=8), max_size=3)}))
def test_nearly_valid_plans(tree):
    _load_text(yaml.safe_dump(tree, allow_unicode=True).encode("utf-8", "surrogatepass"))
