"""The two plan YAML readers (libyaml's events, PyYAML's pure Python) give the same data, the same
lines and the same errors; the fast one is used for ordinary plans."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.plans import strict_yaml

from test_plan_reader import OAKVIEW

pytestmark = pytest.mark.skipif(strict_yaml._CParser is None, reason="PyYAML has no libyaml here")


def read(text: str, fast: bool, monkeypatch) -> tuple:  # noqa: ANN001
    monkeypatch.setattr(strict_yaml, "USE_LIBYAML", fast)
    try:
        doc = strict_yaml.load(text)
    except strict_yaml.StrictYamlError as error:
        return ("error", error.message, error.line, error.path)
    return ("ok", repr(doc.data), list(doc.lines.items()))


def agree(text: str, monkeypatch) -> tuple:  # noqa: ANN001
    fast, pure = read(text, True, monkeypatch), read(text, False, monkeypatch)
    assert fast == pure, text
    return fast


# Where libyaml and PyYAML part ways, and the plan reader's own refusals.
TRICKY = [
    "a: 1\n", "a: [1, 2, {b: c}]\n", "- a\n- b\n", "", "# only a comment\n", "---\n", "a:\n", ": x\n",
    "a: yes\nb: no\nc: on\nd: 0755\ne: 007\nf: 1:30\ng: 1_000\nh: 0x1F\ni: .5\nj: -0\nk: 1e3\n",
    "a: 2026-02-14\nb: 2026-02-30\n", "a: 2026-02-14T10:00\n", "a: ~\nb: null\nc: Null\nd: NULL\n",
    "a: true\nb: FALSE\nc: True\n", "a: 'quoted: 1'\nb: \"2026-02-14\"\n",
    "a:\tb\n", "a: b\tc\n", "\ta: b\n", "a: [x\t, y]\n",                       # tabs
    "a: [x, tr?eat]\n", "a: {k: b?c}\n", "a: b?c\n", "a: [?b]\n", "a: {b?: c}\n",  # '?' in flow
    "a: |#\n  x\n", "a: >-#\n  x\n", "a: |\n  x # not a comment\n",           # block scalars
    "a: !\n", "a: ! 007\n", "! x\n", "a: !!str 007\n", "a: !!int 7\n", "a: !foo x\n", "!!map {a: 1}\n",
    "a: &x 1\nb: *x\n", "a: &x 1\n", "a: *x\n", "<<: {a: 1}\n", "a: {<<: x}\n",
    "a: 1\na: 2\n", "a:\n  b: 1\n  b: 2\n", "? [a]\n: 1\n", "[a]: 1\n",
    "a: 1\n---\nb: 2\n", "--- a\n...\n", "%YAML 1.1\n---\na: 1\n", "%YAML 2.0\n---\na: 1\n",
    "a: \ufeffb\n", "\ufeffa: 1\n", "a: b\x85c\n", "a: b\u2028c\n", "a: b\u2029c\n",
    "a: 1\r\nb: 2\r\n", "a: 1\rb: 2\r", "a: 'x\r\n  y'\n",
    "a: b: c\n", "a: [1, 2\n", "a: {b\n", "- a\nb: c\n", "a:\n- b\n - c\n", "'a\n",
    "a: \"\\x41\\u00e9\"\n", "a: \"\\q\"\n", "a: " + "[" * 60 + "]" * 60 + "\n",
]


@pytest.mark.parametrize("text", TRICKY)
def test_readers_agree_on_tricky_text(text, monkeypatch):
    agree(text, monkeypatch)


@pytest.mark.parametrize("old, new", [
    ("  risk: high", "  risk: high: very"),
    ("    due: 2026-04-30\n", "    due: 2026-04-30\n    due: 2026-05-30\n"),
    ("    due: 2026-04-30", "    due: 2026-02-30"),
    ("    owner: Tom Baker (Deputy Manager)", "    owner: &deputy Tom Baker (Deputy Manager)"),
    ("    target: 4", "    target: !!python/object:os.system 4"),
    ("  abuse_types: [restrictive_practice]", "  abuse_types: [restrictive_practice"),
    ("  abuse_types: [restrictive_practice]", "  abuse_types: [restrictive?practice]"),
    ("    title: Monthly incident data to the Board", "    title: Monthly\tincident data"),
])
def test_readers_agree_on_bad_plans(old, new, monkeypatch):
    assert OAKVIEW.count(old) == 1
    assert agree(OAKVIEW.replace(old, new), monkeypatch)[0] == "error"


def test_an_ordinary_plan_is_read_by_libyaml_alone(monkeypatch):
    def no_pure(text):  # noqa: ANN001, ANN202
        raise AssertionError("the pure reader was used")

    monkeypatch.setattr(strict_yaml, "_load_pure", no_pure)
    monkeypatch.setattr(strict_yaml, "USE_LIBYAML", True)
    doc = strict_yaml.load(OAKVIEW)
    assert doc.data["plan"]["id"] == "SAP-2026-007" and doc.lines[("actions", 1, "due")] == 54


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])
PIECES = st.sampled_from(list("abc:-[]{},&*!|>'\"#%@` \n\t0123456789.~?\\") +
                         ["\n  ", ": ", "- ", "\r\n", "é", "!!str ", "! ", "---\n", "? ", "<<: ", "\n- ",
                          "true", "null", "2026-02-30", "2026-02-14", "0755", "\ufeff", "\u2028"])


@FUZZ
@given(st.lists(PIECES, max_size=60).map("".join))
def test_readers_agree_on_punctuation_soup(monkeypatch, text):
    agree(text, monkeypatch)


@FUZZ
@given(st.integers(0, len(OAKVIEW)), st.lists(st.tuples(st.integers(0, len(OAKVIEW)), PIECES), max_size=4))
def test_readers_agree_on_damaged_plans(monkeypatch, cut, edits):
    text = OAKVIEW[:max(cut, 200)]
    for at, piece in edits:
        text = text[:at] + piece + text[at:]
    agree(text, monkeypatch)
