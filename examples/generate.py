"""Write the bundled example's evidence folder (examples/evidence/) from code, deterministically.

    python examples/generate.py

Every run gives byte-identical files: fixed dates in DOCX/XLSX core properties, fixed zip entry
times, reportlab `invariant=1` with a fixed document date, sorted rows, no random ids. The folder
looks like a real provider's shared drive for the fictitious "Example Care Ltd": governance
minutes, audits, supervision notes, competency sign-offs, debriefs, support plans, incident logs,
board reports, indicator data, a forwarded email and a photo of a notice board. Every person and
organisation in it is invented; NHS numbers are 999-prefixed test numbers and appear in one file
only (debriefs/2026-09-04-post-incident-debrief.md), so the commissioner pack's personal-data scan
has something to find.

Deliberate faults, for the checker to find (see examples/README.md):
  minutes/2026-09-17-quality-and-safeguarding-committee-signed-truncated.pdf  a truncated PDF (SG304)
  support-plans/pbs-plan-review-KL-draft.md                                   an undated item (SG308)
  minutes/2026-06-18-health-and-safety-committee.docx                         links nothing (SG306)
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import pathlib
import re
import shutil
import zipfile
from xml.sax.saxutils import escape

import yaml

HERE = pathlib.Path(__file__).resolve().parent
OUT = HERE / "evidence"
PROVIDER = "Example Care Ltd"
CLASSIFICATION = "OFFICIAL-SENSITIVE"


# --------------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------------

def _path(rel: str) -> pathlib.Path:
    path = OUT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _zip_time(day: dt.date) -> tuple[int, int, int, int, int, int]:
    return (day.year, day.month, day.day, 9, 0, 0)


def _iso(day: dt.date) -> str:
    return f"{day.isoformat()}T09:00:00Z"


def _normalise_ooxml(data: bytes, day: dt.date) -> bytes:
    """Re-zip an OOXML package with fixed entry times and fixed core-property dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                for tag in ("created", "modified"):
                    text = re.sub(rf"(<dcterms:{tag}[^>]*>)[^<]*(</dcterms:{tag}>)",
                                  rf"\g<1>{_iso(day)}\g<2>", text)
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=_zip_time(day))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body)
    return out.getvalue()


