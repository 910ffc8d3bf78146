"""The commissioner pack: contract monitoring that leaves the provider.

Writes `commissioner-pack.pdf`, `commissioner-pack.docx`, `return.xlsx` and `return.csv`.

0. It holds the plans of `--contract REF`, else of every contract, each contract a section of its own; a plan
   with no contract reference is left out, and the console says which (`select`).
1. The view model is built per contract (`plan.contract`), then EVERY string in
   it is pseudonymised (`compiler.privacy.redact_view`): roster people's names and initials, NHS
   numbers and dates of birth become keyed pseudonyms (HMAC-SHA-256, key per `--recipient`). An NHS
   number or date of birth of someone NOT on the roster is left for the scan to block (their name
   would not be recognised either: the roster needs them). Staff keep their names unless the
   profile's `owners_as_roles` is true. Charts are drawn after this, from redacted titles. With no
   roster, a warning is printed and the data-protection page says names could not be checked.
2. Counts 1-4 of people are suppressed (see `compiler.views.commissioner`); counts of events, rates
   and percentages are not, unless the profile's `suppression` is `publication`.
3. Everything the pack will contain — the view model's text and every return row — is scanned.
   Blocking kinds (NHS number, NI number, date of birth, roster name or initials, a count of one
   to four people in the text) left after
   pseudonymisation stop the build with `BuildRefused` (exit 1, each hit listed by file and
   location with its value masked, no folder written) unless `--allow-personal-data REASON` is
   given; the pipeline records the reason in the manifest and the data-protection page shows it.
   E-mail addresses, phone numbers and postcodes only warn: they are listed (masked) on the
   data-protection page.

Pseudonym keys live in `$SGPACK_KEY_DIR` when set, else the user's config folder
(`~/.config/sgpack/keys` on Linux), one `<recipient>.key` per recipient, created (0600) on first
use, and never inside the pack being written or the evidence folder.
"""
from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path

from compiler.errors import BuildRefused, SgpackError
from compiler.packs.commissioner.returns import return_csv, return_xlsx
from compiler.packs.commissioner.story import outline, story
from compiler.packs.commissioner.word import build_view as word_view
from compiler.packs.job import DEFAULT_RECIPIENT, BuildJob
from compiler.privacy.claims import NO_ROSTER, privacy_claims, privacy_rules
from compiler.privacy.outgoing import Outgoing, outgoing
from compiler.privacy.pack_scan import KIND_WORDS, PackHit, scan_chunks
from compiler.privacy.redact_view import Redactor, map_strings, pseudonymiser_for, walk_strings
from compiler.render.charts import chart_spec, draw_charts
from compiler.render.docx.template import render_template
from compiler.render.pdf.document import document
from compiler.views.commissioner import (RETURN_COLUMNS, CommissionerView, DataProtection, HitRow,
                                         commissioner_view, contract_plans)

BODY = "commissioner-pack.pdf / commissioner-pack.docx"
RETURNS = "return.csv / return.xlsx"


def _out_folder(stage: Path) -> Path:
    """The pack folder the staging folder will become (`.<name>.sgpack-tmp-<token>` -> `<name>`)."""
    m = re.fullmatch(r"\.(.+)\.sgpack-tmp-[0-9a-f]+", stage.name)
    return stage.parent / m.group(1) if m else stage


def _outgoing(job: BuildJob) -> Outgoing:
    """The scan's rules for a pack that leaves the provider; its plans' id prefixes (RP of RP-03) are no one's
    initials."""
    plans = job.pack.assessment.plans
    return outgoing([p.id for p in plans] + [a.id for p in plans for a in p.actions])


