"""The resolution order of docs/evidence.md: each field from each source, with the provenance a person reads."""
from __future__ import annotations

import datetime as dt

import pytest
from es_fixtures import docx_bytes, write

from evidence_store import scan

FRONT = "---\ntype: debrief\ntitle: Front title\ndate: 2026-03-02\nid: fm-id\n---\nbody\n"


def one(folder, ids=()):
    items = scan(folder, ids).items
    assert len(items) == 1, [i.path for i in items]
    return items[0]


def test_sidecar_beats_front_matter_beats_folder_beats_file_name(folder):
    write(folder / "minutes" / "2026-01-05 note.md", FRONT)
    write(folder / "minutes" / "2026-01-05 note.md.meta.yaml",
          "id: side-id\ntype: supervision\ntitle: Sidecar title\ndate: 2026-03-09\n")
    item = one(folder)
    assert (item.id, item.provenance["id"]) == ("side-id", "sidecar 2026-01-05 note.md.meta.yaml")
    assert (item.type, item.provenance["type"]) == ("supervision", "sidecar 2026-01-05 note.md.meta.yaml")
    assert item.title == "Sidecar title" and item.date == dt.date(2026, 3, 9)


def test_front_matter_beats_folder_and_file_name(folder):
    write(folder / "minutes" / "2026-01-05 note.md", FRONT)
    item = one(folder)
    assert (item.id, item.type, item.title, item.date) == ("fm-id", "debrief", "Front title", dt.date(2026, 3, 2))
    assert {k: item.provenance[k] for k in ("id", "type", "title", "date")} == {
        "id": "front matter", "type": "front matter", "title": "front matter", "date": "front matter"}


def test_folder_and_file_name_when_nothing_else(folder):
    write(folder / "governance" / "2026" / "2026-04-12 QSC minutes.txt", "text")
    item = one(folder)
    assert item.id == "governance-2026-2026-04-12-qsc-minutes"
    assert item.provenance == {                # the file's own words name its type before its folder does
        "id": "default: slug of path", "type": "file name '2026-04-12 QSC minutes.txt': 'minutes'",
        "title": "file name", "date": "file name '2026-04-12'"}
    assert item.title == "QSC minutes" and item.date == dt.date(2026, 4, 12)


def test_the_folder_names_the_type_when_the_file_says_nothing(folder):
    write(folder / "governance" / "2026" / "2026-04-12 QSC.txt", "text")
    assert one(folder).provenance["type"] == "folder 'governance'"


@pytest.mark.parametrize("folder_name, expected", [
    ("audits", "audit"), ("Audit", "audit"), ("minutes", "governance_minutes"), ("supervisions", "supervision"),
    ("competencies", "competency"), ("debrief", "debrief"), ("data", "indicator"), ("Board Reports", "board_report"),
    ("incident-logs", "incident_log"), ("pbs", "support_plan"), ("policies", "policy"),
    ("team_meetings", "team_meeting"), ("partner-feedback", "partner_feedback"), ("spot-checks", "spot_check"),
    ("governance_minutes", "governance_minutes"), ("photos", "other"),
])
def test_folder_names_give_types(folder, folder_name, expected):
    write(folder / folder_name / "x.txt", "x")
    assert one(folder).type == expected


def test_nearest_folder_wins(folder):
    write(folder / "audits" / "minutes" / "x.txt", "x")
    item = one(folder)
    assert (item.type, item.provenance["type"]) == ("governance_minutes", "folder 'minutes'")


def test_month_in_file_name_is_its_last_day_and_invalid_dates_are_ignored(folder):
    write(folder / "2026-03 audit.txt", "x")
    write(folder / "2026-02-30 bad.txt", "x")
    good, bad = sorted(scan(folder).items, key=lambda i: i.path, reverse=True)
    assert (good.date, good.period_end) == (dt.date(2026, 3, 31), dt.date(2026, 3, 31))
    assert good.provenance["date"] == "file name '2026-03' (a month: dated by its last day)"
    assert bad.date is None
    assert bad.provenance["date"] == ("no date in the file name or the first lines of the text ('2026-02-30' in the "
                                      "file name is not a date (February 2026 has no day 30); not taken)")