def write_docx(rel: str, *, day: dt.date, title: str, blocks: list, author: str,
               category: str | None = None, keywords: str | None = None) -> None:
    """blocks: ("title"|"h1"|"h2"|"p"|"meta"|"bullets"|"table", payload)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    for kind, payload in blocks:
        if kind == "title":
            document.add_heading(payload, level=0)
        elif kind == "h1":
            document.add_heading(payload, level=1)
        elif kind == "h2":
            document.add_heading(payload, level=2)
        elif kind == "p":
            document.add_paragraph(payload)
        elif kind == "meta":
            para = document.add_paragraph()
            para.add_run(payload).italic = True
        elif kind == "bullets":
            for line in payload:
                document.add_paragraph(line, style="List Bullet")
        elif kind == "table":
            table = document.add_table(rows=0, cols=len(payload[0]))
            table.style = "Table Grid"
            for r, row in enumerate(payload):
                cells = table.add_row().cells
                for c, value in enumerate(row):
                    cells[c].text = str(value)
                    if r == 0:
                        for run in cells[c].paragraphs[0].runs:
                            run.bold = True
        else:
            raise ValueError(kind)
    section = document.sections[0]
    section.footer.paragraphs[0].text = f"{PROVIDER} · {CLASSIFICATION}"
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.category = category or ""
    props.keywords = keywords or ""
    props.subject = ""
    props.comments = ""
    props.revision = 1
    stamp = dt.datetime(day.year, day.month, day.day, 9, 0, 0)
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    buffer = io.BytesIO()
    document.save(buffer)
    _path(rel).write_bytes(_normalise_ooxml(buffer.getvalue(), day))


def pdf_bytes(*, day: dt.date, title: str, blocks: list, author: str, subject: str = "",
              keywords: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    stamp = f"D:{day:%Y%m%d}090000+00'00'"

    def on_page(canvas, doc):
        canvas.setDateFormatter(lambda *_: stamp)
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(20 * mm, 12 * mm, f"{PROVIDER} · {CLASSIFICATION}")
        canvas.drawRightString(190 * mm, 12 * mm, f"Page {doc.page}")
        canvas.restoreState()

    flow = []
    for kind, payload in blocks:
        if kind == "title":
            flow.append(Paragraph(escape(payload), styles["Title"]))
        elif kind == "h1":
            flow.append(Paragraph(escape(payload), styles["Heading2"]))
        elif kind == "h2":
            flow.append(Paragraph(escape(payload), styles["Heading3"]))
        elif kind == "p":
            flow.append(Paragraph(escape(payload), styles["BodyText"]))
        elif kind == "meta":
            flow.append(Paragraph(f"<i>{escape(payload)}</i>", styles["BodyText"]))
        elif kind == "bullets":
            for line in payload:
                flow.append(Paragraph(escape(line), styles["BodyText"], bulletText="•"))
        elif kind == "table":
            cell = styles["BodyText"].clone("cell", fontSize=8.5, leading=10.5)
            data = [[Paragraph(escape(str(v)), cell) for v in row] for row in payload]
            table = Table(data, repeatRows=1, hAlign="LEFT")
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            flow.append(table)
        else:
            raise ValueError(kind)
        flow.append(Spacer(1, 2 * mm))
    from reportlab import rl_config

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title=title, author=author,
                            subject=subject, keywords=keywords, creator=PROVIDER,
                            leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=20 * mm)
    # reportlab's settings are global: whatever else the process imported (sgpack's PDF kit turns ASCII85
    # off), the example is written with reportlab's defaults, so the same bytes come out
    kept, rl_config.useA85 = rl_config.useA85, 1
    try:
        doc.build(flow, onFirstPage=on_page, onLaterPages=on_page)
    finally:
        rl_config.useA85 = kept
    return buffer.getvalue()


def write_pdf(rel: str, **kwargs) -> None:
    _path(rel).write_bytes(pdf_bytes(**kwargs))


def write_text(rel: str, text: str) -> None:
    _path(rel).write_text(text, encoding="utf-8", newline="\n")


def write_md(rel: str, front: dict | None, body: str) -> None:
    text = ""
    if front is not None:
        text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n"
    write_text(rel, text + body.strip() + "\n")


def write_yaml(rel: str, data: dict, comment: str = "") -> None:
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    write_text(rel, head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def write_csv(rel: str, header: list[str], rows: list[list]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    write_text(rel, buffer.getvalue())


def write_xlsx(rel: str, *, day: dt.date, title: str, sheet: str, header: list[str],
               rows: list[list]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for column, width in zip("ABCDEFG", (14, 44, 10, 8, 8, 10, 10)):
        ws.column_dimensions[column].width = width
    stamp = dt.datetime(day.year, day.month, day.day, 9, 0, 0)
    wb.properties.creator = PROVIDER
    wb.properties.lastModifiedBy = PROVIDER
    wb.properties.title = title
    wb.properties.created = stamp
    wb.properties.modified = stamp
    buffer = io.BytesIO()
    wb.save(buffer)
    _path(rel).write_bytes(_normalise_ooxml(buffer.getvalue(), day))


# --------------------------------------------------------------------------------------------
# people (all invented) and governance meetings
# --------------------------------------------------------------------------------------------

NED = "Jonathan Pryce"
QSC_MEMBERS = [
    ["Jonathan Pryce", "Non-Executive Director (Chair)"],
    ["Ruth Adeyemi", "Director of Care and Nominated Individual"],
    ["Helen Carter", "Head of Quality and Safeguarding"],
    ["Tom Hughes", "Quality Lead"],
    ["Priya Shah", "Registered Manager, Oakview"],
    ["Marcus Bell", "Registered Manager, Riverside Homecare"],
    ["Daniel Okafor", "PBS Practitioner"],
    ["Sofia Marin", "Quality and Compliance Officer (minutes)"],
]
BOARD_MEMBERS = [
    ["Margaret Osei", "Chair"],
    ["Laura Fielding", "Chief Executive"],
    ["Jonathan Pryce", "Non-Executive Director, safeguarding lead"],
    ["Anil Desai", "Non-Executive Director"],
    ["Ruth Adeyemi", "Director of Care and Nominated Individual"],
    ["Peter Lomas", "Finance Director"],
    ["Helen Carter", "Head of Quality and Safeguarding (in attendance)"],
    ["Karen Whyte", "Company Secretary (minutes)"],
]

ACTION_ID = re.compile(r"\b(?:RP|RH|RQ)-\d\d\b|\bSAP-\d{4}-\d{3}\b")


def ids_in(blocks: list) -> str:
    found: set[str] = set()
    for _kind, payload in blocks:
        texts = payload if isinstance(payload, list) else [payload]
        for text in texts:
            if isinstance(text, list):
                text = " ".join(map(str, text))
            found.update(ACTION_ID.findall(str(text)))
    return ", ".join(sorted(found))


def long_date(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def committee_minutes(day: dt.date, items: list[tuple[str, list[str]]], action_log: list[list[str]],
                      apologies: str, next_meeting: str, forum: str = "Quality and Safeguarding Committee",
                      members: list[list[str]] | None = None, where: str = "Head Office, Meeting Room 2, and Microsoft Teams",
                      time: str = "14:00–16:00") -> list:
    blocks: list = [
        ("title", f"{forum}: minutes"),
        ("meta", f"{long_date(day)}, {time}. {where}. {PROVIDER}. {CLASSIFICATION}."),
        ("h1", "Present"),
        ("table", [["Name", "Role"]] + (members or QSC_MEMBERS)),
        ("p", f"Apologies: {apologies}"),
    ]
    for number, (heading, paragraphs) in enumerate(items, start=1):
        blocks.append(("h1", f"{number}. {heading}"))
        for paragraph in paragraphs:
            blocks.append(("p", paragraph))
    if action_log:
        blocks.append(("h1", "Actions agreed"))
        blocks.append(("table", [["Ref", "Action", "Owner", "By"]] + action_log))
    blocks.append(("p", f"Next meeting: {next_meeting}."))
    blocks.append(("meta", "These minutes are a record of decisions and the reasons for them; they are draft until approved at the next meeting."))
    return blocks


WELCOME = ("Welcome, apologies and declarations of interest",
           ["The Chair welcomed members. No declarations of interest were made."])


def meetings() -> None:
    d = dt.date

    # 12 March 2026 -- docx, challenge recorded
    day = d(2026, 3, 12)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Section 42 enquiry LA-2026-0042 (Oakview): outcome and action plan", [
            "Helen Carter summarised the outcome of the Section 42 enquiry led by Northfield County Council. The enquiry "
            "found that restrictive interventions at Oakview had not always been the least restrictive option, that two "
            "prone holds had been used in December 2025, and that the restrictive practice log was often incomplete "
            "(no debrief, no record of the de-escalation tried). The enquiry concluded that the risk to residents remains "
            "while these controls are put in place.",
            "Priya Shah presented the Oakview restrictive practice action plan. The immediate control, RP-01, is in place "
            "from 16 February: prone restraint is stopped and every restrictive intervention must be authorised by the shift "
            "lead and reviewed within 72 hours. RP-02 covers the rewrite of each person's behaviour support plan with the "
            "person, their family and advocate. RP-03 is the practice change the plan depends on: staff using the proactive "
            "and de-escalation strategies in each plan before any restriction. RP-04 (monthly audit of behaviour support "
            "plans against the log) starts in April and RP-05 sets up weekly manager review of the log with monthly trend "
            "reporting to this Committee.",
            f"{NED} challenged whether the 72-hour review under RP-01 would happen at weekends, when no manager is on site, "
            "and asked for assurance that the weekly log audit would be done by someone other than the shift lead who "
            "authorised the intervention. Priya Shah confirmed weekend reviews will be done by the on-call manager on the "
            "Monday and that Grace Mensah (Deputy Manager) will audit the log independently.",
            "Decision: the plan was approved. The Committee rated RP-01 amber and RP-03 red at this first review; the "
            "plan will return every month until the Committee is satisfied that change has been sustained.",
        ]),
        ("Quality dashboard", [
            "Tom Hughes presented the February dashboard. Restrictive interventions at Oakview were 14 in February. "
            "Training compliance across the group is 91%.",
        ]),
        ("Any other business", ["None."]),
    ], [
        ["QSC-26-03-1", "Weekend 72-hour reviews added to the on-call manager's checklist (RP-01)", "Priya Shah", "26 Mar 2026"],
        ["QSC-26-03-2", "Independent weekly log audit tool agreed (RP-03)", "Grace Mensah", "9 Apr 2026"],
    ], apologies="none.", next_meeting="Thursday 9 April 2026")
    write_docx("minutes/2026-03-12-quality-and-safeguarding-committee.docx", day=day, author="Sofia Marin",
               title="Quality and Safeguarding Committee minutes, 12 March 2026", blocks=blocks,
               category="governance_minutes", keywords=ids_in(blocks))

    # 9 April 2026 -- pdf, no challenge
    day = d(2026, 4, 9)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Minutes of the last meeting and action log", [
            "The minutes of 12 March were approved. Both actions from the last meeting are complete."]),
        ("Oakview restrictive practice plan: monthly update", [
            "RP-01: no prone restraint has been used since 16 February. Seven of the nine interventions in March had a "
            "72-hour review on file.",
            "RP-02: Daniel Okafor has started the behaviour support plan rewrites with JT and his family; MB and AR follow.",
            "RP-03: a de-escalation refresher for all Oakview staff is booked for 22 April and 6 May. The first weekly "
            "independent log audits scored between 57% and 64%, mostly for missing debrief and de-escalation fields.",
            "RP-04: the audit tool is agreed; the first monthly audit will be in May.",
            "RP-05: Priya Shah has reviewed the log every week since 3 March. Restrictive interventions fell to 11 in March.",
            "Decision: ratings unchanged (RP-01 amber, RP-03 red). The Committee noted the update.",
        ]),
        ("Any other business", ["None."]),
    ], [], apologies="Marcus Bell (annual leave).", next_meeting="Thursday 14 May 2026")
    write_pdf("minutes/2026-04-09-quality-and-safeguarding-committee.pdf", day=day, author="Sofia Marin",
              title="Quality and Safeguarding Committee minutes, 9 April 2026", blocks=blocks,
              subject="governance_minutes", keywords=ids_in(blocks))

    # 14 May 2026 -- docx, challenge on Riverside
    day = d(2026, 5, 14)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Oakview restrictive practice plan: monthly update", [
            "RP-01 and RP-05 continue. RP-02: JT's behaviour support plan is in draft with his family. RP-03: 17 of 21 "
            "staff have attended the de-escalation refresher; the log audit score rose to 72%. RP-04 starts this month. "
            "Restrictive interventions were 9 in April.",
        ]),
        ("Riverside Homecare: missed and late calls action plan", [
            "Marcus Bell presented the new Riverside plan, opened on 20 April after the contract monitoring visit and "
            "safeguarding concern SC-2026-019 (a missed teatime medication call). Missed calls were 4.5 per 1,000 in April "
            "and 15.6% of calls started more than 30 minutes late.",
            "RH-01 flags time-critical calls in the rostering system with an alert to the care coordinator; RH-02 makes "
            "care coordinators review every missed or late call with the care worker in supervision; RH-03 rebuilds rotas "
            "around time-critical calls; RH-04 sets the out-of-hours escalation route; RH-05 reissues the call monitoring "
            "policy; RH-06 reports the data monthly to this Committee and to the commissioner.",
            f"{NED} asked for assurance that time-critical medication calls (RH-01) are flagged on every run and not only "
            "for new clients, and questioned whether RH-05 on its own would change anything. Marcus Bell confirmed that all "
            "112 current clients have been reviewed and 38 calls flagged as time-critical, and that RH-05 sits alongside "
            "the rota changes in RH-03.",
            "Decision: plan approved; first ratings amber for RH-01 and RH-03.",
        ]),
        ("Any other business", ["None."]),
    ], [
        ["QSC-26-05-1", "Share the list of time-critical calls with the commissioner (RH-06)", "Marcus Bell", "31 May 2026"],
    ], apologies="none.", next_meeting="Thursday 11 June 2026")
    write_docx("minutes/2026-05-14-quality-and-safeguarding-committee.docx", day=day, author="Sofia Marin",
               title="Quality and Safeguarding Committee minutes, 14 May 2026", blocks=blocks,
               category="governance_minutes", keywords=ids_in(blocks))

    # 11 June 2026 -- pdf, no challenge
    day = d(2026, 6, 11)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Oakview restrictive practice plan: monthly update", [
            "RP-01: no prone restraint. RP-02: JT's new plan is due to be signed off on 19 June; MB's is in progress. "
            "RP-03: refresher complete for all staff; first competency observations of de-escalation done. RP-04: first "
            "monthly audit (28 May) found two of five plans did not list every intervention used. RP-05: interventions "
            "were 8 in May.",
            "Decision: RP-03 moved from red to amber.",
        ]),
        ("Riverside Homecare: monthly update", [
            "RH-01: alerts live since 1 June. RH-02: care coordinators have started follow-up supervision. RH-03: new rota "
            "pattern on two of five runs. RH-04: on-call escalation route written. RH-05: the policy was reissued on 6 May. "
            "RH-06: May data reported to the commissioner; missed calls fell to 3.1 per 1,000.",
        ]),
        ("Any other business", ["None."]),
    ], [], apologies="Daniel Okafor.", next_meeting="Thursday 9 July 2026")
    write_pdf("minutes/2026-06-11-quality-and-safeguarding-committee.pdf", day=day, author="Sofia Marin",
              title="Quality and Safeguarding Committee minutes, 11 June 2026", blocks=blocks,
              subject="governance_minutes", keywords=ids_in(blocks))

    # 18 June 2026 -- docx, health and safety committee: links no action (orphan)
    day = d(2026, 6, 18)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Fire safety", ["Fire drills were completed at all six services in the quarter. Meadow Court's evacuation time "
                         "was 4 minutes 10 seconds at night, within the fire risk assessment's target."]),
        ("Water safety", ["Legionella temperature checks are in date everywhere. The Willows' calorifier was serviced on 2 June."]),
        ("Vehicles", ["Two pool cars at Riverside Homecare are due for MOT in August."]),
    ], [["HS-26-06-1", "Book MOTs for the Riverside pool cars", "Peter Lomas", "31 Jul 2026"]],
        apologies="none.", next_meeting="Thursday 17 September 2026", forum="Health and Safety Committee",
        members=[["Peter Lomas", "Finance Director (Chair)"], ["Sofia Marin", "Quality and Compliance Officer"],
                 ["Gareth Lloyd", "Estates Manager"], ["Priya Shah", "Registered Manager, Oakview"]],
        time="10:00–11:00")
    write_docx("minutes/2026-06-18-health-and-safety-committee.docx", day=day, author="Sofia Marin",
               title="Health and Safety Committee minutes, 18 June 2026", blocks=blocks,
               category="governance_minutes", keywords="")

    # 9 July 2026 -- docx, challenge on record quality
    day = d(2026, 7, 9)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Record quality and delayed escalation: provider-wide action plan", [
            "Helen Carter presented the plan opened on 8 June after learning review LR-2026-03, which looked at a fall at "
            "Oakview that was not escalated for 30 hours and unexplained bruising noticed by a Riverside care worker but "
            "not reported until the next visit.",
            "RQ-01 introduces same-day escalation of falls, injuries, bruising and refused care, checked by a monthly "
            "daily-record audit. RQ-02 brings the audit results here every month, with exceptions to the Board. RQ-03 "
            "reissues the record-keeping policy. RQ-04 is a programme of unannounced spot checks at every service, followed "
            "up in supervision. RQ-05 adds a competency observation of escalation for senior carers and asks people and "
            "families whether concerns are acted on.",
            f"{NED} queried why escalation within 24 hours fell to 76% at Meadow Court earlier in the year, and asked for "
            "assurance that RQ-01 would be audited at every service, not only the two in the learning review. Helen Carter "
            "confirmed the monthly audit covers all six services.",
        ]),
        ("Oakview and Riverside: monthly updates", [
            "RP-01, RP-02, RP-04 and RP-05 on track; RP-03 amber, log audit 84%. RH-01 to RH-06 on track; late calls 11.4% in June.",
        ]),
    ], [
        ["QSC-26-07-1", "Add escalation within 24 hours to the quality dashboard (RQ-01)", "Tom Hughes", "13 Aug 2026"],
    ], apologies="none.", next_meeting="Thursday 13 August 2026")
    write_docx("minutes/2026-07-09-quality-and-safeguarding-committee.docx", day=day, author="Sofia Marin",
               title="Quality and Safeguarding Committee minutes, 9 July 2026", blocks=blocks,
               category="governance_minutes", keywords=ids_in(blocks))

    # 23 July 2026 -- Board minutes, docx with no category (typed by folder), linked by text mentions
    day = d(2026, 7, 23)
    blocks = committee_minutes(day, [
        ("Welcome and apologies", ["The Chair welcomed members. Apologies were received from Peter Lomas."]),
        ("Safeguarding assurance report (quarter 1)", [
            "Ruth Adeyemi presented the safeguarding assurance report. Restrictive interventions at Oakview fell from 14 "
            "in February to 6 in June. The practice change RP-03 and the oversight in RP-05 are working; the Committee "
            "expects to propose closure of RP-03 in the autumn if the reduction holds.",
            "At Riverside Homecare missed calls fell from 4.5 to 2.4 per 1,000 (RH-01). The record quality plan started in "
            "June; the first audit results come to the Board through RQ-02.",
            "Anil Desai questioned whether the reduction at Oakview could be explained by the two residents who moved in "
            "2025, and asked for evidence that the change is in staff practice rather than in who lives there. Ruth "
            "Adeyemi agreed to show the trend by person in the next report.",
        ]),
        ("Decision", ["The Board accepted limited assurance on restrictive practice and asked for the next report in October."]),
    ], [], apologies="Peter Lomas.", next_meeting="Thursday 22 October 2026", forum="Board of Directors",
        members=[m for m in BOARD_MEMBERS if m[0] != "Peter Lomas"], time="10:00–13:00",
        where="Head Office, Board Room")
    write_docx("minutes/2026-07-23-board-of-directors.docx", day=day, author="Karen Whyte",
               title="Board of Directors minutes, 23 July 2026", blocks=blocks)

    # 13 August 2026 -- pdf, challenge on RP-04
    day = d(2026, 8, 13)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Oakview restrictive practice plan: monthly update", [
            "RP-03: interventions were 5 in July; weekly log audits averaged 85%. Supervision and competency observations "
            "show staff describing the early warning signs in each person's plan. Rating moved to green.",
            "RP-04: the July audit found all five behaviour support plans now list every intervention used. Tom Hughes "
            "will cover the Riverside quality role from September. The Committee was not assured that the monthly audits "
            "would continue while he does so and asked Priya Shah to name a deputy auditor.",
            "RP-01, RP-02 and RP-05: on track.",
        ]),
        ("Riverside Homecare: monthly update", [
            "RH-01, RH-02, RH-05 and RH-06 on track. Late calls 9.8% in July. RH-03: new rota pattern now on all five runs. "
            "RH-04: the out-of-hours escalation route was used twice in July; both calls were covered within the hour.",
        ]),
        ("Record quality plan: monthly update", [
            "RQ-01: first provider-wide daily-record audit scored between 72% and 81%. RQ-02: results reported here as "
            "planned. RQ-04: first spot check (Oakview, 16 July) done. RQ-03 and RQ-05 on track.",
        ]),
    ], [["QSC-26-08-1", "Name a deputy auditor for RP-04 while the Quality Lead covers Riverside", "Priya Shah", "10 Sep 2026"]],
        apologies="none.", next_meeting="Thursday 17 September 2026")
    write_pdf("minutes/2026-08-13-quality-and-safeguarding-committee.pdf", day=day, author="Sofia Marin",
              title="Quality and Safeguarding Committee minutes, 13 August 2026", blocks=blocks,
              subject="governance_minutes", keywords=ids_in(blocks))

    # 17 September 2026 -- docx (draft, readable, no challenge) + the signed PDF, truncated in upload
    day = d(2026, 9, 17)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Oakview restrictive practice plan: monthly update", [
            "RP-01, RP-02, RP-03 and RP-05 on track; interventions were 4 in August. RP-04: no audit in September; "
            "the deputy auditor has not yet been named. Rating amber.",
        ]),
        ("Riverside Homecare: monthly update", [
            "RH-01, RH-02, RH-03, RH-04, RH-05 and RH-06 on track; missed calls 1.6 per 1,000 in August.",
        ]),
        ("Record quality plan: monthly update", [
            "RQ-01: audit scores improving at five of six services. RQ-02: the August results were reviewed; no "
            "exception needs to go to the Board. RQ-03, RQ-04 and RQ-05 on track.",
        ]),
    ], [], apologies="Jonathan Pryce (Ruth Adeyemi chaired).", next_meeting="Thursday 15 October 2026")
    write_docx("minutes/2026-09-17-quality-and-safeguarding-committee.docx", day=day, author="Sofia Marin",
               title="Quality and Safeguarding Committee minutes, 17 September 2026 (draft)", blocks=blocks,
               category="governance_minutes", keywords=ids_in(blocks))
    signed = pdf_bytes(day=day, author="Sofia Marin",
                       title="Quality and Safeguarding Committee minutes, 17 September 2026 (signed)",
                       blocks=blocks, subject="governance_minutes", keywords=ids_in(blocks))
    # The upload to the shared drive was interrupted: the header survives, the rest does not.
    _path("minutes/2026-09-17-quality-and-safeguarding-committee-signed-truncated.pdf").write_bytes(signed[:700])
    write_yaml("minutes/2026-09-17-quality-and-safeguarding-committee-signed-truncated.pdf.meta.yaml", {
        "id": "qsc-2026-09-17-signed",
        "type": "governance_minutes",
        "title": "Quality and Safeguarding Committee minutes, 17 September 2026 (signed copy)",
        "date": dt.date(2026, 9, 17),
        "service": "Provider-wide",
        "actions": ["RQ-02"],
        "author": "Sofia Marin",
        "tags": ["signed copy"],
    }, "Sidecar metadata for the signed minutes (the PDF itself did not upload completely).")

    # 15 October 2026 -- docx, closure of RP-03 with challenge
    day = d(2026, 10, 15)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Oakview: proposal to close RP-03 on evidence", [
            "Grace Mensah presented the evidence for closing RP-03. Restrictive interventions have been below the "
            "baseline average of 12.8 a month for seven months in a row since the plan opened (11, 9, 8, 6, 5, 4 and 3), "
            "a sustained shift on the SPC chart, and at or below the target of 4 since August. The independent weekly log "
            "audits have scored 90% or more every week since August. Supervision and competency observations since May "
            "show staff using the early warning signs and proactive strategies in each person's plan.",
            f"{NED} challenged whether the reduction would hold when two new support workers start in November, and asked "
            "for assurance that the weekly log audits would continue after closure. Priya Shah confirmed that RP-05 keeps "
            "the weekly manager review and the audits in place, and that new staff will not work unsupervised until their "
            "de-escalation competency is signed off.",
            "Decision: RP-03 closed on evidence (blue). The Committee will keep watching the indicator through RP-05.",
        ]),
        ("Oakview: other actions", [
            "RP-01 and RP-02 green. RP-04 amber: audits have not restarted. RP-05 green.",
        ]),
        ("Riverside Homecare: monthly update", [
            "RH-01, RH-02, RH-03, RH-04, RH-05 and RH-06 on track. The commissioner's monitoring visit is on 27 October.",
        ]),
        ("Record quality plan: monthly update", [
            "RQ-01 and RQ-02 green. RQ-04: spot checks at Hillside House done; two services still to visit before the "
            "31 October deadline.",
        ]),
    ], [["QSC-26-10-1", "Report the RP-03 closure to the Board", "Ruth Adeyemi", "22 Oct 2026"]],
        apologies="none.", next_meeting="Thursday 12 November 2026")
    write_docx("minutes/2026-10-15-quality-and-safeguarding-committee.docx", day=day, author="Sofia Marin",
               title="Quality and Safeguarding Committee minutes, 15 October 2026", blocks=blocks,
               category="governance_minutes", keywords=ids_in(blocks))

    # 22 October 2026 -- Board minutes, pdf
    day = d(2026, 10, 22)
    blocks = committee_minutes(day, [
        ("Welcome and apologies", ["The Chair welcomed members. There were no apologies."]),
        ("Safeguarding assurance report (quarter 2)", [
            "Ruth Adeyemi reported that the Quality and Safeguarding Committee closed RP-03 on 15 October after seven "
            "months of sustained reduction in restrictive interventions at Oakview. RP-01 and RP-05 stay open to hold the "
            "gains. The trend by person, requested in July, shows the reduction for each of the three people concerned.",
            "Riverside Homecare: missed calls fell to 0.9 per 1,000 in September (RH-01). Record quality: the monthly "
            "audits reported through RQ-02 show improvement at five of six services.",
            "The Chair asked for assurance that the closure of RP-03 will be tested again at six months. Jonathan Pryce "
            "will report the six-month check to the Board in April 2027.",
        ]),
        ("Decision", ["The Board accepted reasonable assurance on restrictive practice at Oakview."]),
    ], [], apologies="none.", next_meeting="Thursday 21 January 2027", forum="Board of Directors",
        members=BOARD_MEMBERS, time="10:00–13:00", where="Head Office, Board Room")
    write_pdf("minutes/2026-10-22-board-of-directors.pdf", day=day, author="Karen Whyte",
              title="Board of Directors minutes, 22 October 2026", blocks=blocks,
              subject="governance_minutes", keywords=ids_in(blocks))

    # 12 November 2026 -- pdf, challenge across all plans
    day = d(2026, 11, 12)
    blocks = committee_minutes(day, [
        WELCOME,
        ("Oakview restrictive practice plan", [
            "RP-01 green: every intervention in October had a 72-hour review and a debrief. RP-02 green: the three "
            "rewritten behaviour support plans are in place; KL's plan is still a draft. RP-05 green: 4 interventions in "
            "October.",
            f"{NED} challenged the amber rating of RP-04: no behaviour support plan audit has been done since 27 August. "
            "Tom Hughes will restart the audits in December. The Committee asked for assurance on RP-01, RP-02 and RP-05 "
            "that the two new support workers are included in the weekly log review.",
        ]),
        ("Riverside Homecare plan", [
            "RH-01 green: missed calls 0.9 per 1,000 in October. RH-03 green: rota audit 93%. RH-05 green: 41 of 44 care "
            "workers have signed the policy. RH-06 green: October data and the client telephone survey went to the "
            "commissioner.",
            "The Committee asked for evidence behind the green rating of RH-02: only one follow-up supervision record "
            "could be found for October. It queried who owns RH-04, which is assigned to the on-call team rather than "
            "a named manager. Marcus Bell will bring the supervision records and a named owner in December.",
        ]),
        ("Record quality plan", [
            "RQ-01 green and RQ-02 green. RQ-05 green: two competency observations and the relatives' survey are on file.",
            "The Chair challenged the slippage on RQ-04: the spot checks were due by 31 October and two services "
            "(Riverside Homecare and Ashgrove) have not been visited. He also questioned whether RQ-03, reissuing the "
            "policy, had changed practice on its own; Helen Carter agreed that the audits under RQ-01 are the test.",
        ]),
    ], [
        ["QSC-26-11-1", "Restart monthly behaviour support plan audits (RP-04)", "Tom Hughes", "11 Dec 2026"],
        ["QSC-26-11-2", "Bring October follow-up supervision records (RH-02) and a named owner for RH-04", "Marcus Bell", "10 Dec 2026"],
        ["QSC-26-11-3", "Complete spot checks at Riverside Homecare and Ashgrove (RQ-04)", "Sofia Marin", "10 Dec 2026"],
    ], apologies="none.", next_meeting="Thursday 10 December 2026")
    write_pdf("minutes/2026-11-12-quality-and-safeguarding-committee.pdf", day=day, author="Sofia Marin",
              title="Quality and Safeguarding Committee minutes, 12 November 2026", blocks=blocks,
              subject="governance_minutes", keywords=ids_in(blocks))


# --------------------------------------------------------------------------------------------
# audits
# --------------------------------------------------------------------------------------------

def fridays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        days.append(day)
        day += dt.timedelta(days=7)
    return days


def audits() -> None:
    d = dt.date
    # Weekly independent audit of the Oakview restrictive practice log (RP-03): % of the 12-field
    # dataset complete across the week's entries. Two weeks missed in April (leave cover).
    rows = []
    wiggle = [0, 2, -1, 1, -2, 1]
    for k, day in enumerate(fridays(d(2026, 1, 9), d(2026, 11, 13))):
        if day in (d(2026, 4, 10), d(2026, 4, 17)):
            continue
        if day < d(2026, 3, 1):
            score = 52 + wiggle[k % 6]
        elif day < d(2026, 8, 1):
            score = 58 + round((day - d(2026, 3, 6)).days * 0.2) + wiggle[k % 6]
        else:
            score = 92 + [0, 2, 1, 3, 2, 4][k % 6]
        rows.append([day.isoformat(), "Restrictive practice log audit (weekly, independent)", min(score, 98), 100, 90])
    write_csv("audits/oakview-restrictive-practice-log-audit-scores.csv", ["date", "audit", "score", "max", "target"], rows)
    write_yaml("audits/oakview-restrictive-practice-log-audit-scores.csv.meta.yaml", {
        "id": "oakview-rp-log-audit-scores",
        "type": "audit",
        "title": "Oakview restrictive practice log: weekly independent audit scores",
        "date": d(2026, 11, 13),
        "service": "Oakview",
        "actions": ["RP-03"],
        "author": "Grace Mensah",
        "tags": ["restrictive practice", "log completeness"],
    }, "Sidecar metadata: the CSV itself cannot say which action it evidences.")

    # Quarterly narrative report on the same audits (PDF, linked by /Keywords).
    day = d(2026, 9, 30)
    q3 = [r for r in rows if "2026-07-01" <= r[0] <= "2026-09-30"]
    blocks = [
        ("title", "Oakview restrictive practice log audit: quarter 3 report"),
        ("meta", f"Prepared by Grace Mensah, Deputy Manager, {day.day} September 2026. Action RP-03."),
        ("h1", "Summary"),
        ("p", f"{len(q3)} weekly audits were completed in the quarter. Every week since 7 August the log met the 90% "
              "standard. The fields most often missing in the spring (de-escalation steps tried, the person's account, "
              "staff debrief) are now recorded in almost every entry."),
        ("table", [["Week ending", "Score (%)", "Target (%)"]] + [[r[0], r[2], r[4]] for r in q3]),
        ("h1", "What we found"),
        ("bullets", [
            "Every restrictive intervention in the quarter was authorised by the shift lead and had a 72-hour review.",
            "De-escalation steps were recorded in 47 of 48 entries; the one gap was followed up in supervision.",
            "No prone restraint was recorded. No injuries to people or staff were recorded.",
        ]),
        ("h1", "Next steps"),
        ("p", "Weekly audits continue under RP-05 after closure; results go to the Quality and Safeguarding Committee monthly."),
    ]
    write_pdf("audits/2026-09-30-oakview-restrictive-practice-log-audit-q3.pdf", day=day, author="Grace Mensah",
              title="Oakview restrictive practice log audit, quarter 3 2026", blocks=blocks,
              subject="audit", keywords="RP-03")

    # Monthly behaviour support plan audits (RP-04): stopped after August, so they go stale.
    people = ["JT", "MB", "AR", "KL", "SD"]
    results = {
        d(2026, 5, 28): ["yes", "no", "no", "yes", "yes"],
        d(2026, 6, 25): ["yes", "yes", "no", "yes", "yes"],
        d(2026, 7, 30): ["yes", "yes", "yes", "yes", "yes"],
        d(2026, 8, 27): ["yes", "yes", "yes", "yes", "yes"],
    }
    for day, listed in results.items():
        ok = listed.count("yes")
        blocks = [
            ("title", f"Behaviour support plan audit, Oakview, {day:%B %Y}"),
            ("meta", f"Auditor: Tom Hughes, Quality Lead. Date of audit: {day.day} {day:%B %Y}. Action RP-04."),
            ("p", "Each person's behaviour support plan was checked against the restrictive practice log for the "
                  "previous month: is every restrictive intervention used listed in the plan's reactive strategies, with "
                  "its best-interest basis, and was the plan reviewed after any significant incident?"),
            ("table", [["Person", "Interventions in log", "All listed in plan", "Reviewed after incident"]] +
             [[p, str(n), ok_, "yes" if ok_ == "yes" else "due"] for p, n, ok_ in
              zip(people, [3, 2, 2, 0, 1] if day.month < 7 else [2, 1, 1, 0, 0], listed)]),
            ("p", f"Result: {ok} of 5 plans compliant ({ok * 20}%)."),
            ("p", "Follow-up: Daniel Okafor to update the plans marked 'no' within 14 days." if ok < 5 else
                  "No follow-up needed this month."),
        ]
        write_docx(f"audits/{day.isoformat()}-oakview-pbs-plan-audit.docx", day=day, author="Tom Hughes",
                   title=f"Behaviour support plan audit, Oakview, {day:%B %Y}", blocks=blocks,
                   category="audit", keywords="RP-04")

    # Riverside monthly rota and call-time audit scores (XLSX, RH-03), linked by a sidecar.
    scores = [(d(2026, 3, 27), 61), (d(2026, 4, 24), 64), (d(2026, 5, 29), 68), (d(2026, 6, 26), 74),
              (d(2026, 7, 31), 81), (d(2026, 8, 28), 86), (d(2026, 9, 25), 91), (d(2026, 10, 30), 93)]
    write_xlsx("audits/riverside-rota-and-call-audit-scores.xlsx", day=d(2026, 10, 30),
               title="Riverside Homecare rota and call-time audit scores", sheet="Scores",
               header=["date", "audit", "score", "max", "target"],
               rows=[[day.isoformat(), "Rota and call-time audit (monthly)", s, 100, 90] for day, s in scores])
    write_yaml("audits/riverside-rota-and-call-audit-scores.xlsx.meta.yaml", {
        "id": "riverside-rota-audit-scores",
        "type": "audit",
        "title": "Riverside Homecare: monthly rota and call-time audit scores",
        "date": d(2026, 10, 30),
        "service": "Riverside Homecare",
        "actions": ["RH-03"],
        "author": "Aisha Rahman",
    })

    # Riverside MAR audit report (PDF, linked by /Keywords and a text mention).
    day = d(2026, 10, 29)
    blocks = [
        ("title", "Riverside Homecare: medication administration record (MAR) audit, October 2026"),
        ("meta", "Auditor: Aisha Rahman, Care Coordinator. 20 MAR charts sampled (time-critical medicines first)."),
        ("table", [["Check", "Compliant", "Sample"],
                   ["Time-critical doses given within 30 minutes of the prescribed time", "19", "20"],
                   ["Every dose signed or coded", "20", "20"],
                   ["PRN reason recorded", "9", "10"],
                   ["Stock balance matches", "18", "20"]]),
        ("p", "Overall 95%. The one late time-critical dose was on a run covered by the back-up care worker after "
              "sickness; the rota change under RH-03 meant cover was found within 40 minutes."),
    ]
    write_pdf("audits/2026-10-29-riverside-mar-audit.pdf", day=day, author="Aisha Rahman",
              title="Riverside Homecare MAR audit, October 2026", blocks=blocks, subject="audit", keywords="RH-03")

    # Provider-wide daily-record and escalation audit scores (RQ-01), linked through evidence.yaml.
    services = {"Oakview": [74, 78, 83, 86, 89, 91], "Riverside Homecare": [72, 75, 80, 84, 88, 92],
                "Meadow Court": [70, 73, 79, 85, 90, 93], "Hillside House": [81, 83, 86, 89, 91, 92],
                "The Willows": [79, 80, 84, 87, 90, 91], "Ashgrove": [76, 74, 77, 79, 82, 84]}
    dates = [d(2026, 6, 26), d(2026, 7, 24), d(2026, 8, 28), d(2026, 9, 25), d(2026, 10, 23), d(2026, 11, 13)]
    rows = sorted([[day.isoformat(), f"Daily records and escalation: {service}", s, 100, 90]
                   for service, series in services.items() for day, s in zip(dates, series)])
    write_csv("audits/daily-record-audit-scores-2026.csv", ["date", "audit", "score", "max", "target"], rows)


# --------------------------------------------------------------------------------------------
# supervision (Markdown with front matter), competency, training
# --------------------------------------------------------------------------------------------

def supervision() -> None:
    d = dt.date
    notes = [
        ("supervision/2026-05-20-supervision-liam-novak.md",
         {"id": "sup-2026-05-20-oakview-ln", "type": "supervision", "date": d(2026, 5, 20), "actions": ["RP-03"],
          "author": "Grace Mensah", "service": "Oakview"},
         """