def select(job: BuildJob) -> None:
    """Check the pack holds a contract's plans (`--contract`'s, else any), and say on the console, never in the
    pack, which plans it leaves out for having no contract reference when it holds every contract."""
    plans = [p for p in job.pack.assessment.plans if p.id in job.pack.plans]
    chosen, left_out = contract_plans(plans, job.contract)
    if not chosen:
        references = sorted({p.contract.strip() for p in plans if p.contract})
        if job.contract:
            raise SgpackError(f"no plan has the contract reference {job.contract!r}; "
                              + (f"contracts: {', '.join(references)}" if references else "no plan gives one"))
        raise SgpackError("no plan gives a contract reference (`contract:` under `plan:`), and the commissioner pack "
                          "holds only plans under a contract")
    if left_out and job.contract is None:       # with --contract, every other plan is left out as asked
        print("note: plans with no contract reference are left out of the commissioner pack: "
              + ", ".join(f"{p.id} ({p.service})" for p in left_out), file=sys.stderr)


def pseudonymise(job: BuildJob) -> tuple[CommissionerView, Redactor]:
    profile = job.profile
    view = commissioner_view(job.pack, job.options, owners_as_roles=profile.owners_as_roles,
                             suppression=profile.suppression, period=job.reporting_period,
                             approved_by=job.approved_by, contract=job.contract)
    pseudonymiser = pseudonymiser_for(job.recipient, forbidden=[job.stage, _out_folder(job.stage),
                                                                job.evidence_root])
    redactor = Redactor(job.roster, pseudonymiser, staff_as_roles=profile.owners_as_roles, today=job.pack.as_of,
                        outgoing=_outgoing(job))
    if job.roster is None:
        print(f"warning: the commissioner pack leaves the provider and no roster was found. {NO_ROSTER}",
              file=sys.stderr)
    if profile.redact_people:
        view = map_strings(view, redactor)
    return with_charts(view, job), redactor


def with_charts(view: CommissionerView, job: BuildJob) -> CommissionerView:
    """Charts drawn from the (already redacted) indicator titles; a count chart that would show suppressed
    values has no chart data, and is not drawn."""
    rows = [r for c in view.contracts for r in c.indicators if r.chart is not None]
    pngs = iter(draw_charts([chart_spec(dataclasses.replace(r.chart, title=r.title), theme=job.theme) for r in rows],
                            cache=job.cache))
    drawn = {id(r): next(pngs) for r in rows}
    contracts = [dataclasses.replace(c, indicators=[dataclasses.replace(r, png=drawn[id(r)]) if id(r) in drawn else r
                                                    for r in c.indicators]) for c in view.contracts]
    return dataclasses.replace(view, contracts=contracts)


def scan_view(view: CommissionerView, job: BuildJob) -> list[PackHit]:
    chunks = [(BODY, location, text) for location, text in walk_strings(view.contracts, "contracts")]
    for n, row in enumerate(view.returns, 2):          # row 1 is the header
        chunks += [(RETURNS, f"row {n}, {column}", text) for column, text in zip(RETURN_COLUMNS, row.cells())]
    chunks += [("return.xlsx", location, text) for location, text in walk_strings(view.workbook, "return")]
    return scan_chunks(chunks, job.roster, job.pack.as_of, _outgoing(job))


def _lawful_basis(text: str | None) -> tuple[str, str]:
    if not text:
        return "not set in the pack profile", "not set in the pack profile"
    parts = [p.strip() for p in text.split(";")]
    basis = next((p for p in parts if "6(" in p), parts[0])
    condition = next((p for p in parts if "9(" in p), "not set in the pack profile")
    return basis, condition