def test_evidence_yaml_at_the_root(folder):
    write(folder / "evidence.yaml",
          "minutes/qsc.docx:\n  id: minutes-2026-04-12\n  type: governance_minutes\n  date: 2026-04-12\n"
          "  actions: [RP-01, RP-02]\n  period_end: 2026-04-30\n  service: Oakview\n  author: P Shah\n"
          "./photo.txt:\n  title: Photo of notice board\n")
    write(folder / "minutes" / "qsc.docx", docx_bytes(["x"], title="Docx title"))
    write(folder / "photo.txt", "x")
    items = {i.path: i for i in scan(folder).items}
    assert "evidence.yaml" not in items
    item = items["minutes/qsc.docx"]
    assert (item.id, item.provenance["id"]) == ("minutes-2026-04-12", "evidence.yaml")
    assert item.title == "Docx title"                     # not given in evidence.yaml: the file's own
    assert item.period_end == dt.date(2026, 4, 30) and item.provenance["period_end"] == "evidence.yaml"
    assert (item.service, item.author) == ("Oakview", "P Shah")
    assert [(l.target, l.source, l.why) for l in item.links] == [
        ("RP-01", "index", "RP-01 listed under actions in evidence.yaml"),
        ("RP-02", "index", "RP-02 listed under actions in evidence.yaml")]
    assert items["photo.txt"].title == "Photo of notice board"


def test_sidecar_beats_evidence_yaml(folder):
    write(folder / "evidence.yaml", "a.txt:\n  type: policy\n  title: From index\n")
    write(folder / "a.txt.meta.yaml", "type: training\n")
    write(folder / "a.txt", "x")
    item = one(folder)
    assert (item.type, item.title) == ("training", "From index")
    assert item.provenance["type"] == "sidecar a.txt.meta.yaml" and item.provenance["title"] == "evidence.yaml"


def test_sidecar_named_by_stem(folder):
    write(folder / "oakview.csv", "a,b\n1,2\n")
    write(folder / "oakview.meta.yaml", "type: indicator\nactions: RP-01, RP-02\n")
    item = one(folder)
    assert item.provenance["type"] == "sidecar oakview.meta.yaml"
    assert [(l.target, l.source) for l in item.links] == [("RP-01", "sidecar"), ("RP-02", "sidecar")]


def test_unknown_type_is_kept_as_other_with_the_reason(folder):
    write(folder / "minutes" / "a.txt", "x")
    write(folder / "minutes" / "a.txt.meta.yaml", "type: minute\n")
    item = one(folder)
    assert item.type == "other"
    assert item.provenance["type"] == "sidecar a.txt.meta.yaml (gave 'minute', not a known evidence type)"


def test_docx_category_gives_the_type(folder):
    write(folder / "x.docx", docx_bytes(["x"], category="Spot check"))
    item = one(folder)
    assert (item.type, item.provenance["type"]) == ("spot_check", "DOCX category property")


def test_default_type_is_other(folder):
    write(folder / "x.txt", "x")
    assert (one(folder).type, one(folder).provenance["type"]) == ("other", "default: other")


def test_invalid_sidecar_is_ignored_and_the_run_goes_on(folder):
    write(folder / "audits" / "2026-04-01 a.txt", "x")
    write(folder / "audits" / "2026-04-01 a.txt.meta.yaml", "type: audit\n  bad: [\n")
    item = one(folder)
    assert item.status == "ok" and item.type == "audit" and item.provenance["type"] == "folder 'audits'"
    assert item.provenance["notes"].startswith("sidecar 2026-04-01 a.txt.meta.yaml ignored: invalid YAML (line")


def test_invalid_evidence_yaml_is_noted_on_every_item(folder):
    write(folder / "evidence.yaml", "a.txt: &x\n  id: one\nb.txt: *x\n")
    write(folder / "a.txt", "x")
    write(folder / "b.txt", "x")
    items = scan(folder).items
    assert [i.id for i in items] == ["a", "b"]
    assert all(i.provenance["notes"] == "evidence.yaml ignored: invalid YAML (line 3: YAML aliases are not allowed)"
               for i in items)


def test_unknown_sidecar_keys_are_ignored_with_a_note(folder):
    write(folder / "a.txt", "x")
    write(folder / "a.txt.meta.yaml", "title: Fine\nowner: Someone\nevidnce: x\n")
    item = one(folder)
    assert item.title == "Fine"
    assert item.provenance["notes"] == "sidecar a.txt.meta.yaml: unknown keys ignored: evidnce, owner"


def test_sidecar_invalid_date_falls_through_with_reason(folder):
    write(folder / "2026-04-01 a.txt", "x")
    write(folder / "2026-04-01 a.txt.meta.yaml", "date: 2026-02-30\n")
    item = one(folder)
    assert item.date == dt.date(2026, 4, 1)
    assert item.provenance["date"] == ("file name '2026-04-01' (sidecar 2026-04-01 a.txt.meta.yaml date "
                                       "'2026-02-30' is not a valid date; ignored)")


def test_default_slug_and_clash(folder):
    write(folder / "Audit Week 1.txt", "x")
    write(folder / "audit-week-1.md", "x")
    write(folder / "Zoë's notes.txt", "x")
    items = scan(folder).items
    assert [(i.path, i.id, i.provenance["id"]) for i in items] == [
        ("Audit Week 1.txt", "audit-week-1", "default: slug of path"),
        ("Zoë's notes.txt", "zoe-s-notes", "default: slug of path"),
        ("audit-week-1.md", "audit-week-1-2", "default: slug of path (made unique with -2)"),
    ]