# Supervision: Liam Novak, Support Worker (Oakview)

**Supervisor:** Grace Mensah, Deputy Manager · **Type:** planned one-to-one

## How things are going
Liam said the de-escalation refresher in April was the first time he had understood *why* JT's plan asks staff to
offer the garden before anything else. He feels more confident stepping back and giving JT time.

## Practice discussion (RP-03)
We went through the two log entries Liam was involved in during April. In the first, the early warning signs were
spotted and the proactive strategy worked: no restriction was needed. In the second, a seated hold was used for
three minutes; Liam described what he tried first and we agreed the debrief had been recorded well.

## Wellbeing
Liam is managing his hours well. No concerns.

## Agreed
- Liam to shadow Bethany at the next team debrief.
- Competency observation of de-escalation booked for June.
"""),
        ("supervision/2026-08-26-supervision-bethany-clarke.md",
         {"id": "sup-2026-08-26-oakview-bc", "type": "supervision", "date": d(2026, 8, 26), "actions": ["RP-03"],
          "author": "Grace Mensah", "service": "Oakview"},
         """
# Supervision: Bethany Clarke, Senior Support Worker (Oakview)

**Supervisor:** Grace Mensah, Deputy Manager · **Type:** planned one-to-one

## Practice discussion (RP-03)
Bethany leads most shifts at weekends. Since June she has authorised two restrictive interventions, both seated and
under two minutes, both with the 72-hour review done by the on-call manager. She talked through how the team now
reads MB's early signs (pacing by the front door, asking for his mum) and offers a drive or a phone call first.