def data_protection(view: CommissionerView, job: BuildJob, redactor: Redactor, hits: list[PackHit]) -> DataProtection:
    profile, counts = job.profile, redactor.counts
    basis, condition = _lawful_basis(profile.lawful_basis)
    rows = [HitRow(file=h.file, location=h.location, kind=KIND_WORDS.get(h.kind, h.kind), masked=h.masked)
            for h in hits]
    roster, pseudonymised = job.roster is not None, job.roster is not None and profile.redact_people
    blocking = [r for r, h in zip(rows, hits) if h.blocking]
    warnings = [r for r, h in zip(rows, hits) if not h.blocking]
    cover, scan_result, not_checked = privacy_claims(suppression=view.suppression, roster=roster,
                                                     pseudonymised=pseudonymised, blocking=len(blocking),
                                                     warnings=len(warnings))
    suppressed_names = ", ".join(view.suppressed_metrics) or "none"
    events = ", ".join(view.event_metrics) or "none"
    rates = ", ".join(view.rate_metrics) or "none"
    publication = view.suppression == "publication"
    return DataProtection(
        purpose=(f"Contract monitoring by {profile.audience}: the provider's progress on its safeguarding "
                 "action plans, the indicators behind them and the evidence for closures."),
        lawful_basis=basis, condition=condition,
        recipient="" if job.recipient == DEFAULT_RECIPIENT else job.recipient,     # "": none named, left off
        approved_by=job.approved_by or "",
        pseudonymised=[("Names and initials of people who use services", str(counts.get("name", 0))),
                       ("NHS numbers", str(counts.get("nhs_number", 0))),
                       ("Dates of birth", str(counts.get("date_of_birth", 0))),
                       ("Staff names shown as roles", str(counts.get("staff_name", 0)))],
        suppressed=[("Counts 1–4 shown as “<5”", str(view.suppressed_small)),
                    ("Other counts hidden (“*”) so totals cannot give them back", str(view.suppressed_hidden)),
                    ("Counts suppressed (every count: publication-grade)" if publication else
                     "Counts of people (suppressed)", suppressed_names),
                    *([] if publication else [("Counts of events (shown as they are)", events)]),
                    ("Rates and percentages (not suppressed)", rates)],
        rules=privacy_rules(suppression=view.suppression, updates=view.commissioner_updates,
                            recipient=job.recipient, roster=roster, pseudonymised=pseudonymised,
                            owners_as_roles=profile.owners_as_roles),
        override=job.allow_personal_data or "",
        blocking=blocking, warnings=warnings, cover=cover, scan_result=scan_result, not_checked=not_checked)


def write(job: BuildJob) -> None:
    select(job)
    view, redactor = pseudonymise(job)
    hits = scan_view(view, job)
    blocking = [h for h in hits if h.blocking]
    if blocking and not job.allow_personal_data:
        warnings = len(hits) - len(blocking)
        raise BuildRefused(
            f"the commissioner pack would contain personal data ({len(blocking)} item"
            f"{'s' if len(blocking) != 1 else ''} below, values masked"
            + (f"; {warnings} warning{'s' if warnings != 1 else ''} not listed" if warnings else "")
            + "). Add the people to the roster so they are pseudonymised, remove the data from the plans or "
              "evidence"
            + (", write counts of fewer than 5 people without the number (or give the action a "
               "commissioner_update)" if any(h.kind == "people_count" for h in blocking) else "")
            + ", or pass --allow-personal-data \"reason\".",
            [h.describe() for h in blocking])
    dp = data_protection(view, job, redactor, hits)
    job.note_not_checked(dp.not_checked)
    if job.profile.redact_people:                   # user text on the page (reason, approver) too
        dp = map_strings(dp, redactor)
    view = dataclasses.replace(view, data_protection=dp)

    head = view.head
    if "pdf" in job.formats:
        job.write(f"{job.stem}.pdf", document(head, job.theme, story(view), outline=outline(view), split_rows=True).pdf)
    if "docx" in job.formats:
        job.write(f"{job.stem}.docx", render_template(job.template(), lambda tpl: word_view(view, tpl),
                                                      title=head.title, as_of_iso=head.as_of_iso))
    job.write("return.xlsx", return_xlsx(view.workbook, theme=job.theme, title=head.title, as_of_iso=head.as_of_iso))
    job.write("return.csv", return_csv(view.returns))
