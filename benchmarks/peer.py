"""The peer pipeline the benchmarks compare with: Word templates of our three documents filled with
docxtpl, converted to PDF by LibreOffice headless in one batch — what a Python team would script.

Like for like: each template starts from the theme's reference.docx (the styles our DOCX uses) and
holds what our document holds — running header, footer with page X of Y, the same headings, tables,
lists and paragraphs, the briefing's year chart — filled with the same text from the same Plan.
The chart PNG is handed to the peer ready-made (ours draws it, and that time counts for us), and
the peer renders no plan.json or mop.ics: both in the peer's favour.

Needs `soffice` on PATH and docxtpl, which is not a runtime dependency: `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import io
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import workshop
from workshop.documents.theme import add_minutes
from workshop.formatting import long_date, money, month_name, month_year, short_date

DOCUMENTS = ("briefing", "agenda", "memo")
PAPER_MM = {"a4": (210, 297), "letter": (215.9, 279.4)}
SEVERITY_TITLES = {"high": "High", "medium": "Medium", "low": "Low", "info": "For information"}
PARTY_WORDS = {"vendor": "The Vendor", "partner": "The Partner", "both": "Both parties"}


def missing() -> str | None:
    """Why the peer cannot run here, or None."""
    try:
        import docxtpl  # noqa: F401
    except ImportError:
        return "docxtpl is not installed (pip install -e '.[bench]')"
    if shutil.which("soffice") is None:
        return "soffice (LibreOffice) is not on PATH"
    return None


class _Template:
    """A Word document being written as a docxtpl template, in the styles of reference.docx."""

    def __init__(self, title: str, paper: str):
        import docx
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Mm

        from workshop.writers.docx import _add_field

        self.document = docx.Document(str(workshop.Theme().reference_docx))
        body = self.document.element.body
        for child in list(body)[:-1]:  # keep only the section properties
            body.remove(child)
        section = self.document.sections[0]
        section.page_width, section.page_height = (Mm(side) for side in PAPER_MM[paper])
        text_width = section.page_width - section.left_margin - section.right_margin
        header = section.header.paragraphs[0]
        header.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
        header.style = self.document.styles["Header"]
        header.add_run("{{ vendor }}").bold = True
        header.add_run(f"\t{title}")
        footer = section.footer.paragraphs[0]
        footer.paragraph_format.tab_stops.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)
        footer.style = self.document.styles["Footer"]
        footer.add_run("Confidential · FY{{ year }} · prepared {{ prepared }}\tPage ")
        _add_field(footer, "PAGE")
        footer.add_run(" of ")
        _add_field(footer, "NUMPAGES")

    def paragraph(self, *runs: str, style: str | None = None, bold_first: bool = False):
        paragraph = self.document.add_paragraph(style=style)
        for index, text in enumerate(runs):
            paragraph.add_run(text).bold = (bold_first and index == 0) or None
        return paragraph

    def heading(self, text: str, level: int = 1) -> None:
        self.paragraph(text, style=f"Heading {level}")

    def tag(self, text: str) -> None:
        """A docxtpl paragraph tag ({%p ... %}): the paragraph is replaced by the loop or condition."""
        self.document.add_paragraph(f"{{%p {text} %}}")

    def table(self, headings: list[str], cells: list[str], loop: str | None = None,
              rows: list[tuple[str, str]] | None = None) -> None:
        """A table in the Workshop Table style: a heading row and a row per item of `loop`
        ("for x in xs"), or fixed (label, value) rows."""
        document = self.document
        body_rows = [(label, value) for label, value in rows] if rows else [tuple(cells)]
        count = (1 if headings else 0) + len(body_rows) + (2 if loop else 0)
        table = document.add_table(rows=count, cols=len(headings) or len(body_rows[0]))
        table.style = document.styles["Workshop Table"]
        index = 0
        if headings:
            for cell, text in zip(table.rows[0].cells, headings):
                cell.paragraphs[0].text, cell.paragraphs[0].style = text, document.styles["Table Heading"]
            index = 1
        if loop:
            table.rows[index].cells[0].text = f"{{%tr {loop} %}}"
            index += 1
        for row in body_rows:
            for column, (cell, text) in enumerate(zip(table.rows[index].cells, row)):
                heading = rows is not None and column == 0
                cell.paragraphs[0].text = text
                cell.paragraphs[0].style = document.styles["Table Heading" if heading else "Table Text"]
            index += 1
        if loop:
            table.rows[index].cells[0].text = "{%tr endfor %}"
        document.add_paragraph(style="Table Text")

    def grouped(self, groups: str, items: str, style: str) -> None:
        """A level-2 heading per group of `groups` (its `title`) over a list of its `items`."""
        self.tag(f"for group in {groups}")
        self.heading("{{ group.title }}", 2)
        self.tag(f"for item in group.{items}")
        self.paragraph("{{ item }}", style=style)
        self.tag("endfor")
        self.tag("endfor")

    def save(self, path: Path) -> Path:
        self.document.save(path)
        return path


def _briefing(paper: str) -> _Template:
    t = _Template("Briefing pack", paper)
    t.paragraph("Internal · {{ vendor }} team only", style="Draft Mark")
    t.paragraph("Briefing pack: {{ partner }}", style="Title")
    t.paragraph("Joint planning for {{ year_label }} ({{ year_start }} to {{ year_end }}) · prepared {{ prepared }}",
                style="Subtitle")
    t.heading("Partner snapshot")
    t.table([], [], rows=[("Partner", "{{ snapshot.partner }}"), ("Where", "{{ snapshot.where }}"),
                          ("Fiscal calendar", "{{ snapshot.calendar }}"), ("Quarter-end offset", "{{ snapshot.offset }}"),
                          ("Recommended MOP", "{{ snapshot.recommended }}"), ("Joint pipeline", "{{ snapshot.pipeline }}")])
    t.tag("if notes")
    t.paragraph("{{ notes }}", style="Note")
    t.tag("endif")
    t.heading("Their side of the table")
    t.paragraph("{{ their_side }}")
    t.table(["Their quarter", "Starts", "Ends", "Closing push from"],
            ["{{ q.label }}", "{{ q.start }}", "{{ q.end }}", "{{ q.push }}"], "for q in partner_quarters")
    t.heading("The year at a glance")
    t.paragraph("{{ chart }}")
    t.heading("Quarter ends side by side")
    t.table(["Our quarter", "Ends", "Their quarter", "Ends", "Offset (days)"],
            ["{{ p.ours }}", "{{ p.our_end }}", "{{ p.theirs }}", "{{ p.their_end }}", "{{ p.offset }}"],
            "for p in pairs")
    t.heading("Findings")
    t.grouped("findings", "lines", "List Bullet")
    t.heading("MOP options compared")
    t.table(["Option", "Score", "{{ factors[0] }}", "{{ factors[1] }}", "{{ factors[2] }}", "{{ factors[3] }}",
             "Period ends"],
            ["{{ o.title }}", "{{ o.score }}", "{{ o.factors[0] }}", "{{ o.factors[1] }}", "{{ o.factors[2] }}",
             "{{ o.factors[3] }}", "{{ o.ends }}"], "for o in options")
    t.paragraph("{{ factor_note }}", style="Note")
    t.heading("Recommendation: {{ recommended }}")
    t.paragraph("{{ recommendation }}")
    t.paragraph("{{ rationale }}")
    t.table(["Period", "Starts", "Ends", "Days"], ["{{ p.name }}", "{{ p.start }}", "{{ p.end }}", "{{ p.days }}"],
            "for p in periods")
    t.paragraph("{{ handover }}", style="Note")
    t.tag("for note in period_notes")
    t.paragraph("{{ note }}", style="List Bullet")
    t.tag("endfor")
    t.tag("for line in not_offered")
    t.paragraph("{{ line }}", style="Note")
    t.tag("endfor")
    t.heading("Questions for the session")
    t.grouped("question_sections", "questions", "List Number")
    t.heading("Contacts")
    t.table(["Name", "Company", "Title", "Role", "Email"],
            ["{{ c.name }}", "{{ c.company }}", "{{ c.title }}", "{{ c.role }}", "{{ c.email }}"], "for c in contacts")
    t.heading("Deals and their quarters")
    t.table(["Deal", "Amount", "Expected close", "Our quarter", "Their quarter", "Risk"],
            ["{{ d.name }}", "{{ d.amount }}", "{{ d.close }}", "{{ d.ours }}", "{{ d.theirs }}", "{{ d.risk }}"],
            "for d in deals")
    return t


def _agenda(paper: str) -> _Template:
    t = _Template("Joint planning session agenda", paper)
    t.paragraph("Joint planning session", style="Title")
    t.paragraph("{{ vendor }} and {{ partner }} · {{ year_label }} Mutual Operating Period", style="Subtitle")
    t.table([], [], rows=[("Date", "{{ session.date }}"), ("Time", "{{ session.time }}"), ("Place", "{{ session.place }}")])
    t.heading("Attendees")
    t.table(["{{ partner }}", "{{ vendor }}"], ["{{ a.partner }}", "{{ a.vendor }}"], "for a in attendees")
    t.heading("Agenda")
    t.table(["Time", "Topic", "Led by"], ["{{ i.time }}", "{{ i.topic }}", "{{ i.lead }}"], "for i in agenda")
    t.heading("Questions we would like to discuss")
    t.grouped("question_sections", "questions", "List Number")
    return t


def _memo(paper: str) -> _Template:
    t = _Template("Mutual Operating Period Agreement", paper)
    t.paragraph("Mutual Operating Period Agreement", style="Title")
    t.paragraph("{{ status }} {{ vendor }} and {{ partner }} · FY{{ year }} · prepared {{ prepared }}", style="Subtitle")
    t.paragraph("{{ vendor }}", " (“the Vendor”) and ", "{{ partner }}",
                " (“the Partner”) agree to run their joint business from {{ start }} to {{ end }} on {{ mop_words }}, "
                "so that pipeline reviews, commit dates and joint plans follow one calendar both sides recognise.")
    t.heading("Mutual Operating Period: {{ title }}")
    t.paragraph("{{ rationale }}")
    t.table(["Period", "Starts", "Ends", "Days"], ["{{ p.name }}", "{{ p.start }}", "{{ p.end }}", "{{ p.days }}"],
            "for p in periods")
    t.paragraph("{{ handover }}", style="Note")
    t.heading("Commitments and review")
    t.tag("for c in commitments")
    t.paragraph("{{ c.party }}", " will {{ c.text }}", style="List Bullet", bold_first=True)
    t.tag("endfor")
    t.paragraph("Review cadence:", " {{ cadence }}.", style="List Bullet", bold_first=True)
    t.heading("Signatures")
    signatures = t.document.add_table(rows=1, cols=2)
    for cell, side in zip(signatures.rows[0].cells, ("vendor", "partner")):
        cell.paragraphs[0].text = "For {{ %s }}" % side
        cell.paragraphs[0].style = t.document.styles["Signature Party"]
        cell.add_paragraph("{%%p for s in %s_signatories %%}" % side)
        cell.add_paragraph("Signature · {{ s }} · date ____________", style="Signature Line")
        cell.add_paragraph("{%p endfor %}")
    return t


def make_templates(folder: Path, paper: str = "a4") -> dict[str, Path]:
    """Write the three Word templates into `folder`; {document: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    builders = {"briefing": _briefing, "agenda": _agenda, "memo": _memo}
    return {name: builders[name](paper).save(folder / f"{name}-template.docx") for name in DOCUMENTS}


def _common(plan: workshop.Plan) -> dict:
    return {"vendor": plan.vendor.name, "partner": plan.partner.name, "year": plan.fiscal_year,
            "year_label": plan.facts.vendor_year, "prepared": long_date(plan.as_of, plan.locale)}


def _questions(plan: workshop.Plan) -> list[dict]:
    return [{"title": item.title, "questions": item.questions} for item in plan.agenda if item.questions]


def _briefing_context(plan: workshop.Plan, chart) -> dict:
    f, loc = plan.facts, plan.locale
    day = lambda d: long_date(d, loc)  # noqa: E731
    option = plan.recommended_option
    totals: dict[str, float] = {}
    for deal in f.deals:
        totals[deal.currency] = totals.get(deal.currency, 0) + deal.amount
    pipeline = f"{len(f.deals)} deal{'' if len(f.deals) == 1 else 's'}" + "".join(
        f"{': ' if i == 0 else ', '}{money(amount, cur, loc)}" for i, (cur, amount) in enumerate(sorted(totals.items())))
    their_side = f"{plan.partner.name} runs on a {f.partner.calendar}. While we execute {f.vendor_year}, they are in " \
                 f"{' and '.join(f.partner.fiscal_years)}."
    if f.partner.annual_planning_month:
        their_side += f" They plan their next year in {month_name(f.partner.annual_planning_month, loc)}"
        if f.partner.plan_lock_month:
            their_side += f" and lock the plan in {month_name(f.partner.plan_lock_month, loc)}"
        their_side += "."
    if f.planning.partner_months_into_year is not None:
        their_side += (f" When we start our planning in {month_year(f.planning.vendor_planning_start, loc)}, they are "
                       f"{f.planning.partner_months_into_year} months into {f.planning.partner_year_at_vendor_planning}.")

    def risk(d) -> str:
        if d.at_risk:
            return f"At risk: {', '.join(d.contacts_away)} away"
        if d.in_vendor_window and not d.in_partner_window:
            return "After their push"
        if d.in_partner_window and not d.in_vendor_window:
            return "Mid-quarter for us"
        return "—"

    return {
        **_common(plan), "chart": chart, "notes": plan.partner.notes,
        "year_start": day(f.vendor_year_start), "year_end": day(f.vendor_year_end),
        "snapshot": {
            "partner": plan.partner.name + (f" · {plan.partner.tier} tier" if plan.partner.tier else ""),
            "where": " · ".join(filter(None, [plan.partner.region, plan.partner.country, plan.partner.timezone]))
                     or "not recorded",
            "calendar": f"{f.partner.calendar[:1].upper()}{f.partner.calendar[1:]}; closing push in the last "
                        f"{f.partner.urgency_window_weeks} weeks of a quarter",
            "offset": f"{f.worst_offset_days} days at worst, {f.mean_offset_days} days on average",
            "recommended": f"{option.title} (score {option.score})", "pipeline": pipeline},
        "their_side": their_side,
        "partner_quarters": [{"label": q.label, "start": day(q.start), "end": day(q.end),
                              "push": day(q.urgency_start) if q.urgency_start else "none"} for q in f.partner.quarters],
        "pairs": [{"ours": p.vendor_quarter, "our_end": day(p.vendor_end), "theirs": p.partner_quarter,
                   "their_end": day(p.partner_end), "offset": f"{p.offset_days:+d}"} for p in f.quarter_pairs],
        "findings": [{"title": title, "lines": [x.text for x in plan.findings if x.severity == severity]}
                     for severity, title in SEVERITY_TITLES.items() if any(x.severity == severity for x in plan.findings)],
        "factors": [factor.heading for factor in plan.factors],
        "options": [{"title": o.title, "score": f"{o.score:.1f}",
                     "factors": [f"{o.factors[factor.key]:.2f}" for factor in plan.factors],
                     "ends": ", ".join(short_date(p.end, loc) for p in o.periods)}
                    for o in sorted(plan.options, key=lambda o: -o.score)],
        "factor_note": "Factors run from 0 (bad) to 1 (good)." + "".join(
            f" {factor.heading}: {factor.description}." for factor in plan.factors),
        "recommended": option.title, "recommendation": plan.recommendation,
        "rationale": f"{option.rationale} It runs from {day(option.start)} to {day(option.end)}."
                     + (f" {option.continuity}" if option.continuity else ""),
        "periods": [{"name": p.name + (" (under way)" if p.status == "running" else ""), "start": day(p.start),
                     "end": day(p.end), "days": (p.end - p.start).days + 1} for p in option.periods],
        "handover": option.handover, "period_notes": [p.note for p in option.periods if p.note],
        "not_offered": [f"Not offered: {s}, because {why}." for s, why in sorted(plan.not_offered.items())],
        "question_sections": _questions(plan),
        "contacts": [{"name": c.name + (" (signs)" if c.signatory else ""), "company": party.name, "title": c.title,
                      "role": c.role, "email": c.email or ""}
                     for party in (plan.partner, plan.vendor) for c in party.contacts],
        "deals": [{"name": d.name, "amount": money(d.amount, d.currency, loc), "close": day(d.expected_close),
                   "ours": d.vendor_quarter, "theirs": d.partner_quarter, "risk": risk(d)} for d in f.deals],
    }


def _agenda_context(plan: workshop.Plan) -> dict:
    session, loc = plan.session, plan.locale
    person = lambda c: f"{c.name}, {c.title}" if c.title else c.name  # noqa: E731
    left, right = plan.partner.contacts, plan.vendor.contacts
    leads = {"vendor": plan.vendor.name, "partner": plan.partner.name, "both": "Both teams"}
    clock = lambda minutes: add_minutes(session.start, minutes) if session.start else f"+{minutes} min"  # noqa: E731
    span = f"{session.start}–{add_minutes(session.start, plan.session_minutes)}" if session.start else "To be agreed"
    return {
        **_common(plan),
        "session": {"date": long_date(session.date, loc) if session.date else "To be agreed",
                    "time": f"{span} ({plan.session_minutes} minutes)", "place": session.place or "To be agreed"},
        "attendees": [{"partner": person(left[i]) if i < len(left) else "",
                       "vendor": person(right[i]) if i < len(right) else ""}
                      for i in range(max(len(left), len(right), 1))],
        "agenda": [{"time": clock(item.start_minute), "topic": f"{item.title} ({item.minutes} min)",
                    "lead": leads[item.owner]} for item in plan.agenda],
        "question_sections": _questions(plan),
    }


def _memo_context(plan: workshop.Plan) -> dict:
    memo, loc = plan.memo, plan.locale
    day = lambda d: long_date(d, loc)  # noqa: E731
    signatory = lambda s: f"{s.name}, {s.title}" if s.title else s.name  # noqa: E731
    halves = " and ".join(f"{h.name} from {day(h.start)} to {day(h.end)}, kicked off by {h.kicked_off_by}"
                          for h in memo.halves)
    return {
        **_common(plan), "status": "Signed" if memo.signed else "Draft", "start": day(memo.start),
        "end": day(memo.end), "title": memo.title, "rationale": memo.rationale, "handover": memo.handover,
        "mop_words": f"two Mutual Operating Periods (MOPs): {halves}" if memo.halves
                     else "the Mutual Operating Period (MOP) below",
        "periods": [{"name": p.name, "start": day(p.start), "end": day(p.end), "days": (p.end - p.start).days + 1}
                    for p in memo.periods],
        "commitments": [{"party": PARTY_WORDS[c.party], "text": c.text[0].lower() + c.text[1:]}
                        for c in memo.commitments],
        "cadence": memo.review_cadence.rstrip("."),
        "vendor_signatories": [signatory(s) for s in memo.vendor_signatories] or ["name and title ____________"],
        "partner_signatories": [signatory(s) for s in memo.partner_signatories] or ["name and title ____________"],
    }


def fill(template: Path, document: str, plan: workshop.Plan, out: Path, chart_png: bytes | None = None) -> Path:
    """Fill one Word template with one Plan's text, as the peer does for every document; the file written."""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    doc = DocxTemplate(template)
    if document == "briefing":
        chart = InlineImage(doc, io.BytesIO(chart_png or b""), width=Mm(170))
        context = _briefing_context(plan, chart)
    else:
        context = _agenda_context(plan) if document == "agenda" else _memo_context(plan)
    doc.render(context)
    doc.save(out)
    return out


@dataclass
class Cost:
    """Seconds spent (wall and CPU, the latter over every process involved) for some documents."""

    wall: float = 0.0
    cpu: float = 0.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class LibreOffice:
    """`soffice --headless --convert-to pdf` with a profile of its own, created before anything is timed
    (a user's batch job starts from an existing profile)."""

    def __init__(self, folder: Path, sample: Path):
        self.folder = folder
        profile = folder / "lo-profile"
        self.command = [shutil.which("soffice") or "soffice", f"-env:UserInstallation={profile.as_uri()}",
                        "--headless", "--norestore", "--convert-to", "pdf"]
        self.convert([sample], folder / "warm")

    def convert(self, files: list[Path], outdir: Path) -> Cost:
        """Convert `files` in one LibreOffice run; its wall and CPU time."""
        start, cpu = time.perf_counter(), _children_cpu()
        subprocess.run(self.command + ["--outdir", str(outdir), *map(str, files)], check=True, capture_output=True)
        cost = Cost(time.perf_counter() - start, _children_cpu() - cpu)
        made = {p.stem for p in outdir.glob("*.pdf")}
        lost = [f.name for f in files if f.stem not in made]
        if lost:
            raise RuntimeError(f"LibreOffice wrote no PDF for {len(lost)} of {len(files)} files, e.g. {lost[0]}")
        return cost


def run_batch(plans: list[workshop.Plan], charts: list[bytes], folder: Path, paper: str = "a4") -> tuple[Cost, Cost]:
    """The peer for a batch of partners: fill three templates per Plan, then convert every file in one
    LibreOffice run. (fill cost, convert cost) for the whole batch."""
    templates = make_templates(folder / "templates", paper)
    docs = folder / "docx"
    docs.mkdir(parents=True, exist_ok=True)
    office = LibreOffice(folder, fill(templates["memo"], "memo", plans[0], folder / "warm.docx"))
    files: list[Path] = []
    start, cpu = time.perf_counter(), time.process_time()
    for index, (plan, chart) in enumerate(zip(plans, charts)):
        for name in DOCUMENTS:
            files.append(fill(templates[name], name, plan, docs / f"{index:04d}-{name}.docx", chart))
    filled = Cost(time.perf_counter() - start, time.process_time() - cpu)
    return filled, office.convert(files, folder / "pdf")
