"""Each reader on a small realistic file: text with its locations, and the file's own metadata."""
from __future__ import annotations

import datetime as dt

from es_fixtures import docx_bytes, jpeg_bytes, pdf_bytes, png_bytes, write, xlsx_bytes

from evidence_store import scan

IDS = ["RP-01", "RP-02", "RP-03", "SAP-2026-007"]


def test_docx_paragraphs_tables_and_core_properties(folder):
    write(folder / "minutes" / "qsc.docx", docx_bytes(
        ["Present: Priya Shah (Registered Manager), Tom Reed (NED).",
         "Weekly restrictive practice log reviews (RP-01) started on 3 March."],
        title="Quality and Safeguarding Committee", category="governance_minutes",
        keywords="RP-02, SAP-2026-007", author="Priya Shah",
        table=[["Action", "Update"], ["RP-01", "two weeks missed in April"]],
        after_table=["Next meeting 10 May."]))
    item = scan(folder, IDS).items[0]
    assert item.status == "ok" and item.format == "docx"
    assert item.title == "Quality and Safeguarding Committee"
    assert item.provenance["title"] == "DOCX title property"
    assert item.type == "governance_minutes" and item.provenance["type"] == "DOCX category property"
    assert item.author == "Priya Shah"
    assert "two weeks missed in April" in item.text and "Next meeting 10 May." in item.text
    whys = {(link.target, link.source): link.why for link in item.links}
    # paragraphs 1-2 are body text, 3-6 are the table's cell paragraphs
    assert whys[("RP-01", "mention")] == "RP-01 mentioned in paragraph 2 (and 1 more place)"
    assert whys[("RP-02", "metadata")] == "RP-02 in DOCX keywords"
    assert whys[("SAP-2026-007", "metadata")] == "SAP-2026-007 in DOCX keywords"
    assert len(item.sha256) == 64 and item.size == (folder / "minutes" / "qsc.docx").stat().st_size


def test_docx_table_cell_paragraphs_are_counted(folder):
    write(folder / "a.docx", docx_bytes(["intro"], table=[["x", "y"], ["z", "RP-03 here"]]))
    item = scan(folder, IDS).items[0]
    assert item.linked_to("RP-03")[0].why == "RP-03 mentioned in paragraph 5"


def test_docx_first_heading_is_a_title_of_last_resort(folder):
    write(folder / "notes.docx", docx_bytes(["body"], heading="Debrief: 4 March incident"))
    item = scan(folder).items[0]
    assert (item.title, item.provenance["title"]) == ("Debrief: 4 March incident", "first heading")


def test_pdf_text_per_page_and_document_info(folder):
    write(folder / "board" / "report.pdf", pdf_bytes(
        ["Board report Q1", "Restrictive practice: see RP-01.\nRP-01 audit at 82%.", "Appendix RP-01"],
        title="Board report Q1 2026", subject="board_report", keywords="RP-02 RP-77", author="Dee Moss"))
    item = scan(folder, IDS).items[0]
    assert item.status == "ok" and item.pages == 3
    assert item.title == "Board report Q1 2026" and item.provenance["title"] == "PDF /Title"
    assert item.type == "board_report" and item.provenance["type"] == "PDF /Subject"
    assert item.author == "Dee Moss"
    assert "Restrictive practice" in item.text
    assert item.linked_to("RP-01")[0].why == "RP-01 mentioned on page 2 (and 1 more place)"
    assert [link.why for link in item.linked_to("RP-02")] == ["RP-02 in PDF /Keywords"]
    assert not item.linked_to("RP-77")          # keywords only link to ids being looked for


def test_pdf_subject_that_is_not_a_type_falls_through_to_the_folder(folder):
    write(folder / "minutes" / "m.pdf", pdf_bytes(["x"], subject="Minutes of the April meeting"))
    item = scan(folder).items[0]
    assert item.type == "governance_minutes"
    assert item.provenance["type"] == ("folder 'minutes' (PDF /Subject 'Minutes of the April meeting' "
                                       "is not an evidence type)")


def test_markdown_front_matter_and_body_lines(folder):
    write(folder / "debriefs" / "d.md",
          "---\nid: debrief-0304\ntype: debrief\ndate: 2026-03-04\nservice: Oakview\n"
          "actions: [RP-02]\ntags: [night shift, restraint]\n---\n# Post-incident debrief\n\nRP-01 was applied.\n")
    item = scan(folder, IDS).items[0]
    assert item.id == "debrief-0304" and item.provenance["id"] == "front matter"
    assert item.date == dt.date(2026, 3, 4) and item.provenance["date"] == "front matter"
    assert item.service == "Oakview" and item.tags == ["night shift", "restraint"]
    assert item.title == "Post-incident debrief" and item.provenance["title"] == "first heading"
    assert item.linked_to("RP-02")[0].why == "RP-02 listed under actions in front matter"
    assert item.linked_to("RP-02")[0].source == "metadata"
    assert item.linked_to("RP-01")[0].why == "RP-01 mentioned on line 11"   # file line numbers
    assert "id: debrief-0304" not in item.text


