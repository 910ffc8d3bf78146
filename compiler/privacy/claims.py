"""What a pack that leaves the provider says about its own protection (its cover and data-protection page),
made from what the build did and what the scan found, so it never claims what was not done."""
from __future__ import annotations

from collections.abc import Sequence

# said to the pack's reader; the console's warning tells the preparer how to give a roster
NO_ROSTER = ("Names of people who use services could not be matched against a roster: the provider gave none "
             "for this pack, so their names and initials were neither pseudonymised nor looked for.")
FOUND_BY_FORM = ("NHS number, National Insurance number, date of birth, count of fewer than 5 people, "
                 "e-mail address, phone number or postcode")


def privacy_claims(*, suppression: str, roster: bool, pseudonymised: bool, blocking: int,
                   warnings: int) -> tuple[str, str, list[str]]:
    """The cover's sentence, the scan's result and what could not be checked. `suppression` is the profile's
    ("people" or "publication"), `roster` whether one was given, `pseudonymised` whether its people were
    replaced, `blocking` and `warnings` how many hits the scan left."""
    not_checked = [] if roster else [NO_ROSTER]
    if pseudonymised:
        people = "People who use services are shown as keyed pseudonyms (\u201cPerson 3FA2C1\u201d). "
    elif roster:
        people = "People who use services are not pseudonymised in this pack. "
    else:
        people = "No roster was given, so people who use services were not pseudonymised. "
    counts = ("Every count below 5 is shown as \u201c<5\u201d. " if suppression == "publication" else
              "Counts of fewer than 5 people are shown as \u201c<5\u201d; counts of events (such as "
              "interventions or missed calls) are shown as they are. ")
    cover = people + counts + "The data-protection page at the end says what was done and on what lawful basis."

    where = "in the pack's text or its return" + (" after pseudonymisation" if pseudonymised else "")
    if blocking or warnings:
        found = blocking + warnings
        result = (f"The scan found {found} item{'s' if found != 1 else ''} {where}: {blocking} blocking, "
                  f"{warnings} warning{'s' if warnings != 1 else ''}, listed below.")
    elif roster:
        result = f"No personal data was found {where}."
    else:                               # names were not looked for: not_checked says so
        result = f"No {FOUND_BY_FORM} was found {where}."
    return cover, result, not_checked


def privacy_rules(*, suppression: str, updates: Sequence[str], recipient: str, roster: bool, pseudonymised: bool,
                  owners_as_roles: bool) -> list[str]:
    """How the pack was made safe to share, a sentence or two each, saying only what was done. `updates`: the
    actions whose commissioner_update was shown."""
    rules = []
    if pseudonymised:
        rules += ["People who use services (the roster) are replaced by keyed pseudonyms (HMAC-SHA-256): their full "
                  "names, a given name or surname alone, and their initials; initials two people share, or a person "
                  "and a member of staff, become \u201c[name withheld]\u201d. The key is held by the provider"
                  + (f" for recipient \u201c{recipient}\u201d" if recipient and recipient != "default" else "")
                  + " and never leaves with the pack; a person has the same pseudonym in every pack made for "
                  + ("this recipient." if recipient and recipient != "default" else "the same recipient."),
                  "An NHS number or date of birth that belongs to no one on the roster is not replaced: it stops "
                  "the build (that person's name would not be recognised either), unless personal data is allowed."]
    elif not roster:
        rules.append("No roster was given, so no name or initials could be recognised or pseudonymised. NHS "
                     "numbers, National Insurance numbers, dates of birth and counts of fewer than 5 people were "
                     "still looked for by their form.")
    rules.append("Staff who own actions are shown by role (the profile sets owners_as_roles)." if owners_as_roles
                 else "Staff who own actions keep their names: commissioners expect named leads.")
    if updates:
        rules.append(f"For {', '.join(updates)}, the update the provider wrote for the commissioner is shown "
                     "instead of the action's narrative and latest review.")
    hidden = ("(and, where the latest quarter's total would give one back, another count as \u201c*\u201d), in the "
              "pack and the return alike; their charts are withheld.")
    if suppression == "publication":
        rules.append("Every count of 1\u20134 is shown as \u201c<5\u201d, as the profile asks for publication-grade "
                     f"suppression {hidden} Rates and percentages are not suppressed.")
    else:
        rules.append(f"Counts of 1\u20134 people are shown as \u201c<5\u201d {hidden} Counts of events pick out no "
                     "one and are shown with their charts, as are rates and percentages.")
    scanned = "after pseudonymisation" if pseudonymised else "as written"
    blocking = ("NHS and National Insurance numbers, dates of birth, counts of fewer than 5 people and roster "
                "people's names and initials" if roster else
                "NHS and National Insurance numbers, dates of birth and counts of fewer than 5 people")
    rules.append(f"The pack and its return were scanned {scanned}: {blocking} block the build; e-mail addresses, "
                 "phone numbers and postcodes are warnings.")
    return rules
