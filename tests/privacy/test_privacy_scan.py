"""Each detector fires on realistic text, stays quiet on dates, money and references, and masks."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from compiler.privacy.roster import parse_roster
from compiler.privacy.scan import mask, scan_document, scan_text

TODAY = dt.date(2026, 11, 1)
ROSTER = parse_roster(
    "name,kind,nhs_number,date_of_birth,role\n"
    "Jamie Thornton,person,9990000018,1994-03-14,\n"
    "Edna Pearce,person,9990000050,1936-01-17,\n"
    "Grace Mensah,staff,,,Deputy Manager\n"
    "Grace O'Neill,person,,,\n")


def kinds(text, roster=None):
    return [(h.kind, text[h.start:h.end]) for h in scan_text(text, roster, TODAY)]


@pytest.mark.parametrize("text, kind, value", [
    ("NHS number 943 476 5919 on file", "nhs_number", "943 476 5919"),
    ("NHS no: 943-476-5919.", "nhs_number", "943-476-5919"),
    ("nhs=9434765919", "nhs_number", "9434765919"),
    ("NI number AB 12 34 56 C", "ni_number", "AB 12 34 56 C"),
    ("NI: JG103759A", "ni_number", "JG103759A"),
    ("National Insurance no. ZX 12 34 56", "ni_number", "ZX 12 34 56"),
    ("lives at 4 Elm Road, Leeds LS6 2AB", "postcode", "LS6 2AB"),
    ("address: SW1A 1AA", "postcode", "SW1A 1AA"),
    ("EC1A1BB", "postcode", "EC1A1BB"),
    ("no fixed abode ZZ99 3VZ", "postcode", "ZZ99 3VZ"),
    ("DOB: 02/11/1988", "date_of_birth", "02/11/1988"),
    ("D.O.B. 2.11.88", "date_of_birth", "2.11.88"),
    ("date of birth 2 November 1988", "date_of_birth", "2 November 1988"),
    ("she was born on 5th August 1941 in Leeds", "date_of_birth", "5th August 1941"),
    ("1941-08-05 (DOB)", "date_of_birth", "1941-08-05"),
    ("Date of Birth | 1941-08-05 |", "date_of_birth", "1941-08-05"),
    ("write to kelly.lowe+care@example.co.uk today", "email", "kelly.lowe+care@example.co.uk"),
    ("mobile 07700 900123", "phone", "07700 900123"),
    ("call +44 7700 900123", "phone", "+44 7700 900123"),
    ("tel. 0161 496 0000", "phone", "0161 496 0000"),
    ("on (01632) 960000", "phone", "(01632) 960000"),
    ("+44 (0)20 7946 0000", "phone", "+44 (0)20 7946 0000"),
    ("ring 020-7946-0000", "phone", "020-7946-0000"),
])
def test_detectors_fire(text, kind, value):
    assert (kind, value) in kinds(text)


@pytest.mark.parametrize("text", [
    "Minutes of the meeting held on 12 March 2026.",
    "Review date 2026-03-12; next 12/03/2026; 12.03.26",
    "Spend was £1,234.56 against £1,000 budget; 1234567890p; $9434765919; €943 476 5919",
    "Agency use fell to 12.5% (45%), 9434765919%",
    "Reference 9434765918 and 1234567890 and 9990000000",     # check digit fails / check digit 10
    "Commissioner reference LA-2026-0042 and LA-DOM-2025-12, SAP-2026-007, QSC-26-11-3",
    "Logged at 2026-03-12T10:15:00Z and 2026-03-12T10:15:00+01:00",
    "See E-001, E-014, RP-01, RH-06 and OV-2026-104 (exhibit E-002 p. 4)",
    "Audit score 07 of 10; rota 0 1 2 3 4 5 6 7 8 9 10 11",
    "Version 943.476.59190 and 9434765919.5 and 1,943,476,591",
    "hash 9434765919abcdef and id x9434765919",
    "Q3 2026: 4 falls, 2 medication errors, 10:15-11:30",
    "Training on 14 March 1994 style birthday cards was popular",    # a date without a DOB word
    "Grace was thanked by the family",    # staff first name alone, shared with a person: not without roster
    "GB123456A QQ123456C AO123456C DA123456B and AB123456E",          # NI prefixes never issued, bad suffix
    "the meeting on the 2nd at 10:00; q3 4th",
])
def test_no_false_positives(text):
    assert kinds(text) == []


def test_no_false_positives_in_minutes_with_a_roster():
    minutes = ("Minutes 12 March 2026. Present: Grace Mensah (Deputy Manager). Budget £1,234.56. "
               "Ref LA-2026-0042 logged 2026-03-12T10:15:00Z. Staff thanked grace and patience.")
    assert kinds(minutes, ROSTER) == []


def test_roster_names_in_any_case_spacing_and_order():
    text = ("JAMIE THORNTON; jamie   thornton;\nJamie\nThornton; Thornton, Jamie; Jamie's view; Mr Thornton; "
            "Grace O’Neill and Grace Mensah; Edna")
    found = kinds(text, ROSTER)
    names = [v for k, v in found if k == "roster_name"]
    assert names == ["JAMIE THORNTON", "jamie   thornton", "Jamie\nThornton", "Thornton, Jamie", "Jamie",
                     "Thornton", "Grace O’Neill", "Edna"]       # Grace Mensah is staff: not a hit


def test_roster_name_is_a_whole_word():
    assert kinds("Jamieson Thorntons and Ednasia", ROSTER) == []


def test_roster_nhs_number_and_dob_in_any_format():
    text = ("id 9990000018, 999 000 0018, 999-000-0018, 99 90 00 00 18, 9990 000 018; "
            "14/03/1994, 14.3.94, 1994-03-14, 14th March 1994, March 14, 1994")
    found = kinds(text, ROSTER)
    assert [k for k, _ in found] == ["nhs_number"] * 5 + ["date_of_birth"] * 5


def test_roster_overlaps_are_one_hit():
    text = "Person: Jamie Thornton NHS 999 000 0018 DOB 14/03/1994"
    hits = scan_text(text, ROSTER, TODAY)
    assert [h.kind for h in hits] == ["roster_name", "nhs_number", "date_of_birth"]
    assert [h.detail for h in hits] == ["full name", "roster NHS number", "roster date of birth"]


def test_masks():
    text = "Jamie Thornton 943 476 5919 AB123456C kelly@example.org 07700 900123 LS6 2AB DOB 14/03/1994"
    masked = {h.kind: h.masked for h in scan_text(text, ROSTER, TODAY)}
    assert masked == {"roster_name": "J**** T*******", "nhs_number": "943 *** ****", "ni_number": "AB*******",
                      "email": "k****@e******.org", "phone": "0770* ******", "postcode": "LS6 ***",
                      "date_of_birth": "**/**/****"}


@given(st.text(min_size=1, max_size=40))
def test_mask_never_shows_the_value(value):
    for masked in (mask(value), mask(value, 3), mask(value, per_word=True)):
        assert len(masked) == len(value)
        if any(c.isalnum() for c in value):
            assert masked != value


@given(st.from_regex(r"999[0-9]{7}", fullmatch=True),
       st.sampled_from(["{}{}{}", "{} {} {}", "{}-{}-{}"]),
       st.text(alphabet="abc xyz.,;:()", max_size=20), st.text(alphabet="abc xyz.,;:()", max_size=20))
def test_any_valid_nhs_number_is_found_and_masked(digits, layout, before, after):
    from compiler.privacy.nhs import is_valid_nhs_number
    number = layout.format(digits[:3], digits[3:6], digits[6:])
    text = f"{before} {number} {after}"
    hits = [h for h in scan_text(text, None, TODAY) if h.kind == "nhs_number"]
    assert bool(hits) == is_valid_nhs_number(digits)
    for hit in hits:
        assert digits not in "".join(c for c in hit.masked if c.isdigit())
        assert number not in hit.masked


def test_scan_document_keeps_locations():
    located = scan_document([("page 1", "Nothing here."), ("paragraph 12", "Edna Pearce, DOB 17/01/1936")],
                            ROSTER, TODAY)
    assert [(x.location, x.hit.kind) for x in located] == [("paragraph 12", "roster_name"),
                                                            ("paragraph 12", "date_of_birth")]
    assert located[0].describe() == "paragraph 12: roster_name E*** P***** (full name)"
    assert "Pearce" not in located[0].model_dump_json()


def test_characters_that_print_nothing_are_every_hidden_format_character():
    """compiler.privacy.visible lists them by hand (a class built from Unicode data at import would be slow):
    it must hold every format character this Python knows but the number signs that print a mark."""
    import sys
    import unicodedata

    from compiler.privacy.visible import _HIDDEN, visible

    seen = set("\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2\U000110bd\U000110cd")
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        category = unicodedata.category(ch)
        if category == "Cf" and ch not in seen:
            assert _HIDDEN.fullmatch(ch), f"U+{code:04X} is hidden but not taken out"
        elif _HIDDEN.fullmatch(ch):
            assert category == "Cn", f"U+{code:04X} prints something but is taken out"   # assigned later
    assert visible("plain") == ("plain", None)
    assert visible("Ja\u200bmie \u202eX") == ("Jamie X", [0, 1, 3, 4, 5, 6, 8])


def test_a_name_split_by_hidden_characters_is_found_where_it_stands():
    text = "Seen: Ja\u200bmie Thorn\u00adton, DOB 14/03/1994; Ed\ufeffna."
    hits = scan_text(text, ROSTER, TODAY)
    assert [(h.kind, text[h.start:h.end], h.masked) for h in hits] == [
        ("roster_name", "Ja\u200bmie Thorn\u00adton", "J**** T*******"),
        ("date_of_birth", "14/03/1994", "**/**/****"),
        ("roster_name", "Ed\ufeffna", "E***")]


LEAVING = parse_roster(
    "name,kind,nhs_number,date_of_birth,role\n"
    "Jamie Thornton,person,,,\n"
    "Martin Blake,person,,,\n"
    "May Lewis,person,,,\n"
    "Rachel Parker,person,,,\n"
    "Charlotte Quinn Carter,person,,,\n"
    "Marcus Bell,staff,,,Registered Manager\n")


def leaving(text, ids=("RP-01", "SAP-2026-201")):
    from compiler.privacy.outgoing import outgoing

    return [(h.kind, text[h.start:h.end], h.detail) for h in scan_text(text, LEAVING, TODAY, outgoing(ids))]


@pytest.mark.parametrize("text, found", [
    ("JT's plan was agreed.", "JT"),
    ("Agreed with J.T. today", "J.T."),
    ("Agreed with J. T. today", "J. T."),
    ("MB and staff", "MB"),                       # Martin Blake's and Marcus Bell's: still a hit
])
def test_initials_of_people_are_found_in_text_that_leaves_the_provider(text, found):
    assert leaving(text) == [("roster_name", found, "initials")]
    assert kinds(text, LEAVING) == []             # inside the provider (the CQC pack), as before


@pytest.mark.parametrize("text", [
    "jt agreed.", "JTX and XJT", "JT-03 is an id", "In May we met.", "MAY", "Will it hold?", "RP-01 and RP",
    "SAP review", "The CQC visited.", "NHS, DoLS, QSC, PBS, NED, RM, LA, ICB, SAR, MCA", "Green, Amber and Red",
])
def test_words_that_are_not_names_and_plan_ids_are_never_initials_or_names(text):
    assert leaving(text) == []


def test_full_names_and_other_parts_are_still_found_beside_the_stop_list():
    assert leaving("May Lewis met Rachel; Lewis agreed.") == [
        ("roster_name", "May Lewis", "full name"), ("roster_name", "Rachel", "given name or surname"),
        ("roster_name", "Lewis", "given name or surname")]


@pytest.mark.parametrize("sentence, count", [
    ("Plans for the three people restricted were rewritten", "three people"),
    ("2 residents moved rooms", "2 residents"),
    ("One of the people asked to move", "One of the people"),
    ("It affected four service users", "four service users"),
    ("Only one person complained", "one person"),
    ("Two more residents moved in", "Two more residents"),
])
def test_counts_of_one_to_four_people_are_found_with_their_sentence(sentence, count):
    text = f"First sentence. {sentence}. Last one."
    found = scan_text(text, None, TODAY, _rules())
    assert [(h.kind, text[h.start:h.end], h.masked) for h in found] == [("people_count", count, f"{sentence}.")]


@pytest.mark.parametrize("text", [
    "four interventions in October", "one person-centred review", "24 people", "1.5 people", "five people",
    "three of the audits", "£3 people",
])
def test_counts_of_events_and_of_five_or_more_are_not_counts_of_people(text):
    assert scan_text(text, None, TODAY, _rules()) == []


def _rules():
    from compiler.privacy.outgoing import outgoing

    return outgoing()