Bethany feels the team is consistent now: "we all do the same thing, in the same order". She suggested adding a
photo prompt card to the office wall; Grace agreed.

## Agreed
- Bethany to co-facilitate the September debrief.
- Prompt cards to be made with Daniel Okafor.
"""),
        ("supervision/2026-10-14-supervision-kwame-asante.md",
         {"id": "sup-2026-10-14-riverside-ka", "type": "supervision", "date": d(2026, 10, 14), "actions": ["RH-02"],
          "author": "Aisha Rahman", "service": "Riverside Homecare"},
         """
# Follow-up supervision after a late call: Kwame Asante, Care Worker (Riverside Homecare)

**Supervisor:** Aisha Rahman, Care Coordinator · **Type:** follow-up within 7 days of a late call (RH-02)

## What happened
On 9 October Kwame's lunchtime call to EP started 52 minutes late. EP's call is time-critical (Parkinson's
medication). The rota had him travelling from the far side of town with 10 minutes' travel time.

## Discussion
Kwame rang the office when he realised he would be late, which is what the policy asks. The office did not send the
back-up care worker because the alert went to a coordinator who was on a call. We agreed the travel time was not
realistic; Aisha has changed the run.

## Agreed
- Run 3 travel time increased to 25 minutes from 19 October.
- Kwame to complete the time-critical medication refresher by 31 October.
"""),
        ("supervision/2026-08-05-supervision-chloe-pritchard.md",
         {"id": "sup-2026-08-05-rq-cp", "type": "supervision", "date": d(2026, 8, 5), "actions": ["RQ-04"],
          "author": "Sofia Marin", "service": "Oakview"},
         """
