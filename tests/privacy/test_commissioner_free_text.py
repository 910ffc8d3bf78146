"""Free text in the commissioner pack, through the build: initials of people who use services, names split by
hidden characters, counts of fewer than 5 people, words that are not names, suppression of people (not events),
the update written for the commissioner, and data-protection claims that follow what the build did and found.

Every plan, roster and data file is written here, in code."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from lxml import etree

from compiler import pipeline
from compiler.cli import cli
from compiler.packs.assemble import assemble
from compiler.packs.profiles import PackProfile, load_profile
from compiler.privacy.pack_scan import scan_chunks
from compiler.privacy.pseudonym import NAME_WITHHELD, Pseudonymiser, load_key
from compiler.privacy.roster import parse_roster
from compiler.privacy.scan import scan_text
from compiler.views.commissioner import commissioner_view
from compiler.views.common import Options

AS_OF = "2026-11-20"
ROSTER = """\
name,kind,nhs_number,date_of_birth,role
Jamie Thornton,person,,,
Martin Blake,person,,,
May Lewis,person,,,
Will Jones,person,,,
Rachel Parker,person,,,
Charlotte Quinn Carter,person,,,
Priya Shah,staff,,,Registered Manager
Marcus Bell,staff,,,Registered Manager
"""
# a monthly count, better lower: 12-15 a month before the plan, 4, 3 and 4 in the last three months
INTERVENTIONS = [12, 14, 11, 13, 15, 12, 14, 13, 11, 12, 13, 14, 11, 9, 8, 6, 5, 4, 3, 4]
MONTHS = [f"{2025 + (2 + i) // 12}-{(2 + i) % 12 + 1:02d}" for i in range(len(INTERVENTIONS))]


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def plan_yaml(narrative: str, *, update: str | None = None, other: str = "Weekly log review continues.") -> str:
    return f"""\
format: sgpack/plan@1
provider: Example Care Ltd
plan:
  id: SAP-2026-201
  title: Restrictive practice at Oakview
  service: Oakview
  contract: NCC-RES-2026-004
  risk: high
  opened: 2026-02-16
indicators:
  - id: interventions
    title: Restrictive interventions per month
    better: lower
    data: indicators/interventions.csv
    target: 4
  - id: people_restrained
    title: People restrained per month
    better: lower
    data: indicators/people-restrained.csv
    target: 2
    counts: people
actions:
  - id: RP-01
    title: Behaviour support plans rewritten with each person
    kind: practice_change
    owner: Priya Shah (Registered Manager)
    due: 2026-12-18
    status: in_progress
    narrative: {quoted(narrative)}
    indicators: [interventions, people_restrained]
    reviews:
      - date: 2026-11-12
        forum: Quality and Safeguarding Committee
        narrative: Internal review note for the committee only.
  - id: RP-02
    title: Registered manager reviews the restrictive practice log weekly
    kind: oversight
    owner: Priya Shah (Registered Manager)
    due: 2027-02-26
    status: in_progress
    narrative: {quoted(other)}