def test_markdown_invalid_front_matter_is_ignored_with_a_note(folder):
    write(folder / "training" / "t.md", "---\ntype: [unclosed\n---\nBody RP-01\n")
    item = scan(folder, IDS).items[0]
    assert item.status == "ok" and item.type == "training"
    assert "front matter ignored: invalid YAML (line 2" in item.provenance["notes"]
    assert item.linked_to("RP-01")[0].why == "RP-01 mentioned on line 4"


def test_text_file_lines(folder):
    write(folder / "spot-checks" / "2026-04-02 night.txt", "Night spot check\nAll logs signed.\nRP-03 ok\n")
    item = scan(folder, IDS).items[0]
    assert item.type == "spot_check" and item.date == dt.date(2026, 4, 2)
    assert item.title == "night" and item.provenance["title"] == "file name"
    assert item.linked_to("RP-03")[0].why == "RP-03 mentioned on line 3"


def test_csv_rows_columns_and_bom(folder):
    write(folder / "incidents" / "log.csv", "\ufeffDate , Type,Notes\n2026-03-01,restraint,see RP-01\n")
    item = scan(folder, IDS).items[0]
    assert item.status == "ok" and item.columns == ["date", "type", "notes"]
    assert item.type == "incident_log"
    assert item.linked_to("RP-01")[0].why == "RP-01 mentioned in row 2"


def test_xlsx_every_sheet_is_text_first_sheet_is_the_table(folder):
    write(folder / "indicators" / "ri.xlsx", xlsx_bytes({
        "Series": [["Period", "Value"], ["2026-01", 6], ["2026-02", 4]],
        "Notes": [["comment"], ["RP-02 reviewed"]],
    }))
    item = scan(folder, IDS).items[0]
    assert item.status == "ok" and item.columns == ["period", "value"]
    assert [(p.period, p.value) for p in item.series] == [(dt.date(2026, 1, 1), 6.0), (dt.date(2026, 2, 1), 4.0)]
    assert item.linked_to("RP-02")[0].why == "RP-02 mentioned in row 2 of sheet 'Notes'"


def test_eml_subject_date_and_plain_body(folder):
    write(folder / "feedback" / "family.eml",
          "From: Ann Lee <ann@example.org>\r\nTo: manager@example.org\r\n"
          "Subject: Thank you for the new approach\r\nDate: Tue, 14 Apr 2026 09:30:00 +0100\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\nThe change under RP-02 helped.\r\n")
    item = scan(folder, IDS).items[0]
    assert item.status == "ok" and item.type == "feedback"
    assert (item.title, item.provenance["title"]) == ("Thank you for the new approach", "email Subject")
    assert (item.date, item.provenance["date"]) == (dt.date(2026, 4, 14), "email Date header")
    assert item.linked_to("RP-02")[0].why == "RP-02 mentioned on line 2"


def test_eml_html_body_is_stripped_and_links_are_not_followed(folder):
    write(folder / "partner-feedback" / "la.eml",
          "Subject: Visit\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
          "<html><head><style>p{}</style></head><body><p>Visit went well.</p>"
          "<p><a href='http://example.invalid/x'>RP-01 notes</a><img src='file:///etc/passwd'></p></body></html>")
    item = scan(folder, IDS).items[0]
    assert item.type == "partner_feedback"
    assert item.text.splitlines()[1:] == ["Visit went well.", "RP-01 notes"]
    assert "passwd" not in item.text and "p{}" not in item.text


def test_png_and_jpeg_sizes_from_the_header(folder):
    write(folder / "photo.png", png_bytes(640, 480))
    write(folder / "scan.jpg", jpeg_bytes(1024, 768))
    png, jpg = scan(folder).items
    assert (png.width, png.height, png.text, png.status) == (640, 480, "", "ok")
    assert (jpg.width, jpg.height, jpg.status) == (1024, 768, "ok")


def test_other_formats_are_listed_not_read(folder):
    write(folder / "video.mp4", b"\x00\x00\x00 ftyp")
    write(folder / "README", "x")
    by_path = {i.path: i for i in scan(folder).items}
    assert by_path["video.mp4"].status == "not_read"
    assert by_path["video.mp4"].reason == "format not read (.mp4)"
    assert by_path["video.mp4"].size == 8
    assert by_path["README"].reason == "format not read (no extension)"
