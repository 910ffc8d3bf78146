"""Links as people write them: loose ids and actions described by their title (docs/evidence.md)."""
from __future__ import annotations

from es_fixtures import docx_bytes, write

from evidence_store import scan
from evidence_store.links import ActionWords, Vocabulary

ACTIONS = (
    ActionWords("RP-01", "SAP-7", 1, "Managers review restrictive practice logs weekly"),
    ActionWords("RP-02", "SAP-7", 2, "Rewrite each person's behaviour support plan with them and their family"),
    ActionWords("RP-04", "SAP-7", 4, "Monthly audit of behaviour support plans against the restrictive practice log"),
    ActionWords("MD-01", "SAP-9", 1, "Night staff complete medicines competency assessment"),
)
VOCAB = Vocabulary(ids=frozenset({"SAP-7", "SAP-9", *(a.id for a in ACTIONS)}), actions=ACTIONS)


def _links(folder, paragraphs, name="note.docx", vocab=VOCAB):
    write(folder / name, docx_bytes(paragraphs))
    (item,) = scan(folder, vocab).items
    return {(link.target, link.source): link.why for link in item.links}


def test_loose_ids_link_when_they_name_one_action(folder):
    links = _links(folder, ["Discussed RP01 and action plan item RP 04.", "See also RP-2."])
    assert set(links) == {("RP-01", "written"), ("RP-04", "written"), ("RP-02", "written")}
    assert links[("RP-01", "written")] == "RP-01 written as 'RP01' in paragraph 1"


def test_a_loose_form_naming_two_actions_links_neither(folder):
    vocab = Vocabulary(ids=frozenset({"RP-01", "RP-001"}),
                       actions=(ActionWords("RP-01", "A", 1, "x y z"), ActionWords("RP-001", "B", 1, "p q r")))
    assert _links(folder, ["RP1 was discussed."], vocab=vocab) == {}


def test_an_exact_id_is_a_mention_not_a_loose_one(folder):
    links = _links(folder, ["RP-01 reviewed; RP01 again."])
    assert set(links) == {("RP-01", "mention")}


def test_a_sentence_carrying_the_title_words_links_with_the_sentence(folder):
    links = _links(folder, ["Action 1: managers reviewed the restrictive practice logs every week in June."])
    assert set(links) == {("RP-01", "described")}
    assert "'Action 1: managers reviewed the restrictive practice logs every week in June'" in links[("RP-01", "described")]


def test_a_sentence_with_common_words_only_links_nothing(folder):
    # "restrictive practice" is in two titles and "monthly" alone is not enough
    assert _links(folder, ["The restrictive practice figures for the month were discussed."]) == {}


def test_two_close_actions_link_neither(folder):
    # both RP-02 and RP-04 are about behaviour support plans: no margin, no link
    assert _links(folder, ["Behaviour support plans were discussed."]) == {}


def test_explicit_actions_keep_only_themselves_and_exact_ids(folder):
    write(folder / "note.docx.meta.yaml", "actions: [MD-01]\n")
    links = _links(folder, ["RP01 and managers review restrictive practice logs weekly. RP-02 too."])
    assert {t for t, _ in links} == {"MD-01", "RP-02"}


def test_a_plan_id_written_loosely_and_a_run_of_actions_link(folder):
    links = _links(folder, ["Plan SAP 7 update.", "RP-1 to RP-04 on track."],
                   vocab=Vocabulary(ids=frozenset({"SAP-2026-007", *(a.id for a in ACTIONS)}), actions=ACTIONS))
    assert set(links) == {("RP-01", "written"), ("RP-02", "written"), ("RP-04", "mention")}   # no RP-03 exists
    assert links[("RP-02", "written")] == "RP-02 within 'RP-1 to RP-04' in paragraph 2"
    plan = Vocabulary(ids=frozenset({"SAP-2026-007"}),
                      actions=(ActionWords("RP-01", "SAP-2026-007", 1, "Managers review logs weekly"),))
    assert set(_links(folder, ["The SAP 2026-007 report."], vocab=plan)) == {("SAP-2026-007", "written")}


def test_a_range_whose_end_is_no_action_is_no_range(folder):
    # RP-40 is no action: only the first end, written loosely, links
    assert set(_links(folder, ["Pages RP-2 to RP-40 of the log."])) == {("RP-02", "written")}


def test_one_clause_of_a_title_that_joins_two_things_describes_it(folder):
    vocab = Vocabulary(ids=frozenset({"RP-01", "RP-05"}), actions=(
        ActionWords("RP-01", "A", 1, "Prone restraint stopped; every restrictive intervention authorised by the "
                                     "shift lead, debriefed and reviewed within 72 hours"),
        ActionWords("RP-05", "A", 5, "Registered manager reviews the restrictive practice log weekly; trend data "
                                     "reviewed monthly at the Quality and Safeguarding Committee"),
        ActionWords("RQ-05", "B", 5, "Senior carers observed handling an escalation (competency sign-off), and "
                                     "people and families asked whether concerns are acted on")))
    links = _links(folder, ["Every restrictive intervention was authorised by the shift lead, debriefed and "
                            "reviewed within 72 hours.",
                            "New staff work supervised until their competency is signed off."], vocab=vocab)
    assert set(links) == {("RP-01", "described")}     # a three-word clause "(competency sign-off)" is not enough
