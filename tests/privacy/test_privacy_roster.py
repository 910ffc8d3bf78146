"""Reading roster.csv strictly, and finding it beside the plans."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from compiler.errors import SgpackError
from compiler.privacy.roster import find_roster, load_roster

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "plans" / "roster.csv"


def write(tmp_path: Path, text: str | bytes, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_example_roster():
    roster = load_roster(EXAMPLE)
    assert len(roster.people) == 6 and len(roster.staff) == 17
    jamie = roster.people[0]
    assert (jamie.name, jamie.nhs_number, jamie.date_of_birth) == ("Jamie Thornton", "9990000018", dt.date(1994, 3, 14))
    assert roster.staff[0].role == "Registered Manager"


def test_minimal_columns_bom_spaced_numbers_and_uk_dates(tmp_path):
    path = write(tmp_path, "\ufeffname,kind,nhs_number,date_of_birth\n"
                           "  Edna   Pearce ,Person,999 000 0050,17/01/1936\n\n"
                           "Priya Shah,staff,,\n")
    roster = load_roster(path)
    assert roster.people[0].name == "Edna Pearce"
    assert roster.people[0].nhs_number == "9990000050"
    assert roster.people[0].date_of_birth == dt.date(1936, 1, 17)
    assert [s.name for s in roster.staff] == ["Priya Shah"]


@pytest.mark.parametrize("text, line, field", [
    ("name,kind\nJo Bloggs,resident\n", 2, "kind"),
    ("name,kind,nhs_number\nJo Bloggs,person,9434765918\n", 2, "nhs_number"),
    ("name,kind,nhs_number\nJo Bloggs,person,0000000000\n", 2, "nhs_number"),
    ("name,kind,date_of_birth\nA B,person,1990-01-01\nJo Bloggs,person,1994-02-30\n", 3, "date_of_birth"),
    ("name,kind,date_of_birth\nJo Bloggs,person,next week\n", 2, "date_of_birth"),
    ("name,kind,date_of_birth\nJo Bloggs,person,2999-01-01\n", 2, "date_of_birth"),
    ("name,kind,nhs_number\nPriya Shah,staff,9990000018\n", 2, "nhs_number"),
    ("name,kind\n,person\n", 2, "name"),
    ("name,kind,shoe_size\nJo,person,9\n", 1, "shoe_size"),
    ("name,role\nJo,Carer\n", 1, "kind"),
    ("name,kind\nJo Bloggs,person\njo  bloggs,staff\n", 3, "name"),
])
def test_bad_rows_name_file_line_and_column(tmp_path, text, line, field):
    path = write(tmp_path, text)
    with pytest.raises(SgpackError) as caught:
        load_roster(path)
    assert (caught.value.file, caught.value.line, caught.value.field) == (str(path), line, field)
    assert str(path) in str(caught.value)


def test_not_utf8_names_the_line(tmp_path):
    path = write(tmp_path, "name,kind\nJo,person\nZo\xe9,person\n".encode("latin-1"))
    with pytest.raises(SgpackError, match="UTF-8") as caught:
        load_roster(path)
    assert caught.value.line == 3


def test_extra_cells_and_missing_file(tmp_path):
    with pytest.raises(SgpackError):
        load_roster(write(tmp_path, "name,kind\nJo,person,extra\n"))
    with pytest.raises(SgpackError, match="not found"):
        load_roster(tmp_path / "nope.csv")
    with pytest.raises(SgpackError, match="empty"):
        load_roster(write(tmp_path, ""))


def test_find_roster(tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    plan = plans / "oakview.yaml"
    plan.write_text("x: 1\n")
    assert find_roster([plans]) is None
    write(plans, "name,kind\n")
    assert find_roster([plans]) == plans / "roster.csv"
    assert find_roster([plan]) == plans / "roster.csv"
    assert find_roster([plan, plans]) == plans / "roster.csv"      # the same roster twice is one roster
    other = tmp_path / "other"
    other.mkdir()
    write(other, "name,kind\n")
    with pytest.raises(SgpackError, match="more than one roster"):
        find_roster([plans, other / "plan.yaml"])