# Supervision after a spot check: Chloe Pritchard, Senior Carer (Oakview)

**Supervisor:** Sofia Marin, Quality and Compliance Officer, with Priya Shah

The spot check of 16 July found three daily records that said "settled day" with no detail, and a fall on 12 July
that was written up the next morning. Chloe explained that night staff wrote up at the end of the shift. We looked
together at what a good record says: what the person did, how they seemed, what they said, and what staff did.

## Agreed
- Falls and injuries are reported to the on-duty manager before the end of the shift, and written up at the time.
- Chloe will check two records a week on her shifts for the next month.
"""),
        ("supervision/2026-09-10-supervision-rhys-morgan.md",
         {"id": "sup-2026-09-10-rq-rm", "type": "supervision", "date": d(2026, 9, 10), "actions": ["RQ-04"],
          "author": "Sofia Marin", "service": "Meadow Court"},
         """
# Supervision after a spot check: Rhys Morgan, Senior Carer (Meadow Court)

**Supervisor:** Sofia Marin, Quality and Compliance Officer

The August spot check found fluid charts complete, but two residents' skin checks recorded "no concerns" on days
when the body map showed a new mark. Rhys said agency staff were unsure where body maps are kept. He has put the
body maps with the daily records and briefed the agency induction.

## Agreed
- Rhys to include body maps in the agency induction checklist.
- Re-check at the next spot check.
"""),
        ("supervision/2026-10-21-supervision-emily-dawson.md",
         {"id": "sup-2026-10-21-rq-ed", "type": "supervision", "date": d(2026, 10, 21), "actions": ["RQ-04"],
          "author": "Sofia Marin", "service": "Hillside House"},
         """
# Supervision after a spot check: Emily Dawson, Senior Carer (Hillside House)

**Supervisor:** Sofia Marin, Quality and Compliance Officer

The spot check of 24 September found good, detailed records. One refusal of personal care was recorded but not
escalated. Emily agreed that two refusals in a day should be passed to the on-duty manager, and explained how she now
records the person's reasons in their own words.

## Agreed
- Emily to share the example record at the next team meeting.
"""),
    ]
    for rel, front, body in notes:
        write_md(rel, front, body)


def competency() -> None:
    d = dt.date

    def observation(name: str, role: str, service: str, assessor: str, day: dt.date, action: str, skill: str,
                    criteria: list[tuple[str, str]], comment: str) -> list:
        return [
            ("title", f"Competency observation: {skill}"),
            ("meta", f"{name}, {role}, {service}. Observed by {assessor} on {day.day} {day:%B %Y}. Action {action}."),
            ("table", [["Criterion", "Outcome"]] + [list(c) for c in criteria]),
            ("p", comment),
            ("p", "Outcome: competent. Signed by the assessor and the staff member."),
        ]

    de_escalation = [
        ("Knows the person's early warning signs from their behaviour support plan", "met"),
        ("Uses the proactive strategies in the plan first", "met"),
        ("Offers choices and time; calm voice and body language", "met"),
        ("Describes when a restriction would be justified and the least restrictive option", "met"),
        ("Records the event, de-escalation tried and the person's account", "met"),
    ]
    obs = [
        ("competency/2026-06-10-de-escalation-observation-liam-novak.docx", "Liam Novak", "Support Worker",
         d(2026, 6, 10), "Liam noticed JT's early signs at lunch and offered the garden and his music; JT settled "
                         "within ten minutes and no restriction was used."),
        ("competency/2026-07-15-de-escalation-observation-bethany-clarke.docx", "Bethany Clarke", "Senior Support Worker",
         d(2026, 7, 15), "Bethany led the team calmly during MB's distress in the evening, gave clear roles and "
                         "recorded the event fully before the end of the shift."),
    ]
    for rel, name, role, day, comment in obs:
        blocks = observation(name, role, "Oakview", "Daniel Okafor, PBS Practitioner", day, "RP-03",
                             "de-escalation and least restrictive practice", de_escalation, comment)
        write_docx(rel, day=day, author="Daniel Okafor", blocks=blocks,
                   title=f"De-escalation competency observation: {name}")
    day = d(2026, 9, 9)
    write_pdf("competency/2026-09-09-de-escalation-observation-olu-adebayo.pdf", day=day, author="Daniel Okafor",
              title="De-escalation competency observation: Olu Adebayo", subject="competency", keywords="RP-03",
              blocks=observation("Olu Adebayo", "Support Worker", "Oakview", "Daniel Okafor, PBS Practitioner", day,
                                 "RP-03", "de-escalation and least restrictive practice", de_escalation,
                                 "Olu used AR's communication board to offer a choice of activity; AR chose to go "
                                 "for a walk and the situation resolved without restriction."))

    medication = [
        ("Checks the time-critical flag on the call before setting off", "met"),
        ("Gives time-critical medicine within 30 minutes of the prescribed time", "met"),
        ("Signs the MAR at the time of administration", "met"),
        ("Rings the office straight away if running late", "met"),
    ]
    day = d(2026, 7, 8)
    write_docx("competency/2026-07-08-time-critical-medication-competency-kwame-asante.docx", day=day,
               author="Aisha Rahman", title="Time-critical medication competency: Kwame Asante",
               blocks=observation("Kwame Asante", "Care Worker", "Riverside Homecare", "Aisha Rahman, Care Coordinator",
                                  day, "RH-03", "time-critical medication calls", medication,
                                  "Observed on the morning run under the new rota pattern; all three time-critical "
                                  "calls started on time."))
    day = d(2026, 9, 16)
    write_pdf("competency/2026-09-16-time-critical-medication-competency-joanna-wilk.pdf", day=day,
              author="Aisha Rahman", title="Time-critical medication competency: Joanna Wilk", subject="competency",
              keywords="RH-03",
              blocks=observation("Joanna Wilk", "Care Worker", "Riverside Homecare", "Aisha Rahman, Care Coordinator",
                                 day, "RH-03", "time-critical medication calls", medication,
                                 "Joanna explained the back-up care worker arrangement on her run and when she would "
                                 "use it."))

    escalation = [
        ("Recognises what must be escalated the same day (falls, injuries, bruising, refused care)", "met"),
        ("Tells the on-duty manager before the end of the shift", "met"),
        ("Writes a factual, timed record with the person's own words", "met"),
        ("Completes a body map where there is a mark or injury", "met"),
    ]
    day = d(2026, 8, 12)
    write_docx("competency/2026-08-12-escalation-competency-chloe-pritchard.docx", day=day, author="Sofia Marin",
               title="Escalation and record-keeping competency: Chloe Pritchard",
               blocks=observation("Chloe Pritchard", "Senior Carer", "Oakview", "Sofia Marin, Quality and Compliance Officer",
                                  day, "RQ-05", "escalation and record keeping", escalation,
                                  "Chloe reported a minor fall to the on-duty manager within 20 minutes and wrote "
                                  "it up at the time."))
    day = d(2026, 10, 7)
    write_pdf("competency/2026-10-07-escalation-competency-rhys-morgan.pdf", day=day, author="Sofia Marin",
              title="Escalation and record-keeping competency: Rhys Morgan", subject="competency", keywords="RQ-05",
              blocks=observation("Rhys Morgan", "Senior Carer", "Meadow Court", "Sofia Marin, Quality and Compliance Officer",
                                 day, "RQ-05", "escalation and record keeping", escalation,
                                 "Rhys completed a body map for a new skin tear and escalated it to the nurse "
                                 "practitioner the same afternoon."))


def training() -> None:
    staff = [
        ("Bethany Clarke", "Senior Support Worker", "Oakview"), ("Liam Novak", "Support Worker", "Oakview"),
        ("Olu Adebayo", "Support Worker", "Oakview"), ("Grace Mensah", "Deputy Manager", "Oakview"),
        ("Kwame Asante", "Care Worker", "Riverside Homecare"), ("Joanna Wilk", "Care Worker", "Riverside Homecare"),
        ("Aisha Rahman", "Care Coordinator", "Riverside Homecare"), ("Chloe Pritchard", "Senior Carer", "Oakview"),
        ("Rhys Morgan", "Senior Carer", "Meadow Court"), ("Emily Dawson", "Senior Carer", "Hillside House"),
    ]
    courses = {
        "Safeguarding adults level 2": "2026-02-{:02d}",
        "RRN-certified restrictive intervention (Oakview only)": "2026-04-{:02d}",
        "Call monitoring policy v4 read and signed (Riverside only)": "2026-05-{:02d}",
        "Time-critical medication refresher (Riverside only)": "2026-10-{:02d}",
    }
    rows = []
    for i, (name, role, service) in enumerate(staff):
        for course, pattern in courses.items():
            if "Oakview only" in course and service != "Oakview":
                continue
            if "Riverside only" in course and service != "Riverside Homecare":
                continue
            done = pattern.format(3 + (i * 2) % 24)
            expires = "" if "read and signed" in course else str(int(done[:4]) + (1 if "RRN" in course else 3)) + done[4:]
            rows.append([name, role, service, course, done, expires, "in date"])
    rows.sort()
    write_csv("training/2026-11-02-training-matrix.csv",
              ["name", "role", "service", "course", "completed", "expires", "status"], rows)


# --------------------------------------------------------------------------------------------
# debriefs, support plans, incidents, spot checks, feedback, policies
# --------------------------------------------------------------------------------------------

def debriefs() -> None:
    # Markdown with no front matter: type from the folder, date from the file name, links from the text.
    write_md("debriefs/2026-04-17-post-incident-debrief.md", None, """
