"""Keyed pseudonyms, the local key file, and redacting roster people from text."""
from __future__ import annotations

import datetime as dt
import os
import re
import stat

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from compiler.errors import SgpackError
from compiler.privacy.pseudonym import Pseudonymiser, load_key, redact_text
from compiler.privacy.roster import parse_roster
from compiler.privacy.scan import scan_text

TODAY = dt.date(2026, 11, 1)
ROSTER = parse_roster(
    "name,kind,nhs_number,date_of_birth,role\n"
    "Jamie Thornton,person,9990000018,1994-03-14,\n"
    "Edna Pearce,person,9990000050,1936-01-17,\n"
    "Kelly Lowe,person,9990000042,1991-09-30,\n"
    "Priya Shah,staff,,,Registered Manager\n"
    "Kelly Brown,staff,,,Care Worker\n")
KEY_A, KEY_B = b"a" * 32, b"b" * 32


def test_key_created_0600_and_reused(tmp_path):
    keys = tmp_path / "keys"
    first = load_key("county-council", keys)
    path = keys / "county-council.key"
    assert len(first) == 32 and path.read_bytes() == first
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_key("county-council", keys) == first
    assert load_key("icb", keys) != first                        # a key per recipient
    assert [p.name for p in keys.iterdir()] and not any(p.name.endswith(".tmp") for p in keys.iterdir())


def test_key_checks(tmp_path):
    with pytest.raises(SgpackError, match="recipient"):
        load_key("../escape", tmp_path)
    with pytest.raises(SgpackError, match="may not be inside"):
        load_key("x", tmp_path / "pack" / "keys", forbidden=[tmp_path / "pack"])
    (tmp_path / "short.key").write_bytes(b"123")
    os.chmod(tmp_path / "short.key", 0o600)
    with pytest.raises(SgpackError, match="3 bytes"):
        load_key("short", tmp_path)
    if os.name == "posix":
        (tmp_path / "open.key").write_bytes(b"k" * 32)
        os.chmod(tmp_path / "open.key", 0o644)
        with pytest.raises(SgpackError, match="chmod 600"):
            load_key("open", tmp_path)


def test_default_key_dir_is_user_config(monkeypatch, tmp_path):
    monkeypatch.setattr("platformdirs.user_config_dir", lambda app: str(tmp_path / "cfg" / app))
    load_key("default")
    assert (tmp_path / "cfg" / "sgpack" / "keys" / "default.key").is_file()


def test_pseudonyms_stable_per_key_and_different_across_keys():
    a, a2, b = Pseudonymiser(KEY_A), Pseudonymiser(KEY_A), Pseudonymiser(KEY_B)
    assert re.fullmatch(r"Person [0-9A-F]{6}", a.person("Jamie Thornton"))
    assert a.person("Jamie Thornton") == a2.person("jamie   THORNTON")
    assert a.person("Jamie Thornton") != b.person("Jamie Thornton")
    assert a.person("Jamie Thornton") != a.person("Edna Pearce")
    assert a.nhs_number("999 000 0018") == a.nhs_number("9990000018") != b.nhs_number("9990000018")
    assert "0018" not in a.nhs_number("9990000018")
    assert a.date_of_birth(dt.date(1994, 3, 14)) == "DOB withheld"
    assert a.date_of_birth(dt.date(1994, 3, 14), year_band=True) == "born 1990s"


def test_redact_example_sentence():
    p = Pseudonymiser(KEY_A)
    text = ("Person: Jamie Thornton · NHS number 999 000 0018 · Date of birth 14/03/1994. Jamie said no. "
            "Priya Shah (RM) reviewed. Other NHS 943 476 5919. Kelly Brown and Kelly were there.")
    out, counts = redact_text(text, ROSTER, p, today=TODAY)
    jamie = p.person("Jamie Thornton")
    assert out.startswith(f"Person: {jamie} · NHS number {p.nhs_number('9990000018')} · Date of birth DOB withheld.")
    assert f"{jamie} said no." in out
    assert "Priya Shah (RM)" in out and "Kelly Brown and [name withheld] were there" in out
    assert "943 476 5919" not in out
    assert counts == {"name": 3, "nhs_number": 2, "date_of_birth": 1}
    assert [h for h in scan_text(out, ROSTER, TODAY) if h.kind != "email"] == []


def test_staff_as_roles():
    out, counts = redact_text("Priya Shah signed; Kelly Brown attended.", ROSTER, Pseudonymiser(KEY_A),
                              staff_as_roles=True, today=TODAY)
    assert out == "Registered Manager signed; Care Worker attended."
    assert counts == {"staff_name": 2}


def _layouts(person):
    n, d = person.nhs_number, person.date_of_birth
    return [person.name, person.name.upper(), person.name.replace(" ", "  "), person.name.split()[0],
            n, f"{n[:3]} {n[3:6]} {n[6:]}", f"{n[:3]}-{n[3:6]}-{n[6:]}",
            d.isoformat(), d.strftime("%d/%m/%Y"), f"{d.day} {d.strftime('%B %Y')}"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Zs"]),
                                  max_size=25),
                          st.integers(0, 2), st.integers(0, 9)), min_size=1, max_size=6))
def test_redact_leaves_no_roster_identifier(parts):
    people = ROSTER.people
    pieces = []
    for filler, who, layout in parts:
        pieces += [filler, _layouts(people[who])[layout]]
    text = " ".join(pieces)
    out, _ = redact_text(text, ROSTER, Pseudonymiser(KEY_A), today=TODAY)
    for person in people:
        for word in person.name.split():
            assert not re.search(rf"(?<!\w){word}(?!\w)", out), (word, out)
            assert not re.search(rf"(?<!\w){word.upper()}(?!\w)", out), (word, out)
        assert not re.search(r"[ .\-]{0,2}".join(person.nhs_number), out)
        d = person.date_of_birth
        for form in (d.isoformat(), d.strftime("%d/%m/%Y"), f"{d.day} {d.strftime('%B %Y')}"):
            assert form not in out