""" + (f"    commissioner_update: {quoted(update)}\n" if update else "")


def make_site(tmp: Path, narrative: str, *, update: str | None = None, roster: bool = True,
              other: str = "Weekly log review continues.") -> tuple[Path, Path]:
    plans, evidence = tmp / "plans", tmp / "evidence"
    (evidence / "indicators").mkdir(parents=True)
    plans.mkdir()
    (plans / "oakview.yaml").write_text(plan_yaml(narrative, update=update, other=other), encoding="utf-8")
    if roster:
        (plans / "roster.csv").write_text(ROSTER, encoding="utf-8")
    for name, values in (("interventions", INTERVENTIONS), ("people-restrained", [max(v // 3, 1) for v in INTERVENTIONS])):
        rows = "".join(f"{m},{v}\n" for m, v in zip(MONTHS, values))
        (evidence / "indicators" / f"{name}.csv").write_text("period,value\n" + rows, encoding="utf-8")
    return plans, evidence


def build(tmp: Path, plans: Path, evidence: Path, *extra: str):
    keys = tmp / "keys"
    return CliRunner().invoke(cli, ["build", str(plans), "--evidence", str(evidence), "--pack", "commissioner",
                                    "--as-of", AS_OF, "--out", str(tmp / "pack"), *extra],
                              env={"SGPACK_KEY_DIR": str(keys)}, catch_exceptions=False)


def pdf_text(pack: Path) -> str:
    doc = pdfium.PdfDocument(str(pack / "commissioner-pack.pdf"))
    return re.sub(r"\s+", " ", " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))


def cover(text: str) -> str:
    return text[:text.index("Contents")]


def data_protection_page(text: str) -> str:
    return text[text.rindex("Data protection Purpose"):]


def returns(pack: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((pack / "return.csv").read_text(encoding="utf-8-sig"), newline="")))


def person(tmp: Path, name: str) -> str:
    return Pseudonymiser(load_key("default", tmp / "keys")).person(name)


NARRATIVE = ("JT's plan was rewritten with him in June, and J. T. signed it; MB's plan is next. "
             "Ja\u200bmie Thorn\u00adton chose the wording. In May, Will from the advocacy service said RP-02 "
             "and the CQC visit showed four interventions in October.")
UPDATE = "Weekly review of the restrictive practice log continues; October's log was reviewed in full."


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> tuple[Path, str]:
    """A plan whose free text names people only by initials and split names, with a commissioner_update."""
    tmp = tmp_path_factory.mktemp("clean")
    plans, evidence = make_site(tmp, NARRATIVE, update=UPDATE, other="Not for the commissioner: the three people "
                                "restrained in October were Jamie, Martin and May Lewis.")
    result = build(tmp, plans, evidence)
    assert result.exit_code == 0, result.output
    return tmp, pdf_text(tmp / "pack")


def test_initials_of_rostered_people_are_pseudonymised_as_names_are(clean):
    tmp, text = clean
    jamie = person(tmp, "Jamie Thornton")
    assert f"{jamie}'s plan was rewritten" in text and f"and {jamie} signed it" in text
    # MB is Martin Blake's initials and Marcus Bell's (staff): no one person's pseudonym is right
    assert f"{NAME_WITHHELD}'s plan is next" in text
    for initials in ("JT", "J. T.", "MB's"):
        assert initials not in text
    assert re.search(r"Names and initials of people who use services [1-9]", data_protection_page(text))


def test_initials_left_in_the_pack_block_like_names():
    from compiler.privacy.outgoing import outgoing

    roster = parse_roster(ROSTER)
    rules = outgoing(["SAP-2026-201", "RP-01"])
    hits = scan_chunks([("pack", "update", "JT agreed the plan with J.T.'s sister.")], roster, None, rules)
    assert [(h.kind, h.masked, h.detail, h.blocking) for h in hits] == [
        ("roster_name", "J*", "initials", True), ("roster_name", "*.*.", "initials", True)]
    # the CQC pack (inspectors may see records) is scanned as before: no initials
    assert scan_text("JT agreed the plan.", roster) == []


def test_may_will_rp_and_cqc_are_not_names(clean):
    """May Lewis and Will Jones are people, Rachel Parker's initials are RP and Charlotte Quinn Carter's CQC: the
    words stay as written (tests/privacy/test_privacy_scan.py holds the stop-list word by word)."""
    tmp, text = clean
    assert "In May, Will from the advocacy service said RP-02 and the CQC visit" in text
    assert person(tmp, "May Lewis") not in text and person(tmp, "Will Jones") not in text


def test_names_split_by_hidden_characters_are_found(clean):
    tmp, text = clean
    assert f"{person(tmp, 'Jamie Thornton')} chose the wording" in text
    split = "Met Jo\u200bhn Sm\u00adith and Mar\u2060tin Bl\u00adake."
    hits = scan_text(split, parse_roster(ROSTER + "John Smith,person,,,\n"), None)
    assert [(split[h.start:h.end], h.masked) for h in hits] == [
        ("Jo\u200bhn Sm\u00adith", "J*** S****"), ("Mar\u2060tin Bl\u00adake", "M***** B****")]


def test_commissioner_update_is_said_instead_of_the_narrative(clean):
    tmp, text = clean
    assert UPDATE in text
    assert "the three people restrained" not in text and "Not for the commissioner" not in text
    assert "For RP-02, the update the provider wrote for the commissioner is shown" in data_protection_page(text)
    # RP-01 has none: its narrative and latest review are shown
    assert "Latest review, 12 November 2026: Internal review note for the committee only." in text


def test_counts_of_events_are_shown_and_counts_of_people_suppressed(clean):
    tmp, text = clean
    assert "Latest quarter: 2026-08: 4, 2026-09: 3, 2026-10: 4; total 11." in text
    assert "four interventions in October" in text
    rows = returns(tmp / "pack")
    events = [r for r in rows if r["metric"] == "Restrictive interventions per month"]
    assert [r["value"] for r in events[-3:]] == ["4", "3", "4"]
    people = [r for r in rows if r["metric"] == "People restrained per month"]
    assert [r["value"] for r in people[-3:]] == ["<5", "<5", "<5"]
    assert "Chart withheld: it would show counts below 5." in text        # people restrained, and only that
    assert text.count("Chart withheld") == 1
    page = data_protection_page(text)
    assert "Counts of people (suppressed) People restrained per month" in page
    assert "Counts of events (shown as they are) Restrictive interventions per month" in page


def test_publication_grade_suppression_is_a_profile_setting(clean):
    assert load_profile("commissioner").suppression == "people"
    assert PackProfile.model_validate({**load_profile("commissioner").model_dump(), "suppression": "publication"})
    with pytest.raises(ValueError):
        PackProfile.model_validate({**load_profile("commissioner").model_dump(), "suppression": "some"})
    tmp, _ = clean
    assessment = pipeline.check([tmp / "plans"], tmp / "evidence", dt.date.fromisoformat(AS_OF))
    pack = assemble(assessment, load_profile("commissioner"), None)
    view = commissioner_view(pack, Options(), suppression="publication")
    shown = {i.title: (i.latest_value, i.chart) for c in view.contracts for i in c.indicators}
    assert shown["Restrictive interventions per month"] == ("<5", None)
    assert view.suppressed_metrics == ["Restrictive interventions per month", "People restrained per month"]
    assert view.event_metrics == []


def test_claims_follow_a_clean_scan(clean):
    _, text = clean
    assert "People who use services are shown as keyed pseudonyms" in cover(text)
    assert "counts of events (such as interventions or missed calls) are shown as they are" in cover(text)
    assert "No personal data was found in the pack's text or its return after pseudonymisation." in text
    assert "Not checked" not in data_protection_page(text)
    assert "\u201cdefault\u201d" not in data_protection_page(text)     # no recipient named: none is printed


COUNTED = ("Plans for the three people restrained in the last six months were rewritten. "
           "Four interventions in October. 2 residents moved rooms; one person-centred review followed.")


def test_counts_of_fewer_than_5_people_block_and_are_shown_with_their_sentence(tmp_path):
    plans, evidence = make_site(tmp_path, COUNTED)
    refused = build(tmp_path, plans, evidence)
    assert refused.exit_code == 1, refused.output
    assert not (tmp_path / "pack").exists()
    assert ("pamms[RP-01].update: count of fewer than 5 people in \u201cPlans for the three people restrained in "
            "the last six months were rewritten.\u201d") in refused.output
    assert "count of fewer than 5 people in \u201c2 residents moved rooms; one person-centred review followed.\u201d" \
        in refused.output
    assert "Four interventions" not in refused.output          # events, and "person-centred", are no count of people
    assert "write counts of fewer than 5 people without the number" in refused.output

    allowed = build(tmp_path, plans, evidence, "--allow-personal-data", "agreed with the DPO for this return")
    assert allowed.exit_code == 0, allowed.output
    page = data_protection_page(pdf_text(tmp_path / "pack"))
    assert "Personal data allowed: agreed with the DPO for this return" in page
    assert "count of fewer than 5 people" in page and "2 residents moved rooms" in page
    assert re.search(r"The scan found (\d+) items in the pack's text or its return after pseudonymisation: \1 "
                     r"blocking, 0 warnings, listed below\.", page)
    assert "No personal data was found" not in page


def test_without_a_roster_the_build_warns_and_the_pack_claims_nothing_it_did_not_do(tmp_path):
    plans, evidence = make_site(tmp_path, "Plans rewritten in June; JT signed hers.", roster=False)
    result = build(tmp_path, plans, evidence)
    assert result.exit_code == 0, result.output
    assert "warning: the commissioner pack leaves the provider and no roster was found" in result.stderr
    text = pdf_text(tmp_path / "pack")
    assert "JT signed hers" in text                             # nothing to match it against: said so below
    assert "keyed pseudonyms" not in cover(text)
    assert "No roster was given, so people who use services were not pseudonymised." in cover(text)
    page = data_protection_page(text)
    assert "Not checked Names of people who use services could not be matched against a roster" in page
    assert "No personal data was found" not in page
    assert ("No NHS number, National Insurance number, date of birth, count of fewer than 5 people, e-mail address, "
            "phone number or postcode was found in the pack's text or its return. Not checked") in page
    assert "replaced by keyed pseudonyms" not in page
    # the page is the contract officer's: how to give a roster is the preparer's business (console, notes)
    assert "--roster" not in page and "before it is shared" not in page and "roster.csv" not in page


# ------------------------------------------------------------------------------------ the Word pack's claims

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 72 / 25.4                                  # PDF points in a millimetre
# the sentences the Word template printed whatever the build did (untrue without a roster, or with hits)
FIXED_CLAIMS = ("Counts below 5 are shown as", "People who use services are shown as keyed pseudonyms. Counts",
                "The data-protection section at the end")


def word_text(pack: Path) -> str:
    """The Word pack's text as a reader reads it: every paragraph, in a table cell or not, in order."""
    with zipfile.ZipFile(pack / "commissioner-pack.docx") as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    paragraphs = ("".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p"))
    return re.sub(r"\s+", " ", " ".join(paragraphs).replace("\u00a0", " ")).strip()


def pdf_body(pack: Path) -> str:
    """The PDF pack's text without its running header and footer (the top and bottom 19 mm of each page), and
    without the bullets the PDF draws (Word's list style draws its own)."""
    doc = pdfium.PdfDocument(str(pack / "commissioner-pack.pdf"))
    pages = []
    for i in range(len(doc)):
        width, height = doc[i].get_size()
        pages.append(doc[i].get_textpage().get_text_bounded(0, 19 * MM, width, height - 19 * MM))
    return re.sub(r"\s+", " ", " ".join(pages).replace("\u00a0", " ").replace("\u2022", " ")).strip()


def cover_claim(text: str) -> str:
    """The cover's sentences on pseudonyms and small numbers, up to its pointer to the data-protection page."""
    found = re.search(r"(?:People who use services|No roster was given).*?"
                      r"The data-protection page at the end says what was done and on what lawful basis\.", cover(text))
    assert found, cover(text)
    return found.group(0)


PLAIN = "Plans rewritten in June with each person."
# an e-mail address (a warning) and a count of people (blocking), built with --allow-personal-data
WITH_HITS = PLAIN[:-1] + "; the duty team (duty.team@example.org) checked them. 2 residents moved rooms."


@pytest.mark.parametrize("roster,suppression,narrative", [
    (True, "people", WITH_HITS), (True, "publication", PLAIN), (False, "people", PLAIN),
    (False, "publication", WITH_HITS)],
    ids=["roster-people-with-hits", "roster-publication", "no-roster-people", "no-roster-publication-with-hits"])
def test_the_word_pack_makes_the_pdfs_data_protection_claims(tmp_path, monkeypatch, roster, suppression, narrative):
    """The Word pack's cover and data-protection section say, sentence for sentence and in the same order, what
    the PDF's say: what the build did (a roster or none, the profile's suppression) and what the scan found."""
    from compiler.packs import profiles

    shipped = profiles.load_profile
    monkeypatch.setattr(profiles, "load_profile", lambda name: shipped(name).model_copy(
        update={"suppression": suppression}) if name == "commissioner" else shipped(name))
    hits = narrative == WITH_HITS
    plans, evidence = make_site(tmp_path, narrative, roster=roster)
    result = build(tmp_path, plans, evidence, *(["--allow-personal-data", "agreed with the DPO"] if hits else []))
    assert result.exit_code == 0, result.output
    pdf, word = pdf_body(tmp_path / "pack"), word_text(tmp_path / "pack")

    claim = cover_claim(pdf)
    assert claim in cover(word)
    assert ("keyed pseudonyms" in claim) == roster
    assert ("Every count below 5" in claim) == (suppression == "publication")
    for fixed in FIXED_CLAIMS:
        assert fixed not in word

    # the data-protection section, from its heading to the end: the same words in the same order
    page = data_protection_page(word)
    assert page == data_protection_page(pdf)
    assert ("No personal data was found" in page) == (roster and not hits)
    assert ("Not checked Names of people who use services could not be matched against a roster" in page) is not roster
    assert ("Counts suppressed (every count: publication-grade)" in page) == (suppression == "publication")
    if hits:
        assert "Personal data allowed: agreed with the DPO" in page
        # each place the address and the count are shown is a hit: blocking and warnings under headings of their own
        assert re.search(r"The scan found \d+ items [^:]*: [1-9]\d* blocking, [1-9]\d* warnings?, listed below\. "
                         r"Blocking File Location Kind Value \(masked\), or the sentence .* Warnings File ", page)


def test_a_providers_template_from_before_still_lists_what_the_scan_found(tmp_path):
    """A provider's commissioner.docx started from an earlier shipped one lists the scan's hits as `dp.hits`, one
    list with a level each: it still gets them, so it never reads as if the scan had found nothing."""
    from docx import Document

    templates = tmp_path / "templates"
    templates.mkdir()
    earlier = Document()
    for line in ("{%p if dp.hits %}", "{%p for h in dp.hits %}", "{{ h.level }}: {{ h.kind }} in {{ h.location }}",
                 "{%p endfor %}", "{%p else %}", "Nothing found.", "{%p endif %}"):
        earlier.add_paragraph(line)
    earlier.save(templates / "commissioner.docx")
    plans, evidence = make_site(tmp_path, WITH_HITS)
    result = build(tmp_path, plans, evidence, "--templates", str(templates), "--allow-personal-data", "agreed")
    assert result.exit_code == 0, result.output
    text = word_text(tmp_path / "pack")
    assert "Blocking: count of fewer than 5 people in contracts[NCC-RES-2026-004].pamms[RP-01].update" in text
    assert "Warning: email address in contracts[NCC-RES-2026-004].pamms[RP-01].update" in text
    assert "Nothing found." not in text