# Post-incident debrief: Oakview, 15 April 2026

Person: MB · Restriction: seated hold, 4 minutes · Staff present: 3 · Debrief held: 17 April (within 72 hours, RP-01)

**What happened.** MB became distressed after a phone call was cancelled. Staff offered a drive, which he refused.
A seated hold was used when he started hitting his head against the door frame.

**What we tried first.** Quiet space, his music, offer of a call to his mum later.

**MB's view.** MB said he was "sad about the phone". He chose to have his key worker with him for the debrief.

**What we will do differently.** Tell MB early if a call is cancelled, and agree another time straight away.
Behaviour support plan to be updated (Daniel Okafor).
""")
    write_md("debriefs/2026-09-04-post-incident-debrief.md", None, """
# Post-incident debrief: Oakview, 2 September 2026

Person: Jamie Thornton · NHS number 999 000 0018 · Date of birth 14/03/1994

Restriction: guided escort (standing), under 1 minute · Staff present: 2 · Debrief held: 4 September (RP-01)

**What happened.** Jamie was at risk of walking into the road during a community outing after a bus was cancelled.
Staff guided him back to the pavement by the arm.

**What we tried first.** His picture timetable to show the next bus, and an offer to walk to the park instead.

**Jamie's view.** Jamie said he "wanted to go home on the bus". He was happy with the walk back.

**What we will do differently.** Carry the bus app on the service phone and check times before leaving.
This was the only restrictive intervention for Jamie in August and September.
""")
    write_md("debriefs/2026-10-09-post-incident-debrief.md", None, """
# Post-incident debrief: Oakview, 7 October 2026

Person: AR · Restriction: seated hold, 2 minutes · Staff present: 3 · Debrief held: 9 October (RP-01)

**What happened.** AR was distressed during a dental visit at home and tried to bite her hand.
**What we tried first.** Her communication board, a break in the garden, and her sister on a video call.
**AR's view.** AR pointed to "hurt" and "no dentist". The dentist will come back with a desensitisation plan.
**What we will do differently.** Dental visits to be planned with the learning disability nurse in advance.
""")
    write_md("debriefs/2026-11-06-post-incident-debrief.md", None, """
# Post-incident debrief: Oakview, 4 November 2026

Person: MB · Restriction: PRN medication (as in his protocol), one dose · Debrief held: 6 November (RP-01)

**What happened.** MB had not slept for two nights after a change of day centre. Staff followed the PRN protocol
after the proactive and secondary strategies in his plan had been tried over two hours.

**MB's view.** MB said he felt "tired and cross". He asked for his old day centre key worker to visit.

**What we will do differently.** A transition plan for the day centre change, agreed with MB and his mum.
""")


def support_plans() -> None:
    d = dt.date
    plans = [
        ("support-plans/2026-06-19-pbs-plan-review-JT.md", "JT", d(2026, 6, 19),
         "his family (mum and sister) and his advocate", "garden time, his music, his picture timetable"),
        ("support-plans/2026-07-24-pbs-plan-review-MB.md", "MB", d(2026, 7, 24),
         "his mum and the learning disability nurse", "regular calls with his mum, drives, telling him early about changes"),
        ("support-plans/2026-08-21-pbs-plan-review-AR.md", "AR", d(2026, 8, 21),
         "her sister and her IMCA", "her communication board, walks, quiet time after busy mornings"),
    ]
    for rel, person, day, who, proactive in plans:
        write_md(rel, {"id": f"pbs-review-{person.lower()}-{day:%Y-%m}", "type": "support_plan", "date": day,
                       "actions": ["RP-02"], "author": "Daniel Okafor", "service": "Oakview",
                       "title": f"Behaviour support plan review: {person}"}, f"""
# Behaviour support plan review: {person}

Reviewed with {person}, {who}. Facilitated by Daniel Okafor, PBS Practitioner (RP-02).

## What matters to {person}
Written with {person} in their own words and pictures; kept at the front of the plan.

## Proactive strategies
{proactive}.

## Early warning signs and secondary strategies
Updated from the last six months of the restrictive practice log and debriefs.

## Reactive strategies
Only the least restrictive options agreed in {person}'s best interests are listed. Prone restraint is not permitted.
Every restrictive intervention used in the last six months now appears here with its best-interest basis.

## Review
Next review in six months, or after any significant incident.
""")
    # A draft with no date anywhere: listed as undated, and it can never count as current.
    write_md("support-plans/pbs-plan-review-KL-draft.md",
             {"id": "pbs-review-kl-draft", "type": "support_plan", "actions": ["RP-02"], "author": "Daniel Okafor",
              "service": "Oakview", "title": "Behaviour support plan review: KL (draft)"}, """
# Behaviour support plan review: KL (DRAFT)

Draft for discussion with KL and her brother (RP-02). Not yet agreed; not to be used on shift.

## Proactive strategies
Morning routine at her own pace; her tablet for music; a choice of two activities.

## Still to do
- Meet KL's brother to agree the reactive strategies.
- Functional assessment of the evening distress (with the learning disability team).
""")


def incidents() -> None:
    header = ["event_id", "person", "date_start", "time_start", "duration_min", "location", "restriction_type",
              "technique", "in_pbs_plan", "authorised_by", "deescalation_tried", "injury_person", "injury_check_done",
              "person_view_recorded", "debrief_within_72h", "review_72h_done", "safeguarding_referral"]
    rows = [
        ["OV-2026-101", "AR", "2026-10-07", "10:40", "2", "lounge", "physical", "seated", "yes", "shift lead",
         "communication board; garden break; video call", "none", "yes", "yes", "yes", "yes", "no"],
        ["OV-2026-102", "MB", "2026-10-12", "19:15", "1", "hallway", "physical", "standing guided escort", "yes",
         "shift lead", "drive offered; call to mum", "none", "yes", "yes", "yes", "yes", "no"],
        ["OV-2026-103", "JT", "2026-10-20", "13:05", "1", "community", "physical", "standing guided escort", "yes",
         "shift lead", "picture timetable; alternative walk", "none", "yes", "yes", "yes", "yes", "no"],
        ["OV-2026-104", "MB", "2026-10-28", "22:30", "0", "bedroom", "chemical (PRN)", "oral PRN per protocol", "yes",
         "on-call manager", "sleep routine; music; reassurance over 2 hours", "none", "yes", "yes", "yes", "yes", "no"],
    ]
    write_csv("incidents/2026-10-oakview-restrictive-practice-log.csv", header, rows)
    write_csv("incidents/2026-10-riverside-on-call-escalation-log.csv",
              ["date", "time", "client", "call", "reason", "escalated_to", "outcome", "family_informed"], [
                  ["2026-10-03", "18:20", "EP", "teatime (time-critical)", "care worker sick", "on-call manager",
                   "back-up care worker attended 18:55", "yes"],
                  ["2026-10-11", "07:45", "DH", "breakfast", "car breakdown", "on-call manager",
                   "call covered 08:30; welfare call made 07:55", "yes"],
                  ["2026-10-24", "21:10", "EP", "bedtime", "previous call overran", "on-call manager",
                   "covered 21:35", "not needed"],
              ])


def spot_checks() -> None:
    d = dt.date
    checks = [
        (d(2026, 7, 16), "Oakview", "Three daily records said 'settled day' with no detail; a fall on 12 July was "
                                    "written up the next morning. Followed up in supervision with the senior carer.", 68),
        (d(2026, 8, 20), "Meadow Court", "Fluid charts complete. Two skin checks said 'no concerns' on days when the "
                                         "body map showed a new mark. Followed up in supervision.", 75),
        (d(2026, 9, 24), "Hillside House", "Records detailed and person-centred. One refusal of personal care not "
                                           "escalated. Followed up in supervision.", 88),
        (d(2026, 10, 22), "The Willows", "Good records; every fall in October escalated the same day.", 93),
    ]
    for day, service, finding, score in checks:
        blocks = [
            ("title", f"Unannounced spot check of daily records: {service}"),
            ("meta", f"{day.day} {day:%B %Y}, arrived 07:10 (handover). Sofia Marin, Quality and Compliance Officer. Action RQ-04."),
            ("table", [["Check", "Result"],
                       ["Daily records sampled", "10"],
                       ["Records with what the person did, how they seemed and what staff did", f"{score // 10} of 10"],
                       ["Falls, injuries, bruising and refusals escalated the same day", "see findings"],
                       ["Body maps completed where needed", "see findings"]]),
            ("h1", "Findings"),
            ("p", finding),
        ]
        write_docx(f"spot-checks/{day.isoformat()}-spot-check-{service.lower().replace(' ', '-')}.docx", day=day,
                   author="Sofia Marin", title=f"Spot check of daily records: {service}, {day:%B %Y}",
                   blocks=blocks, category="spot_check", keywords="RQ-04")


def feedback() -> None:
    d = dt.date
    write_md("feedback/2026-10-23-riverside-client-telephone-survey.md",
             {"id": "riverside-survey-2026-10", "type": "feedback", "date": d(2026, 10, 23),
              "actions": ["RH-06"], "author": "Aisha Rahman", "service": "Riverside Homecare",
              "title": "Riverside Homecare client telephone survey, October 2026"}, """