def test_explicit_id_clash_later_item_keeps_its_slug(folder):
    write(folder / "a.txt", "x")
    write(folder / "b.txt", "x")
    write(folder / "evidence.yaml", "a.txt: {id: same}\nb.txt: {id: same}\n")
    a, b = scan(folder).items
    assert (a.id, a.provenance["id"]) == ("same", "evidence.yaml")
    assert (b.id, b.provenance["id"]) == ("b", "default: slug of path (evidence.yaml gave id 'same', "
                                               "already used by a.txt)")


def test_explicit_ids_take_priority_over_slugs(folder):
    write(folder / "a.txt", "x")                              # slug "a"
    write(folder / "z.txt", "x")
    write(folder / "z.txt.meta.yaml", "id: a\n")
    a, z = scan(folder).items
    assert (z.id, a.id) == ("a", "a-2")


def test_yaml_values_stay_strings(folder):
    write(folder / "a.txt", "x")
    write(folder / "a.txt.meta.yaml", "id: 012\ntags: [yes, 1.10]\n")
    item = one(folder)
    assert item.id == "012" and item.tags == ["yes", "1.10"]


# dates from the file's own words, through the scan (the grammar itself: test_es_dates.py) -------------------

def test_a_labelled_date_in_the_text_beats_the_name_and_metadata_beats_both(folder):
    from es_fixtures import docx_bytes
    write(folder / "QSC Minutes 12.03.26.docx", docx_bytes(["Quality and Safeguarding Committee",
                                                            "Meeting date: 09/07/2026", "Next meeting: 10/09/2026"]))
    (item,) = scan(folder, as_of=dt.date(2026, 11, 20)).items
    assert item.date == dt.date(2026, 7, 9) and item.period_end is None
    assert item.provenance["date"].startswith("text in paragraph 2: 'Meeting date: 09/07/2026'")
    write(folder / "QSC Minutes 12.03.26.docx.meta.yaml", "date: 2026-07-10\n")
    (item,) = scan(folder, as_of=dt.date(2026, 11, 20)).items
    assert item.date == dt.date(2026, 7, 10) and item.provenance["date"].startswith("sidecar ")


def test_a_date_after_the_as_of_date_is_not_taken(folder):
    write(folder / "Spot check 14-12-2026.txt", "x")
    (item,) = scan(folder, as_of=dt.date(2026, 11, 20)).items
    assert item.date is None and "after the as-of date 2026-11-20" in item.provenance["date"]
    (item,) = scan(folder, as_of=dt.date(2026, 12, 31)).items      # the as-of date keys the kept catalogue too
    assert item.date == dt.date(2026, 12, 14)


def test_a_month_first_date_is_refused_with_a_note(folder):
    write(folder / "audit.txt", "Audit date: 05/14/2026\n")
    (item,) = scan(folder, as_of=dt.date(2026, 11, 20)).items
    assert item.date is None and "month-first" in item.provenance.get("notes", "") + item.provenance["date"]


def test_a_financial_quarter_in_the_name_dates_by_its_last_day(folder):
    write(folder / "RP log audit Q1 2026-27.txt", "x")
    (item,) = scan(folder, as_of=dt.date(2026, 11, 20)).items
    assert (item.date, item.period_end) == (dt.date(2026, 6, 30), dt.date(2026, 6, 30))


def test_a_forwarded_email_is_dated_by_the_original_not_the_forward(folder):
    message = ("From: Marcus Bell <marcus@example.org>\nTo: Tom <tom@example.org>\n"
               "Subject: FW: Riverside Homecare - contract monitoring visit\n"
               "Date: Wed, 28 Oct 2026 09:12:00 +0000\nMIME-Version: 1.0\nContent-Type: text/plain\n\n"
               "Tom,\nFor the file.\n-----Original message-----\nFrom: Sarah Whitlock <sarah@example.org>\n"
               "Sent: 27 October 2026 16:52\nSubject: Riverside Homecare - contract monitoring visit\n\nDear Marcus,\n")
    write(folder / "FW visit.eml", message)
    (item,) = scan(folder, as_of=dt.date(2026, 11, 20)).items
    assert item.date == dt.date(2026, 10, 27)
    assert item.provenance["date"] == "the forwarded message's 'Sent:' line: '27 October 2026 16:52'"
    write(folder / "FW visit.eml", message.replace("Subject: FW: ", "Subject: "))
    (item,) = scan(folder, as_of=dt.date(2026, 11, 20)).items
    assert item.date == dt.date(2026, 10, 28) and item.provenance["date"] == "email Date header"
