"""Types from a file's own words, not-a-record and draft (docs/evidence.md, "What a file says it is")."""
from __future__ import annotations

import pytest
from es_fixtures import docx_bytes, write

from evidence_store import scan


def _one(folder):
    (item,) = scan(folder).items
    return item


@pytest.mark.parametrize("name, expected", [
    ("QSC Minutes 12.03.26.docx", "governance_minutes"),
    ("Supervision notes - T Okafor - 14-05-2026.docx", "supervision"),
    ("Restrictive practice log audit Q2 2026.docx", "audit"),          # the head noun names the thing
    ("Audit of the incident log May 2026.docx", "audit"),              # "of" ties the later words to it
    ("Minutes of the team meeting 3rd June 2026.docx", "team_meeting"),
    ("Night walkround 02.07.2026.docx", "spot_check"),
    ("RP reports June 2026.docx", "incident_log"),
    ("Board paper - restrictive practice.docx", "board_report"),
    ("BSP review KL.docx", "support_plan"),
    ("Relatives survey 2026.docx", "feedback"),
    ("Training attendance MCA.docx", "training"),
])
def test_a_file_name_gives_the_type(folder, name, expected):
    write(folder / name, docx_bytes(["Text."]))
    item = _one(folder)
    assert item.type == expected
    assert item.provenance["type"].startswith(f"file name {name!r}: '")


def test_the_first_heading_gives_the_type_when_the_name_does_not(folder):
    write(folder / "Scan_20260612_0931.docx", docx_bytes(["Room 4 checked."], heading="Unannounced spot check"))
    item = _one(folder)
    assert item.type == "spot_check"
    assert item.provenance["type"] == "first heading 'Unannounced spot check': 'spot check'"


def test_words_beat_the_folder_and_properties_beat_words(folder):
    write(folder / "audits" / "Supervision notes T Okafor.docx", docx_bytes(["x"]))
    assert _one(folder).type == "supervision"
    write(folder / "audits" / "Supervision notes T Okafor.docx", docx_bytes(["x"], category="audit"))
    assert _one(folder).type == "audit"


def test_an_unknown_name_falls_back_to_the_folder(folder):
    write(folder / "supervision" / "TO 14 May.docx", docx_bytes(["x"]))
    item = _one(folder)
    assert item.type == "supervision" and item.provenance["type"] == "folder 'supervision'"


@pytest.mark.parametrize("name, why", [
    ("QSC Agenda 12.03.26.docx", "an agenda"),
    ("Spot check form BLANK.docx", "a blank form"),
    ("Supervision template v2.docx", "a template"),
    ("Copy of RP audit tool.docx", "a copy of a tool"),
])
def test_not_a_record_links_nothing_it_mentions(folder, name, why):
    write(folder / name, docx_bytes(["Items: RP-01 weekly log review."]))
    (item,) = scan(folder, ["RP-01"]).items
    assert item.record is False and item.links == []
    assert item.provenance["record"].startswith(why + " (file name ")


def test_record_true_in_metadata_overrides_the_words(folder):
    write(folder / "QSC Agenda and minutes 12.03.26.docx", docx_bytes(["RP-01 reviewed."]))
    write(folder / "evidence.yaml", "QSC Agenda and minutes 12.03.26.docx:\n  record: true\n")
    (item,) = scan(folder, ["RP-01"]).items
    assert item.record is True and [link.target for link in item.links] == ["RP-01"]
    assert item.provenance["record"] == "evidence.yaml"


def test_record_that_is_not_a_flag_is_a_note(folder):
    write(folder / "minutes.docx", docx_bytes(["x"]))
    write(folder / "evidence.yaml", "minutes.docx:\n  record: perhaps\n")
    item = _one(folder)
    assert item.record is True and "record ignored (expected true or false" in item.provenance["notes"]


def test_a_draft_counts_and_says_so(folder):
    write(folder / "QSC minutes DRAFT 12.03.26.docx", docx_bytes(["RP-01 reviewed."]))
    (item,) = scan(folder, ["RP-01"]).items
    assert item.record is True and item.draft is True and [link.target for link in item.links] == ["RP-01"]
    assert "draft" in item.provenance["draft"]


def test_a_scanned_document_with_no_heading_is_typed_by_its_first_lines(folder):
    from es_fixtures import pdf_bytes
    write(folder / "Scans" / "Scan_20260412_1000.pdf",
          pdf_bytes(["Example Care Ltd  OFFICIAL-SENSITIVE Page 1\nQuality and Safeguarding Committee: minutes\n"
                     "Meeting date: 09/04/2026. Draft until approved."]))
    item = _one(folder)
    assert item.type == "governance_minutes"
    assert item.provenance["type"].startswith("first lines 'Quality and Safeguarding Committee: minutes'")
    assert item.draft is False and item.record is True     # a line of text is read for the type only


def test_a_tables_title_row_does_not_type_it(folder):
    write(folder / "Monthly data" / "Late calls.csv", "Calls started more than 30 minutes late\nMonth,Value\n")
    assert _one(folder).type == "other"