# Client telephone survey: Riverside Homecare, October 2026

30 clients and families were phoned between 12 and 21 October; 24 took part.

| Question | Yes | Sometimes | No |
|---|---|---|---|
| Do your care workers arrive when you expect them? | 19 | 4 | 1 |
| If they are going to be late, does someone let you know? | 17 | 5 | 2 |
| Do you feel safe with your care workers? | 24 | 0 | 0 |

What people said:
- "Much better since the summer. The same two girls come most days." (client, Run 2)
- "Mum's tablets are on time now, which matters with her Parkinson's." (daughter of a client)
- "Weekends can still be a bit late." (client, Run 5)

Reported to the Quality and Safeguarding Committee and the commissioner with the October data (RH-06).
""")
    day = d(2026, 9, 30)
    blocks = [
        ("title", "What people and families told us: do we act on concerns?"),
        ("meta", "Survey of residents, people we support and relatives across six services, September 2026. Action RQ-05."),
        ("table", [["Question", "Agree", "Not sure", "Disagree"],
                   ["If I raise a concern, staff tell a manager the same day", "71", "14", "6"],
                   ["I am told what happened after I raise a concern", "63", "19", "9"],
                   ["Records about me (or my relative) are accurate", "58", "27", "6"]]),
        ("p", "91 responses (easy-read and large-print versions used). Comments were mostly positive about staff. "
              "Several relatives at Meadow Court said they were not always told about minor falls."),
        ("p", "What we are doing: the on-duty manager now rings the family on the day of any fall, and we will repeat "
              "the survey in March 2027."),
    ]
    write_docx("feedback/2026-09-30-people-and-families-feedback-summary.docx", day=day, author="Helen Carter",
               title="People and families feedback on escalation, September 2026", blocks=blocks,
               category="feedback", keywords="RQ-05")


def policies() -> None:
    d = dt.date
    day = d(2026, 5, 6)
    blocks = [
        ("title", "Call monitoring and missed calls policy (version 4)"),
        ("meta", "Riverside Homecare. Approved by Marcus Bell, Registered Manager, 6 May 2026. Reissued under RH-05."),
        ("h1", "1. Purpose"),
        ("p", "To make sure every planned call happens, on time, and that nobody is left without care when a call cannot "
              "be made."),
        ("h1", "2. Definitions"),
        ("bullets", ["A call is missed if it is not carried out by 23:00 that day, is merged with another call, or is not "
                     "done before the next planned call.",
                     "A call is late if it starts more than 30 minutes after the planned time.",
                     "A time-critical call is one where a delay could cause harm (for example, Parkinson's medication, "
                     "insulin, or a person who cannot get out of bed safely alone)."]),
        ("h1", "3. What care workers do"),
        ("bullets", ["Log in and out of every call on the electronic call monitoring app in the person's home.",
                     "Ring the office as soon as you know you will be more than 15 minutes late.",
                     "Never leave a time-critical call uncovered: the office will send the back-up care worker."]),
        ("h1", "4. What the office does"),
        ("p", "The care coordinator reviews every missed or late call with the care worker within 7 days. Out of hours, "
              "the on-call manager arranges cover or a welfare call and tells the family."),
    ]
    write_docx("policies/2026-05-06-call-monitoring-and-missed-calls-policy-v4.docx", day=day, author="Marcus Bell",
               title="Call monitoring and missed calls policy v4", blocks=blocks, category="policy", keywords="RH-05")
    day = d(2026, 6, 22)
    blocks = [
        ("title", "Record keeping and escalation policy (version 3)"),
        ("meta", f"{PROVIDER}, all services. Approved by Helen Carter, Head of Quality and Safeguarding, 22 June 2026. "
                 "Reissued under RQ-03."),
        ("h1", "1. Good records"),
        ("p", "A good record says what the person did, how they seemed, what they said in their own words, and what "
              "staff did. 'Settled day' on its own is not a record."),
        ("h1", "2. Escalate the same day"),
        ("bullets", ["Falls, injuries, unexplained bruising or marks, and refusal of care or medication are reported to "
                     "the on-duty manager before the end of the shift.",
                     "The on-duty manager decides whether a safeguarding concern must be raised with the local authority "
                     "and records the decision and the reason."]),
        ("h1", "3. Body maps"),
        ("p", "Complete a body map for any new mark, and date and sign it."),
    ]
    write_docx("policies/2026-06-22-record-keeping-and-escalation-policy-v3.docx", day=day, author="Helen Carter",
               title="Record keeping and escalation policy v3", blocks=blocks, category="policy", keywords="RQ-03")


# --------------------------------------------------------------------------------------------
# board reports, indicators, email, photo
# --------------------------------------------------------------------------------------------

OAKVIEW = [("2025-03", 12), ("2025-04", 14), ("2025-05", 11), ("2025-06", 13), ("2025-07", 15), ("2025-08", 12),
           ("2025-09", 14), ("2025-10", 13), ("2025-11", 11), ("2025-12", 12), ("2026-01", 13), ("2026-02", 14),
           ("2026-03", 11), ("2026-04", 9), ("2026-05", 8), ("2026-06", 6), ("2026-07", 5), ("2026-08", 4),
           ("2026-09", 3), ("2026-10", 4)]
MISSED = [("2025-05", 3.8), ("2025-06", 4.2), ("2025-07", 3.5), ("2025-08", 4.6), ("2025-09", 4.0), ("2025-10", 3.9),
          ("2025-11", 5.1), ("2025-12", 4.4), ("2026-01", 3.7), ("2026-02", 4.8), ("2026-03", 4.3), ("2026-04", 4.5),
          ("2026-05", 3.1), ("2026-06", 2.4), ("2026-07", 1.9), ("2026-08", 1.6), ("2026-09", 0.9), ("2026-10", 0.9)]
LATE = [("2025-05", 14.2), ("2025-06", 15.8), ("2025-07", 13.9), ("2025-08", 16.4), ("2025-09", 15.1), ("2025-10", 14.7),
        ("2025-11", 17.2), ("2025-12", 16.0), ("2026-01", 15.3), ("2026-02", 14.8), ("2026-03", 16.1), ("2026-04", 15.6),
        ("2026-05", 13.1), ("2026-06", 11.4), ("2026-07", 9.8), ("2026-08", 8.6), ("2026-09", 7.9), ("2026-10", 7.2)]
ESCALATION = [("2025-06", 78), ("2025-07", 81), ("2025-08", 76), ("2025-09", 80), ("2025-10", 83), ("2025-11", 79),
              ("2025-12", 77), ("2026-01", 82), ("2026-02", 80), ("2026-03", 78), ("2026-04", 81), ("2026-05", 79),
              ("2026-06", 80), ("2026-07", 84), ("2026-08", 88), ("2026-09", 91), ("2026-10", 93)]


def indicators() -> None:
    d = dt.date
    write_csv("indicators/oakview-restrictive-interventions.csv", ["period", "value"], [list(r) for r in OAKVIEW])
    write_csv("indicators/riverside-missed-calls-per-1000.csv", ["period", "value"], [list(r) for r in MISSED])
    write_xlsx("indicators/riverside-late-calls.xlsx", day=d(2026, 11, 4), title="Riverside Homecare late calls (%)",
               sheet="Late calls", header=["period", "value"], rows=[list(r) for r in LATE])
    write_csv("indicators/escalation-within-24h.csv", ["period", "value"], [list(r) for r in ESCALATION])
    # One multi-series file: several services and indicators in long format.
    agency = {"Oakview": [22, 21, 19, 18, 16, 15, 14, 12, 11, 10, 9, 9],
              "Riverside Homecare": [8, 8, 9, 7, 7, 6, 6, 5, 5, 5, 4, 4],
              "Meadow Court": [15, 16, 14, 15, 13, 14, 12, 12, 11, 12, 10, 10]}
    supervision = {"Oakview": [72, 75, 74, 80, 84, 86, 88, 90, 92, 93, 94, 95],
                   "Riverside Homecare": [65, 66, 70, 71, 75, 78, 80, 82, 84, 85, 86, 88],
                   "Meadow Court": [80, 79, 82, 83, 85, 84, 86, 87, 88, 90, 90, 91]}
    months = [f"{y}-{m:02d}" for y, m in [(2025, 11), (2025, 12)] + [(2026, m) for m in range(1, 11)]]
    rows = []
    for name, table in (("agency_staff_pct", agency), ("supervision_in_date_pct", supervision)):
        for service, values in table.items():
            rows += [[service, name, month, value] for month, value in zip(months, values)]
    rows.sort()
    write_csv("indicators/provider-monthly-quality-dashboard.csv", ["service", "indicator", "period", "value"], rows)


def board_reports() -> None:
    d = dt.date
    day = d(2026, 7, 16)
    blocks = [
        ("title", "Safeguarding assurance report to the Board: quarter 1 2026/27"),
        ("meta", "Ruth Adeyemi, Director of Care and Nominated Individual. For the Board meeting of 23 July 2026."),
        ("h1", "1. High-risk plans"),
        ("p", "SAP-2026-007, restrictive practice at Oakview (origin: Section 42 enquiry LA-2026-0042). Restrictive "
              "interventions fell from a baseline average of 12.8 a month to 6 in June. No prone restraint since 16 "
              "February. RP-03 is green; RP-04 audits show plans now list every intervention used."),
        ("table", [["Month", "Restrictive interventions"]] + [[p, v] for p, v in OAKVIEW if "2026-01" <= p <= "2026-06"]),
        ("h1", "2. Other plans"),
        ("p", "SAP-2026-011, missed and late calls at Riverside Homecare: missed calls 2.4 per 1,000 in June (baseline "
              "4.2). SAP-2026-014, record quality and delayed escalation: opened 8 June; first audit results in August."),
        ("h1", "3. Assurance level proposed"),
        ("p", "Limited assurance on restrictive practice until the reduction is sustained; reasonable assurance on the "
              "controls in place."),
    ]
    write_docx("board/2026-07-16-safeguarding-assurance-report-q1.docx", day=day, author="Ruth Adeyemi",
               title="Safeguarding assurance report to the Board, quarter 1 2026/27", blocks=blocks,
               category="board_report", keywords=ids_in(blocks))
    day = d(2026, 10, 15)
    blocks = [
        ("title", "Safeguarding assurance report to the Board: quarter 2 2026/27"),
        ("meta", "Ruth Adeyemi, Director of Care and Nominated Individual. For the Board meeting of 22 October 2026."),
        ("h1", "1. High-risk plans"),
        ("p", "SAP-2026-007, restrictive practice at Oakview. The Quality and Safeguarding Committee closed RP-03 on 15 "
              "October on evidence: seven consecutive months below the baseline average (a sustained shift on the SPC "
              "chart), at or below the target of 4 since August, weekly log audits at 90% or more since August, and "
              "supervision and competency observations showing consistent practice. RP-01 and RP-05 remain open to hold "
              "the gains. RP-04 (behaviour support plan audits) has slipped: no audit since August."),
        ("table", [["Month", "Restrictive interventions"]] + [[p, v] for p, v in OAKVIEW if "2026-01" <= p]),
        ("p", "Trend by person, as the Board asked in July: JT 4 to 1, MB 6 to 2, AR 3 to 1 (monthly average, "
              "January to March against July to September)."),
        ("h1", "2. Other plans"),
        ("p", "SAP-2026-011 (Riverside Homecare): missed calls 0.9 per 1,000 in September; late calls 7.9%. "
              "SAP-2026-014 (record quality): daily-record audit scores improved at five of six services (RQ-02). "
              "Spot checks under RQ-04 are behind schedule."),
        ("h1", "3. Assurance level proposed"),
        ("p", "Reasonable assurance on restrictive practice at Oakview; limited assurance on record quality until the "
              "spot-check programme is complete."),
    ]
    write_pdf("board/2026-10-15-safeguarding-assurance-report-q2.pdf", day=day, author="Ruth Adeyemi",
              title="Safeguarding assurance report to the Board, quarter 2 2026/27", blocks=blocks,
              subject="board_report", keywords=ids_in(blocks))


def email() -> None:
    text = """\
From: Marcus Bell <marcus.bell@example-care.example>
To: Tom Hughes <tom.hughes@example-care.example>
Subject: FW: Riverside Homecare - contract monitoring visit 27 October (LA-DOM-2025-12)
Date: Wed, 28 Oct 2026 09:14:00 +0000
Message-ID: <20261028091400.riverside@example-care.example>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Tom,

For the file, and for the next RH-06 report to the committee. Good news on the whole.

Marcus

-----Original message-----
From: Sarah Whitlock <sarah.whitlock@northfield-council.example>
Sent: 27 October 2026 16:52
To: Marcus Bell <marcus.bell@example-care.example>
Subject: Riverside Homecare - contract monitoring visit 27 October (LA-DOM-2025-12)

Dear Marcus,

Thank you for hosting today's monitoring visit. A short summary before the formal report:

- Missed calls have fallen from about 4.5 to 0.9 per 1,000 since April. The time-critical call flags and
  coordinator alerts (your action RH-01) were working when we looked at the live screen.
- Late calls are down to 7.9%, still above the 5% in the contract; please keep reporting monthly (RH-06).
- The three clients we rang were positive. One mentioned weekend calls are still sometimes late.

We will not need to keep Riverside on enhanced monitoring after the December return if this continues.

Kind regards,
Sarah Whitlock
Contracts and Quality Officer, Adult Social Care Commissioning
Northfield County Council
"""
    write_text("correspondence/2026-10-28-fw-riverside-contract-monitoring-visit.eml", text.replace("\n", "\r\n"))


def photo() -> None:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (960, 640), (181, 136, 89))
    draw = ImageDraw.Draw(img)
    for y in range(0, 640, 7):                       # cork texture, deterministic
        for x in range((y * 13) % 11, 960, 11):
            draw.point((x, y), fill=(160, 118, 74))
    draw.rectangle((0, 0, 959, 639), outline=(96, 64, 32), width=14)

    def font(size: int):
        try:
            return ImageFont.load_default(size=size)
        except TypeError:                            # Pillow < 10.1
            return ImageFont.load_default()

    def notice(box, colour, title, lines):
        x0, y0, x1, y1 = box
        draw.rectangle((x0 + 5, y0 + 5, x1 + 5, y1 + 5), fill=(120, 84, 50))
        draw.rectangle(box, fill=colour, outline=(90, 90, 90))
        draw.ellipse(((x0 + x1) // 2 - 7, y0 - 4, (x0 + x1) // 2 + 7, y0 + 10), fill=(200, 30, 30))
        draw.text((x0 + 14, y0 + 16), title, fill=(20, 20, 20), font=font(22))
        for i, line in enumerate(lines):
            draw.text((x0 + 14, y0 + 52 + i * 24), line, fill=(40, 40, 40), font=font(17))

    # The chart the team made for the board: monthly restrictive interventions since January.
    x0, y0, x1, y1 = 40, 40, 520, 400
    draw.rectangle((x0 + 5, y0 + 5, x1 + 5, y1 + 5), fill=(120, 84, 50))
    draw.rectangle((x0, y0, x1, y1), fill=(255, 255, 255), outline=(90, 90, 90))
    draw.ellipse(((x0 + x1) // 2 - 7, y0 - 4, (x0 + x1) // 2 + 7, y0 + 10), fill=(30, 90, 200))
    draw.text((x0 + 14, y0 + 14), "Oakview: fewer restrictions, month by month", fill=(20, 20, 20), font=font(20))
    values = [v for p, v in OAKVIEW if p >= "2026-01"]
    base = y1 - 40
    for i, v in enumerate(values):
        bx = x0 + 28 + i * 45
        draw.rectangle((bx, base - v * 18, bx + 30, base), fill=(0, 112, 192) if i >= 2 else (170, 170, 170))
        draw.text((bx + 8, base - v * 18 - 22), str(v), fill=(20, 20, 20), font=font(16))
        draw.text((bx + 2, base + 8), ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"][i],
                  fill=(20, 20, 20), font=font(15))
    target_y = base - 4 * 18
    draw.line((x0 + 20, target_y, x1 - 14, target_y), fill=(222, 27, 27), width=3)
    draw.text((x0 + 190, target_y + 6), "target 4", fill=(222, 27, 27), font=font(16))

    notice((560, 50, 920, 260), (255, 247, 170), "You said, we did", [
        "You said: tell me early if", "plans change.", "We did: picture timetables", "and a call straight away."])
    notice((560, 300, 920, 480), (210, 235, 255), "Debriefs", [
        "Talk to Grace or Bethany", "after any restriction.", "Every time. Within 72 hours."])
    notice((80, 450, 500, 600), (220, 250, 220), "Least restrictive first", [
        "Know the early signs.", "Use the plan. Give time. Offer choices."])
    img.save(_path("photos/2026-10-20-oakview-notice-board.png"), format="PNG", optimize=False)
    write_yaml("photos/2026-10-20-oakview-notice-board.png.meta.yaml", {
        "type": "other",
        "title": "Photo: Oakview staff-room notice board (restrictive practice reduction)",
        "date": dt.date(2026, 10, 20),
        "service": "Oakview",
        "actions": ["RP-05"],
        "author": "Priya Shah",
        "tags": ["photo", "culture"],
    })


def evidence_index() -> None:
    d = dt.date
    index = {
        "audits/daily-record-audit-scores-2026.csv": {
            "id": "daily-record-audit-scores-2026", "type": "audit",
            "title": "Daily records and escalation audit scores, all services, 2026", "date": d(2026, 11, 13),
            "service": "Provider-wide", "actions": ["RQ-01"], "author": "Sofia Marin"},
        "correspondence/2026-10-28-fw-riverside-contract-monitoring-visit.eml": {
            "type": "partner_feedback", "title": "Commissioner's summary of the contract monitoring visit, 27 October 2026",
            "date": d(2026, 10, 27), "service": "Riverside Homecare", "actions": ["RH-06"]},
        "incidents/2026-10-oakview-restrictive-practice-log.csv": {
            "type": "incident_log", "title": "Oakview restrictive practice log, October 2026 (export)",
            "date": d(2026, 11, 3), "period_end": d(2026, 10, 31), "service": "Oakview", "actions": ["RP-01"],
            "author": "Priya Shah"},
        "incidents/2026-10-riverside-on-call-escalation-log.csv": {
            "type": "incident_log", "title": "Riverside Homecare on-call escalation log, October 2026",
            "date": d(2026, 11, 4), "period_end": d(2026, 10, 31), "service": "Riverside Homecare",
            "actions": ["RH-04"], "author": "Marcus Bell"},
        "indicators/escalation-within-24h.csv": {
            "type": "indicator", "title": "Incidents escalated to a manager within 24 hours (%), all services",
            "date": d(2026, 11, 6), "period_end": d(2026, 10, 31), "service": "Provider-wide", "actions": ["RQ-01"]},
        "indicators/oakview-restrictive-interventions.csv": {
            "type": "indicator", "title": "Oakview: restrictive interventions per month", "date": d(2026, 11, 5),
            "period_end": d(2026, 10, 31), "service": "Oakview", "actions": ["RP-03", "RP-05"]},
        "indicators/provider-monthly-quality-dashboard.csv": {
            "type": "indicator", "title": "Monthly quality dashboard: agency use and supervision in date, by service",
            "date": d(2026, 11, 6), "period_end": d(2026, 10, 31), "service": "Provider-wide", "actions": ["RQ-02"]},
        "indicators/riverside-late-calls.xlsx": {
            "type": "indicator", "title": "Riverside Homecare: calls started more than 30 minutes late (%)",
            "date": d(2026, 11, 4), "period_end": d(2026, 10, 31), "service": "Riverside Homecare",
            "actions": ["RH-06"]},
        "indicators/riverside-missed-calls-per-1000.csv": {
            "type": "indicator", "title": "Riverside Homecare: missed calls per 1,000 planned calls",
            "date": d(2026, 11, 4), "period_end": d(2026, 10, 31), "service": "Riverside Homecare",
            "actions": ["RH-01"]},
        "training/2026-11-02-training-matrix.csv": {
            "type": "training", "title": "Training matrix (extract), 2 November 2026", "date": d(2026, 11, 2),
            "actions": ["RH-05"], "author": "Sofia Marin"},
    }
    write_yaml("evidence.yaml", index,
               "Evidence index: metadata for files that cannot carry their own (CSV, XLSX, email).\n"
               "Keyed by path relative to this folder. Same keys as a *.meta.yaml sidecar.")


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    meetings()
    audits()
    supervision()
    competency()
    training()
    debriefs()
    support_plans()
    incidents()
    spot_checks()
    feedback()
    policies()
    board_reports()
    indicators()
    email()
    photo()
    evidence_index()
    files = sorted(p for p in OUT.rglob("*") if p.is_file())
    print(f"wrote {len(files)} files to {OUT.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
